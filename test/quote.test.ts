import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { comment, heredoc, quote, word } from '../scripts/lib/shell/quote.ts';
import { propertyRuns, SHELLS } from './helpers.ts';

// Strings that stress shell quoting: quotes, expansions, globs, newlines, leading dashes,
// unicode. NUL is excluded: no argv can carry it (the generator rejects it in configs).
const nasty = fc
  .oneof(
    fc.string({
      unit: fc.constantFrom(...[...`'"\`$\\!*?[]{}()<>|&;~#=%- \t\n\r\u00e9\u4e2d\ud83d\ude00abcAZ09:,./@+`]),
      maxLength: 24,
    }),
    fc.string({ unit: 'grapheme', maxLength: 16 }),
    fc.constantFrom('', "'", "''", '$(id)', '`id`', '${HOME}', '-n', '--', '=cmd', '~', '*', '\n', 'a b', '\\'),
  )
  .filter((s) => !s.includes('\0'));

/** Runs `printf '%s\0' WORDS` in a shell and returns the words it saw. */
function echoWords(shell: { argv: string[] }, words: string): string[] {
  const [command, ...args] = shell.argv;
  const result = spawnSync(command!, [...args, '-c', `printf '%s\\0' ${words}`], {
    encoding: 'utf8',
    env: { LANG: 'C.UTF-8', HOME: '/home/q', V: 'v a$l' },
  });
  assert.is(result.status, 0, result.stderr);
  return result.stdout.split('\0').slice(0, -1);
}

for (const shell of SHELLS) {
  test(`quote round-trips random strings through ${shell.name}`, () => {
    fc.assert(
      fc.property(fc.array(nasty, { minLength: 1, maxLength: 6 }), (values) => {
        assert.equal(echoWords(shell, values.map(quote).join(' ')), values);
      }),
      { numRuns: propertyRuns(40) },
    );
  });

  test(`word expands variables without splitting or globbing in ${shell.name}`, () => {
    fc.assert(
      fc.property(nasty, nasty, (before, after) => {
        const produced = word([{ literal: before }, { variable: 'V' }, { literal: after }, { variable: 'HOME' }]);
        assert.equal(echoWords(shell, produced), [`${before}v a$l${after}/home/q`]);
      }),
      { numRuns: propertyRuns(25) },
    );
  });
}

test('quote leaves plain words bare so scripts stay readable', () => {
  assert.is(quote('/opt/cuda/bin'), '/opt/cuda/bin');
  assert.is(quote('--name'), '--name');
  assert.is(quote('KEY=value'), 'KEY=value');
});

test('quote double-quotes text holding $ or a backtick, escaping what is special there', () => {
  assert.is(quote('$HOME'), '"\\$HOME"');
  assert.is(quote('a`b"c\\d'), '"a\\`b\\"c\\\\d"');
});

test('quote wraps everything else in single quotes', () => {
  assert.is(quote(''), "''");
  assert.is(quote('a b'), "'a b'");
  assert.is(quote("it's"), "'it'\\''s'");
  assert.is(quote('=cmd'), "'=cmd'");
  assert.is(quote('~/x'), "'~/x'");
  assert.is(quote('é'), "'é'");
});

test('word merges literal parts and drops empty ones', () => {
  assert.is(word([{ literal: 'a' }, { literal: '' }, { literal: 'b c' }]), "'ab c'");
  assert.is(word([]), "''");
  assert.throws(() => word([{ variable: 'not-a-name' }]), /not a shell variable name/);
});

test('comment keeps every line of a multi-line text commented', () => {
  assert.is(comment('one\ntwo\r\n\nthree'), '# one\n# two\n#\n# three');
});

test('heredoc picks a delimiter that no line of the text can match', () => {
  const text = 'END_OF_TEXT\nEND_OF_TEXT_\n$(id) `id`';
  const script = heredoc(text);
  const result = spawnSync('dash', ['-c', script], { encoding: 'utf8' });
  assert.is(result.stdout, `${text}\n`);
});

test.run();
