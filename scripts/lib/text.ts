// Text that people read in generated files (--help, README, status lines): aligned columns,
// Markdown tables, prices and config templates shown as written. Never shell: that is
// scripts/lib/shell/.
import type { Template } from './template-string.ts';

/**
 * Rows as aligned columns, two spaces in front and between. Every column but the last is as
 * wide as its widest cell, at most `widest` (a longer cell pushes its row out).
 */
export function columns(rows: readonly (readonly string[])[], widest = Number.POSITIVE_INFINITY): string[] {
  if (rows.length === 0) return [];
  const count = Math.max(...rows.map((row) => row.length));
  const widths = Array.from({ length: count }, (_, column) =>
    Math.min(widest, Math.max(...rows.map((row) => row[column]?.length ?? 0))),
  );
  return rows.map((row) =>
    `  ${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')}`.trimEnd(),
  );
}

/** A Markdown table, followed by a blank line; none at all without rows. */
/** Text already written as Markdown (a code span, a link), which a table cell keeps as it is. */
export interface Markdown {
  markdown: string;
}

/**
 * A code span that shows `text` exactly: fenced with more backticks than any run in it, padded
 * where Markdown would strip a space or merge a backtick, and its pipes escaped for the table
 * (GitHub's table parser reads them first, even in code).
 */
export function codeSpan(text: string): Markdown {
  const shown = text.replace(/\r\n|\r|\n/g, ' ');
  if (shown === '') return { markdown: ' ' };
  const fence = '`'.repeat(Math.max(0, ...[...shown.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  const pad = /^[` ]|[` ]$/.test(shown) && shown.trim() !== '' ? ' ' : '';
  return { markdown: `${fence}${pad}${shown.replace(/\|/g, '\\|')}${pad}${fence}` };
}

/** A Markdown link whose text shows exactly. */
export function link(text: string, target: string): Markdown {
  return { markdown: `[${escapeMarkdown(text)}](${target})` };
}

/**
 * What GitHub's Markdown would read as markup is backslash-escaped: emphasis, code, links,
 * HTML, entities, strikethrough, math and a table's pipes. A line break shows as a space.
 */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>&~|$]/g, '\\$&').replace(/\r\n|\r|\n/g, ' ');
}

export function markdownTable(
  headings: readonly string[],
  rows: readonly (readonly (string | number | Markdown | undefined)[])[],
): string[] {
  if (rows.length === 0) return [];
  const cell = (value: string | number | Markdown | undefined) =>
    (typeof value === 'object' ? value.markdown : escapeMarkdown(String(value ?? ''))) || ' ';
  return [
    `| ${headings.join(' | ')} |`,
    `|${headings.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
    '',
  ];
}

/** A monthly price in cents as people write it: Free, $10/month, $12.50/month. */
export function price(cents: number | undefined): string {
  if (cents === undefined) return '';
  if (cents === 0) return 'Free';
  return `$${cents % 100 === 0 ? cents / 100 : (cents / 100).toFixed(2)}/month`;
}

/** A template as it is written in a config: `${NAME}` for variables, `$$` for a literal `$`. */
export function showTemplate(template: Template | undefined): string {
  return (template ?? [])
    .map((part) => ('variable' in part ? `\${${part.variable}}` : part.literal.replaceAll('$', '$$')))
    .join('');
}
