// The unit-file syntax both ways, with random text (control characters, quotes, %, $,
// backslashes, non-ASCII): a word written by unitWord is read back by systemd's rules as
// that text, and a raw value is written only when the syntax can hold it.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  expandCommandLine,
  parseUnitFile,
  rawValue,
  renderUnitFile,
  UnitValueError,
  unitWords,
} from '../scripts/lib/unit/syntax.ts';
import { propertyRuns } from './helpers.ts';

const text = fc.oneof(
  fc.string({ unit: fc.constantFrom(...[...' \t\n\r\x01\x7f\\"\'%$;#=ab%h${}é\u{1F600}']), maxLength: 16 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);

test('words of a command line come back as written, through the file and systemd’s expansions', () => {
  fc.assert(
    fc.property(fc.array(text, { minLength: 1, maxLength: 4 }), (words) => {
      const file = renderUnitFile('# header', [
        { name: 'Service', entries: [['ExecStart', `/bin/true ${unitWords(words)}`]] },
      ]);
      const [entry] = parseUnitFile(file);
      assert.equal(expandCommandLine(entry!.value, {}).slice(1), words);
    }),
    { numRuns: propertyRuns(2000, 300) },
  );
});

test('a raw value is written as itself, or refused when the syntax cannot hold it', () => {
  fc.assert(
    fc.property(text, (value) => {
      let written: string;
      try {
        written = rawValue(value, { dollars: false });
      } catch (error) {
        assert.instance(error, UnitValueError);
        assert.ok(/[\n\r]|^\s|\s$|\\$/.test(value), JSON.stringify(value));
        return;
      }
      const [entry] = parseUnitFile(`[Unit]\nDescription=${written}\n`);
      assert.is(entry!.value.replaceAll('%%', '%'), value);
    }),
    { numRuns: propertyRuns(2000, 300) },
  );
});

test.run();
