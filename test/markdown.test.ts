// The tables of the generated READMEs, read back by a Markdown parser with GitHub's tables
// (markdown-it): every cell shows its text, whatever markup characters it holds, and a code
// span shows its code exactly.
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { codeSpan, markdownTable } from '../scripts/lib/text.ts';
import { propertyRuns } from './helpers.ts';

const markdown = new MarkdownIt();

/** The cells of each body row, as the text a reader sees, or the markup that crept in. */
function renderedCells(lines: string[]): string[][] {
  const rows: string[][] = [];
  let row: string[] | undefined;
  for (const token of markdown.parse(lines.join('\n'), {})) {
    if (token.type === 'tr_open') row = [];
    if (token.type === 'tr_close' && row) rows.push(row);
    if (token.type === 'inline' && row) row.push(shown(token.children ?? []));
  }
  return rows.slice(1); // the heading row
}

function shown(children: Token[]): string {
  return children
    .map((child) => {
      if (child.type === 'text') return child.content;
      if (child.type === 'code_inline') return `<code>${child.content}</code>`;
      return `<${child.type}>`;
    })
    .join('');
}

const text = fc.string({
  unit: fc.constantFrom(...[...'ab 9\\`*_[]()<>&~|$#!:/.-=\'"'], '\n', 'é', '&amp;', '**', '<br>', 'http://x.y'),
  maxLength: 20,
});

test('a cell of text shows that text (a line break as a space)', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(text, text), { minLength: 1, maxLength: 3 }), (rows) => {
      const expected = rows.map((row) => row.map((cell) => cell.replace(/\n/g, ' ').trim()));
      assert.equal(renderedCells(markdownTable(['A', 'B'], rows)), expected);
    }),
    { numRuns: propertyRuns(300) },
  );
});

test('a code span shows its code exactly, backticks and pipes included', () => {
  fc.assert(
    fc.property(
      text.filter((t) => t.trim() !== ''),
      (code) => {
        const [[cell]] = renderedCells(markdownTable(['Code'], [[codeSpan(code)]])) as [[string]];
        assert.is(cell, `<code>${code.replace(/\n/g, ' ')}</code>`);
      },
    ),
    { numRuns: propertyRuns(300) },
  );
});

test.run();
