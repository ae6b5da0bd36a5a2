// Every generated script, in the repository and in the golden cases, is shellcheck-clean
// as POSIX sh, with no disable directives.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
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

// One shellcheck for every script (a process each is most of this suite's time), its
// findings one per line as file:line:col, then judged file by file.
let findings: string[] | undefined;
function findingsIn(path: string): string[] {
  if (!findings) {
    const result = spawnSync(which('shellcheck'), ['-s', 'sh', '-f', 'gcc', ...all], { encoding: 'utf8' });
    assert.is(result.stderr, '');
    findings = result.stdout.split('\n').filter(Boolean);
  }
  return findings.filter((line) => line.startsWith(`${path}:`));
}

for (const path of all) {
  test(`shellcheck -s sh ${path.slice(ROOT.length)}`, () => {
    assert.equal(findingsIn(path), []);
  });
  test(`${path.slice(ROOT.length)} parses in every shell of the matrix`, () => {
    for (const shell of SHELLS) {
      const [command, ...args] = shell.argv;
      const result = spawnSync(command!, [...args, '-n', path], { encoding: 'utf8' });
      assert.is(result.status, 0, `${shell.name}: ${result.stderr}`);
    }
  });
  if (path.includes('/generated/') || path.includes('/cases/')) {
    test(`no shellcheck disable directive in ${path.slice(ROOT.length)}`, () => {
      assert.not.match(readFileSync(path, 'utf8'), 'shellcheck disable');
    });
  }
}

test.run();
