// The git hooks' tests share this: a repository holding a copy of this project, with the
// hook installed and a first commit, built once per process; each test works on a copy of it.
import { spawnSync } from 'node:child_process';
import { cpSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { suite, type Test } from 'uvu';
import * as assert from 'uvu/assert';
import { generate, ROOT, remove, tempDir, writeFiles } from '../helpers.ts';

export const BOX = (image: string) => `{\n  "kind": "environment",\n  "image": "${image}"\n}\n`;
export const NODE = process.execPath;

export function git(repo: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: {
      ...process.env,
      CI: '',
      BOXWRIGHT_HOOKS: '',
      BOXWRIGHT_HOOK_AUTOFIX: '',
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
      ...env,
    },
  });
}

/** What `npx zx scripts/generate.mjs --force` does in the repository, run in-process. */
export async function regenerate(repo: string) {
  const result = await generate(['--quiet', '--force'], repo);
  assert.is(result.code, 0, result.err);
}

export function commit(repo: string, env: Record<string, string> = {}, extra: string[] = []) {
  return git(repo, ['commit', '-q', '-m', 'change', ...extra], env);
}

let template: string | undefined;

/**
 * The repository every hook test starts from, built once per process (the test runner runs
 * several files in one) and removed when the process exits.
 */
async function templateRepository(): Promise<string> {
  if (template) return template;
  const dir = tempDir('boxwright-repo-template-');
  process.on('exit', () => remove(dir));
  for (const part of ['scripts', 'schemas', 'templates', 'hooks', 'package.json']) {
    cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFiles(dir, {
    'configs/box.json': BOX('debian:12'),
    '.gitignore': 'node_modules\n',
    'README.md': 'hello\n',
  });
  assert.is(git(dir, ['init', '-q']).status, 0);
  const install = spawnSync('sh', ['hooks/install.sh'], { cwd: dir, encoding: 'utf8' });
  assert.match(install.stderr, 'installed (core.hooksPath = hooks)');
  await regenerate(dir);
  git(dir, ['add', '-A']);
  const first = commit(dir);
  assert.is(first.status, 0, first.stderr);
  // One pack file copies faster than hundreds of loose objects, once per test.
  assert.is(git(dir, ['repack', '-a', '-d', '-q']).status, 0);
  template = dir;
  return dir;
}

/** A suite whose tests each get `repo`, a fresh copy of the template repository. */
export function hookSuite(name: string): Test<{ repo: string }> {
  const hooks = suite<{ repo: string }>(name);
  hooks.before.each(async (context) => {
    const source = await templateRepository();
    context.repo = join(tempDir('boxwright-repo-'), 'repo');
    // cp copies the template's 150 files in a fifth of the time cpSync needs.
    const copy = spawnSync('cp', ['-a', source, context.repo], { encoding: 'utf8' });
    assert.is(copy.status, 0, copy.stderr);
  });
  // A before.each that failed left no repo; throwing here would hide its error (uvu drops it).
  hooks.after.each(({ repo }) => {
    if (repo) remove(dirname(repo));
  });
  return hooks;
}
