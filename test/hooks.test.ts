// Startup hooks as the generated entrypoint runs them (hookArgv): shell and exec form, and
// the object form, whose named commands run side by side and fail together, in real shells.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hookArgv } from '../scripts/lib/targets/entrypoint.ts';
import { propertyRuns, SHELLS } from './helpers.ts';

function run(argv: string[], cwd: string) {
  return spawnSync(argv[0]!, argv.slice(1), {
    encoding: 'utf8',
    cwd,
    env: { PATH: process.env.PATH, LANG: 'C.UTF-8' },
  });
}

test('the object form starts every command before it waits: each can wait for the other', () => {
  const dir = mkdtempSync(join(tmpdir(), 'boxwright-hooks-'));
  try {
    // a waits for b's file and b for a's: one after the other, they would never end.
    const argv = hookArgv({
      a: 'touch a; while [ ! -e b ]; do sleep 0.05; done',
      b: ['sh', '-c', 'touch b; while [ ! -e a ]; do sleep 0.05; done'],
    });
    const result = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', cwd: dir, timeout: 20_000 });
    assert.is(result.status, 0, result.stderr);
    assert.ok(existsSync(join(dir, 'a')) && existsSync(join(dir, 'b')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the object form fails when any command fails, naming each that did, after all ended', () => {
  const dir = mkdtempSync(join(tmpdir(), 'boxwright-hooks-'));
  try {
    const result = run(hookArgv({ "it's bad": 'exit 3', fine: 'sleep 0.2; touch done', worse: ['false'] }), dir);
    assert.is(result.status, 1);
    assert.is(result.stderr, "failed: it's bad worse\n");
    assert.ok(existsSync(join(dir, 'done')), 'the others ran to the end');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const nasty = fc
  .string({ unit: fc.constantFrom(...[...'\'"`$\\!*?[]{}()<>|&;~#=%- \t\nabc\u00e9']), maxLength: 16 })
  .filter((s) => !s.includes('\0'));

test('any names and exec-form words reach the commands as written, in every shell', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(nasty, { minLength: 1, maxLength: 3 }),
      fc.array(nasty, { maxLength: 4 }),
      (names, words) => {
        const command = Object.fromEntries(names.map((name, i) => [name, ['printf', `${i}[%s]\\n`, ...words]]));
        const [, , script] = hookArgv(command);
        for (const shell of SHELLS) {
          const result = spawnSync(shell.argv[0]!, [...shell.argv.slice(1), '-c', script!], {
            encoding: 'utf8',
            // A HOME without a .bashrc: bash reads one when its input is a socket, as Node's are.
            env: { PATH: process.env.PATH, LANG: 'C.UTF-8', HOME: '/nonexistent' },
          });
          assert.is(result.status, 0, `${shell.name}: ${result.stderr}`);
          const lines = result.stdout.split('\n').filter(Boolean).sort();
          const expected = names
            .flatMap((_, i) => (words.length ? words : ['']).map((w) => `${i}[${w}]`))
            .join('\n')
            .split('\n')
            .filter(Boolean)
            .sort();
          assert.equal(lines, expected, shell.name);
        }
      },
    ),
    { numRuns: propertyRuns(60, 15) },
  );
});

test.run();
