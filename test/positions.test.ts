// Where a problem is reported: line and column as an editor shows them (a character is one
// column, also beyond the Basic Multilingual Plane), on long lines as on short ones.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Positions } from '../scripts/lib/load.ts';

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

test.run();
