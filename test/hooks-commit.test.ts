import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { writeFiles } from './helpers.ts';
import { BOX, commit, git, hookSuite, regenerate } from './hooks/repository.ts';

const hooks = hookSuite('hooks: what a commit must hold');
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

hooks(
  'a merge of two branches that each pass is checked too, and blocked when it leaves generated/ stale',
  async ({ repo }) => {
    const base = (image: string) => `{ "kind": "environment", "abstract": true, "image": "${image}" }\n`;
    const extending = '{ "kind": "environment", "extends": "base.json" }\n';
    writeFiles(repo, { 'configs/base.json': base('debian:12') });
    await regenerate(repo);
    git(repo, ['add', '-A']);
    assert.is(commit(repo).status, 0);
    // One branch changes the base; the other adds a config that extends it.
    assert.is(git(repo, ['checkout', '-q', '-b', 'other']).status, 0);
    writeFiles(repo, { 'configs/other.json': extending });
    await regenerate(repo);
    git(repo, ['add', '-A']);
    assert.is(commit(repo).status, 0, 'the new config passes on its branch');
    assert.is(git(repo, ['checkout', '-q', '-']).status, 0);
    writeFiles(repo, { 'configs/base.json': base('debian:13') });
    await regenerate(repo);
    git(repo, ['add', '-A']);
    assert.is(commit(repo).status, 0, 'the changed base passes on its branch');
    const merged = git(repo, ['merge', '--no-ff', '-q', '-m', 'merge', 'other']);
    assert.is.not(merged.status, 0, 'the merge commit is refused');
    assert.match(merged.stderr, 'generated/other/launch.sh: stale (out of date with its config)');
  },
);

hooks('a staged file outside configs/ that a config extends takes the full check', async ({ repo }) => {
  writeFiles(repo, {
    'shared/base.json': '{ "kind": "environment", "abstract": true, "image": "debian:12" }\n',
    'configs/box.json': '{ "kind": "environment", "extends": "../shared/base.json" }\n',
  });
  await regenerate(repo);
  git(repo, ['add', '-A']);
  assert.is(commit(repo).status, 0);
  writeFiles(repo, { 'shared/base.json': '{ "kind": "environment", "abstract": true, "image": "debian:13" }\n' });
  git(repo, ['add', 'shared']);
  const result = commit(repo);
  assert.is(result.status, 1, 'not the fast path: the generated files are stale');
  assert.match(result.stderr, 'generated/box/launch.sh: stale (out of date with its config)');
});

hooks.run();
