// Every generated script, in the repository and in the golden cases, is shellcheck-clean
// as POSIX sh, with no disable directives.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, SHELLS, which } from './helpers.ts';

function scripts(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return scripts(path);
    return readFileSync(path, 'utf8').startsWith('#!/bin/sh') ? [path] : [];
  });
}

const all = [
  ...scripts(join(ROOT, 'generated')),
  ...scripts(join(ROOT, 'test/cases')),
  join(ROOT, 'scripts/setup-test-host.sh'),
];

test('there are generated scripts to check', () => {
  assert.ok(all.length >= 4, all.join(', '));
});

// One shellcheck for every script (a process each was most of this suite's time), its
// findings one per line as file:line:col, then judged file by file. A script shellcheck
// found clean is remembered by the digest of its exact content and of shellcheck's version
// (in .cache/), so that only changed scripts are checked again; a fresh checkout checks all.
const CLEAN = join(ROOT, '.cache/shellcheck-clean.txt');
const shellcheckVersion = spawnSync(which('shellcheck'), ['--version'], { encoding: 'utf8' }).stdout;
let clean: Set<string> | undefined;

function digestOf(file: string): string {
  return createHash('sha256').update(shellcheckVersion).update(readFileSync(file)).digest('hex');
}

function knownClean(): Set<string> {
  clean ??= new Set(existsSync(CLEAN) ? readFileSync(CLEAN, 'utf8').split('\n') : []);
  return clean;
}

/** Several runs may share the cache: each appends whole lines, and a line is only a key. */
function remember(keys: string[]): void {
  if (keys.length === 0) return;
  mkdirSync(dirname(CLEAN), { recursive: true });
  appendFileSync(CLEAN, `${keys.join('\n')}\n`);
  for (const key of keys) knownClean().add(key);
}

let findings: string[] | undefined;
function findingsIn(path: string): string[] {
  if (!findings) {
    const unknown = all.filter((file) => !knownClean().has(digestOf(file)));
    const result = unknown.length
      ? spawnSync(which('shellcheck'), ['-s', 'sh', '-f', 'gcc', ...unknown], { encoding: 'utf8' })
      : { stdout: '', stderr: '' };
    assert.is(result.stderr, '');
    findings = result.stdout.split('\n').filter(Boolean);
    remember(unknown.filter((file) => !findings!.some((line) => line.startsWith(`${file}:`))).map(digestOf));
  }
  return findings.filter((line) => line.startsWith(`${path}:`));
}

for (const path of all) {
  test(`shellcheck -s sh ${path.slice(ROOT.length)}`, () => {
    assert.equal(findingsIn(path), []);
  });
  test(`${path.slice(ROOT.length)} parses in every shell of the matrix`, () => {
    // Remembered like shellcheck's verdicts: by the script's content and the shells' paths.
    const key = `parses ${SHELLS.map((shell) => shell.argv.join(' ')).join(',')} ${digestOf(path)}`;
    if (knownClean().has(key)) return;
    for (const shell of SHELLS) {
      const [command, ...args] = shell.argv;
      const result = spawnSync(command!, [...args, '-n', path], { encoding: 'utf8' });
      assert.is(result.status, 0, `${shell.name}: ${result.stderr}`);
    }
    remember([key]);
  });
  if (path.includes('/generated/') || path.includes('/cases/')) {
    test(`no shellcheck disable directive in ${path.slice(ROOT.length)}`, () => {
      assert.not.match(readFileSync(path, 'utf8'), 'shellcheck disable');
    });
  }
}

test.run();
