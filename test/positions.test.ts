// Where a problem is reported: line and column as an editor shows them (a character is one
// column, also beyond the Basic Multilingual Plane), on long lines as on short ones.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Positions, readSource } from '../scripts/lib/load.ts';
import { remove, tempDir } from './helpers.ts';

const at = (text: string, offset: number) => new Positions({ path: 'x.json', shown: 'x.json', text }).at(offset, '');

test('columns count characters, an emoji as one', () => {
  const text = '{\n  "a": "😀😀", "imgae": 1\n}';
  const offset = text.indexOf('"imgae"');
  const before = text.slice(text.indexOf('\n') + 1, offset);
  assert.equal([at(text, offset).line, at(text, offset).column], [2, [...before].length + 1]);
  assert.is.not(at(text, offset).column, before.length + 1, 'not UTF-16 units');
});

test('the first column of each line is 1, also after a line of astral characters', () => {
  const text = '𝄞𝄞𝄞\nabc\n𝄞x';
  assert.equal([at(text, text.indexOf('abc')).line, at(text, text.indexOf('abc')).column], [2, 1]);
  assert.equal([at(text, text.indexOf('x')).line, at(text, text.indexOf('x')).column], [3, 2]);
});

test('a column on a line of a million characters is its offset within the line', () => {
  const text = `{"pad": "${'x'.repeat(1_000_000)}", "imgae": 1}`;
  const offset = text.indexOf('"imgae"');
  assert.equal([at(text, offset).line, at(text, offset).column], [1, offset + 1]);
});

test('the first byte that is not UTF-8 is found, after multibyte characters too, and at a cut end', () => {
  const dir = tempDir();
  try {
    const read = (bytes: number[]) => {
      writeFileSync(join(dir, 'x.json'), Buffer.from(bytes));
      return readSource(join(dir, 'x.json'), dir).invalidUtf8;
    };
    // "é😀" then 0xff: two characters (three UTF-16 units) before it.
    assert.equal(read([0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80, 0xff, 0x41]), { offset: 3, byte: 0xff });
    assert.equal(read([0x61, 0x62, 0xe9]), { offset: 2, byte: 0xe9 }, 'a sequence cut at the end');
    assert.equal(read([0x61, 0xe9, 0x74]), { offset: 1, byte: 0xe9 }, 'a lead byte without its continuation');
    assert.is(read([0x61, 0xc3, 0xa9]), undefined, 'valid UTF-8');
  } finally {
    remove(dir);
  }
});

test.run();
