// scripts/load-library.mjs: the library's bundle is shared by every copy of the sources (the
// pre-commit hook runs the generator in an exported copy of the staged tree), so it may hold
// no path of the copy it was made in; and an edited source always gets a new bundle.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { remove, ROOT, tempDir } from './helpers.ts';

function copyOfProject(): string {
  const dir = tempDir('boxwright-copy-');
  for (const part of ['scripts', 'schemas', 'templates', 'configs', 'generated', 'package.json'])
    cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function check(dir: string) {
  return spawnSync(process.execPath, ['scripts/generate.mjs', '--check', '--quiet'], { cwd: dir, encoding: 'utf8' });
}

test('a bundle made in one copy of the sources works in another after the first is gone', () => {
  const first = copyOfProject();
  const second = copyOfProject();
  try {
    const change = `\n// a change only these two copies have: ${Date.now()}\n`;
    for (const dir of [first, second]) appendFileSync(join(dir, 'scripts/lib/paths.ts'), change);
    const made = check(first);
    assert.is(made.status, 0, made.stderr);
    remove(first);
    const reused = check(second);
    assert.is(reused.stderr, '', 'no trace of the first copy');
    assert.is(reused.status, 0);
  } finally {
    remove(first);
    remove(second);
  }
});

test('an edited source gets a bundle of its own', () => {
  const dir = copyOfProject();
  try {
    const cache = join(ROOT, 'node_modules/.cache/boxwright');
    appendFileSync(join(dir, 'scripts/lib/text.ts'), `\n// edited: ${Date.now()}\n`);
    assert.is(check(dir).status, 0);
    const before = readdirSync(cache).filter((f) => f.startsWith('cli-'));
    appendFileSync(join(dir, 'scripts/lib/text.ts'), `\nexport const EDITED_${Date.now()} = 1;\n`);
    assert.is(check(dir).status, 0);
    const after = readdirSync(cache).filter((f) => f.startsWith('cli-'));
    assert.ok(
      after.some((f) => !before.includes(f)),
      `a new bundle: ${after.join(' ')}`,
    );
  } finally {
    remove(dir);
  }
});

test.run();
