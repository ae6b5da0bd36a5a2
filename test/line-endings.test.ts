// A checkout with core.autocrlf=true (Git for Windows' default) keeps LF in everything that
// runs as shell: the generated scripts and the hooks still run (.gitattributes says eol=lf).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { remove, ROOT, tempDir } from './helpers.ts';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const inGit = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: ROOT }).status === 0;

(inGit ? test : test.skip)('a clone with core.autocrlf=true keeps LF in generated scripts, hooks and templates', () => {
  const dir = tempDir();
  try {
    const clone = join(dir, 'clone');
    const cloned = spawnSync('git', ['-c', 'core.autocrlf=true', 'clone', '-q', ROOT, clone], { encoding: 'utf8' });
    assert.is(cloned.status, 0, cloned.stderr);
    const shellish = ['generated', 'hooks', 'templates'].flatMap((part) => files(join(clone, part)));
    const withCr = shellish.filter((path) => readFileSync(path, 'latin1').includes('\r'));
    assert.equal(withCr, [], 'no carriage returns');
    const help = spawnSync('sh', [join(clone, 'generated/zephyr/launch.sh'), '--help'], { encoding: 'utf8' });
    assert.is(help.status, 0, help.stderr);
    assert.is(spawnSync('sh', ['-n', join(clone, 'hooks/pre-commit')]).status, 0);
  } finally {
    remove(dir);
  }
});

test.run();
