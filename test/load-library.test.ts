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

test('a bundle is shared by copies of the same sources, also once the copy that made it is gone, and an edit gets its own', () => {
  const first = copyOfProject();
  const second = copyOfProject();
  const cache = join(ROOT, 'node_modules/.cache/boxwright');
  const bundles = () => readdirSync(cache).filter((f) => f.startsWith('cli-'));
  try {
    const change = `\n// a change only these two copies have: ${Date.now()}\n`;
    for (const dir of [first, second]) appendFileSync(join(dir, 'scripts/lib/paths.ts'), change);
    const made = check(first);
    assert.is(made.status, 0, made.stderr);
    const afterFirst = bundles();
    remove(first);

    const reused = check(second);
    assert.is(reused.stderr, '', 'no trace of the first copy');
    assert.is(reused.status, 0);

    appendFileSync(join(second, 'scripts/lib/text.ts'), `\nexport const EDITED_${Date.now()} = 1;\n`);
    assert.is(check(second).status, 0);
    assert.ok(
      bundles().some((f) => !afterFirst.includes(f)),
      'an edited source gets a new bundle',
    );
  } finally {
    remove(first);
    remove(second);
  }
});

test.run();
