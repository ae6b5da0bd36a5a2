// The pre-commit hook's ways out and around: opting out, the fast path without Node, the
// autofix, a missing shellcheck, and the installer; in real temporary repositories.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { ROOT, remove, tempDir, which, writeFiles } from './helpers.ts';
import { BOX, commit, git, hookSuite, NODE, regenerate } from './hooks/repository.ts';

const hooks = hookSuite('hooks: options and installer');
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

hooks('the autofix stages only what the generator wrote, never other files under generated/', ({ repo }) => {
  writeFiles(repo, { 'configs/box.json': BOX('debian:13'), 'generated/notes.txt': 'mine\n' });
  git(repo, ['add', 'configs']);
  const result = commit(repo, { BOXWRIGHT_HOOK_AUTOFIX: '1' });
  assert.is(result.status, 0, result.stderr);
  assert.match(git(repo, ['show', 'HEAD:generated/box/launch.sh']).stdout, 'debian:13');
  assert.is(git(repo, ['status', '--porcelain', '--', 'generated']).stdout, '?? generated/notes.txt\n');
});

hooks('under partial staging the hook neither autofixes nor suggests a fix that would loop', ({ repo }) => {
  writeFiles(repo, { 'configs/box.json': BOX('debian:13') });
  git(repo, ['add', 'configs']);
  writeFiles(repo, { 'configs/box.json': BOX('debian:14') });
  const result = commit(repo, { BOXWRIGHT_HOOK_AUTOFIX: '1' });
  assert.is.not(result.status, 0);
  assert.match(result.stderr, 'generating now would follow them, not what you stage');
  assert.match(result.stderr, 'git stash --keep-index');
  assert.is(git(repo, ['diff', '--cached', '--name-only']).stdout, 'configs/box.json\n', 'nothing else was staged');
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
