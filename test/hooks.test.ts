// The git hooks, in real temporary repositories holding a copy of this project.
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { generate, ROOT, remove, tempDir, which, writeFiles } from './helpers.ts';

const hooks = suite<{ repo: string }>('hooks');

const BOX = (image: string) => `{\n  "kind": "environment",\n  "image": "${image}"\n}\n`;
const NODE = process.execPath;

function git(repo: string, args: string[], env: Record<string, string> = {}) {
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
async function regenerate(repo: string) {
  const result = await generate(['--quiet', '--force'], repo);
  assert.is(result.code, 0, result.err);
}

function commit(repo: string, env: Record<string, string> = {}, extra: string[] = []) {
  return git(repo, ['commit', '-q', '-m', 'change', ...extra], env);
}

// One repository with the hook installed and a first commit, built once; each test works
// on its own copy of it.
let template = '';
hooks.before(async () => {
  template = tempDir('boxwright-repo-template-');
  for (const part of ['scripts', 'schemas', 'templates', 'hooks', 'package.json'])
    cpSync(join(ROOT, part), join(template, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(template, 'node_modules'));
  writeFiles(template, {
    'configs/box.json': BOX('debian:12'),
    '.gitignore': 'node_modules\n',
    'README.md': 'hello\n',
  });
  assert.is(git(template, ['init', '-q']).status, 0);
  const install = spawnSync('sh', ['hooks/install.sh'], { cwd: template, encoding: 'utf8' });
  assert.match(install.stderr, 'installed (core.hooksPath = hooks)');
  await regenerate(template);
  git(template, ['add', '-A']);
  const first = commit(template);
  assert.is(first.status, 0, first.stderr);
  // One pack file copies faster than hundreds of loose objects, once per test.
  assert.is(git(template, ['repack', '-a', '-d', '-q']).status, 0);
});
hooks.after(() => remove(template));

hooks.before.each((context) => {
  context.repo = tempDir('boxwright-repo-');
  cpSync(template, context.repo, { recursive: true, verbatimSymlinks: true });
});
hooks.after.each(({ repo }) => remove(repo));

hooks('a commit whose generated files match its configs passes', async ({ repo }) => {
  writeFiles(repo, { 'configs/box.json': BOX('debian:13') });
  await regenerate(repo);
  git(repo, ['add', '-A']);
  const result = commit(repo);
  assert.is(result.status, 0, result.stderr);
  assert.is(result.stderr, '');
});

hooks('an invalid staged config blocks the commit with the located error', ({ repo }) => {
  writeFiles(repo, { 'configs/box.json': '{\n  "kind": "environment",\n  "imgae": "x"\n}\n' });
  git(repo, ['add', 'configs']);
  const result = commit(repo);
  assert.is(result.status, 1, 'git reports a failing hook as 1');
  assert.match(result.stderr, 'configs/box.json:3:3  /imgae  unknown key "imgae"');
  assert.match(result.stderr, 'hint: did you mean "image"?');
  assert.match(result.stderr, 'boxwright pre-commit: a staged config is invalid');
});

hooks('a stale generated file blocks the commit and the message names the fix', ({ repo }) => {
  writeFiles(repo, { 'configs/box.json': BOX('debian:13') });
  git(repo, ['add', 'configs']);
  const result = commit(repo);
  assert.is(result.status, 1);
  assert.match(result.stderr, 'generated/box/launch.sh: stale (out of date with its config)');
  assert.match(result.stderr, 'npx zx scripts/generate.mjs && git add generated');
});

hooks('a hand-edited generated file blocks the commit', ({ repo }) => {
  appendFileSync(join(repo, 'generated/box/launch.sh'), '# tweak\n');
  git(repo, ['add', 'generated']);
  const result = commit(repo);
  assert.is(result.status, 1);
  assert.match(result.stderr, 'generated/box/launch.sh: hand-edited (changed since it was generated)');
});

hooks('the staged content is judged, not the working tree', async ({ repo }) => {
  writeFiles(repo, { 'configs/box.json': BOX('debian:13') });
  await regenerate(repo);
  git(repo, ['add', '-A']);
  writeFiles(repo, { 'configs/box.json': '{ broken' });
  const valid = commit(repo);
  assert.is(valid.status, 0, `valid in the index, broken in the tree: ${valid.stderr}`);

  writeFiles(repo, { 'configs/box.json': '{ "kind": "environment" }' });
  git(repo, ['add', 'configs']);
  writeFiles(repo, { 'configs/box.json': BOX('debian:13') });
  const invalid = commit(repo);
  assert.is(invalid.status, 1, 'broken in the index, valid in the tree');
  assert.match(invalid.stderr, 'missing required key "image"');
});

hooks('a blocked commit leaves the index and the working tree as they were', ({ repo }) => {
  writeFiles(repo, { 'configs/box.json': BOX('debian:13') });
  git(repo, ['add', 'configs']);
  const before = [
    git(repo, ['status', '--porcelain']).stdout,
    git(repo, ['diff', '--cached']).stdout,
    readFileSync(join(repo, 'generated/box/launch.sh'), 'utf8'),
  ];
  assert.is(commit(repo).status, 1);
  const after = [
    git(repo, ['status', '--porcelain']).stdout,
    git(repo, ['diff', '--cached']).stdout,
    readFileSync(join(repo, 'generated/box/launch.sh'), 'utf8'),
  ];
  assert.equal(after, before);
});

hooks('BOXWRIGHT_HOOKS=0 and --no-verify let a stale commit through', ({ repo }) => {
  writeFiles(repo, { 'configs/box.json': BOX('debian:13') });
  git(repo, ['add', 'configs']);
  assert.is(commit(repo, { BOXWRIGHT_HOOKS: '0' }).status, 0);
  writeFiles(repo, { 'configs/box.json': BOX('debian:14') });
  git(repo, ['add', 'configs']);
  assert.is(commit(repo, {}, ['--no-verify']).status, 0);
});

hooks('the fast path starts no Node process when nothing relevant is staged', ({ repo }) => {
  const bin = join(repo, '.stub-bin');
  const calls = join(repo, '.node-calls');
  mkdirSync(bin);
  writeFileSync(join(bin, 'node'), `#!/bin/sh\necho "$@" >>${calls}\nexit 1\n`);
  chmodSync(join(bin, 'node'), 0o755);
  const path = `${bin}:${process.env.PATH}`;
  writeFiles(repo, { 'README.md': 'changed\n' });
  git(repo, ['add', 'README.md']);
  assert.is(commit(repo, { PATH: path }).status, 0);
  assert.not.ok(existsSync(calls), 'node was not started');

  writeFiles(repo, { 'configs/box.json': BOX('debian:13') });
  git(repo, ['add', 'configs']);
  assert.is.not(commit(repo, { PATH: path }).status, 0);
  assert.match(readFileSync(calls, 'utf8'), 'scripts/generate.mjs --check', 'a relevant change does start node');
});

hooks('BOXWRIGHT_HOOK_AUTOFIX=1 regenerates and stages, and only then', ({ repo }) => {
  writeFiles(repo, { 'configs/box.json': BOX('debian:13') });
  git(repo, ['add', 'configs']);
  const result = commit(repo, { BOXWRIGHT_HOOK_AUTOFIX: '1' });
  assert.is(result.status, 0, result.stderr);
  assert.match(git(repo, ['show', 'HEAD:generated/box/launch.sh']).stdout, 'debian:13');
});

hooks('says once that it skipped shellcheck when it is not installed', async ({ repo }) => {
  // A PATH holding only what git and the hook run: everything but shellcheck.
  const farm = join(repo, '.no-shellcheck');
  mkdirSync(farm);
  for (const tool of ['sh', 'git', 'mktemp', 'rm', 'ln']) symlinkSync(which(tool), join(farm, tool));
  symlinkSync(NODE, join(farm, 'node'));
  writeFiles(repo, { 'configs/box.json': BOX('debian:13') });
  await regenerate(repo);
  git(repo, ['add', '-A']);
  const result = commit(repo, { PATH: farm });
  assert.is(result.status, 0, result.stderr);
  assert.is(result.stderr.split('shellcheck is not installed').length - 1, 1);
});

hooks('the installer is harmless outside git, in CI and on opt-out, and uninstalls', ({ repo }) => {
  const config = () => git(repo, ['config', '--get', 'core.hooksPath']).stdout.trim();
  assert.is(config(), 'hooks');
  assert.is(spawnSync('sh', ['hooks/install.sh', '--uninstall'], { cwd: repo }).status, 0);
  assert.is(config(), '');
  assert.is(
    spawnSync('sh', ['hooks/install.sh', '--auto'], { cwd: repo, env: { ...process.env, CI: 'true' } }).status,
    0,
  );
  assert.is(config(), '', 'CI: not installed');
  assert.is(
    spawnSync('sh', ['hooks/install.sh', '--auto'], {
      cwd: repo,
      env: { ...process.env, CI: '', BOXWRIGHT_HOOKS: '0' },
    }).status,
    0,
  );
  assert.is(config(), '', 'opted out: not installed');
  git(repo, ['config', 'core.hooksPath', '.husky']);
  const other = spawnSync('sh', ['hooks/install.sh'], { cwd: repo, encoding: 'utf8' });
  assert.match(other.stderr, "core.hooksPath is already '.husky'; leaving it alone");
  assert.is(config(), '.husky');

  const plain = tempDir();
  try {
    cpSync(join(ROOT, 'hooks'), join(plain, 'hooks'), { recursive: true });
    const outside = spawnSync('sh', ['hooks/install.sh', '--auto'], {
      cwd: plain,
      encoding: 'utf8',
      env: { ...process.env, CI: '', GIT_CEILING_DIRECTORIES: plain },
    });
    assert.is(outside.status, 0);
    assert.is(outside.stderr, '');
  } finally {
    remove(plain);
  }
});

hooks.run();
