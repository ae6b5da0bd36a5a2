// boxwright as a package another repository installs: the tarball `npm pack` makes installs
// into a new git repository (npm's cache, else the registry, for its dependencies), `npx
// boxwright init` sets it up, a commit passes the hook, and a commit of a config without an
// image is refused; init again changes nothing. The hook goes where the repository runs
// hooks already: husky's, lefthook's (their files kept), else core.hooksPath. In boxwright's
// own checkout the command writes what scripts/generate.mjs writes.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { boxwright } from '../scripts/lib/package/boxwright.ts';
import { useProject, OWN } from '../scripts/lib/project.ts';
import { remove, ROOT, tempDir } from './helpers.ts';

const pack = suite('package');

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
}

/** A new git repository with a package.json, as a team's would be. */
function repository(dir: string): string {
  const repo = join(dir, 'infra');
  mkdirSync(repo, { recursive: true });
  for (const args of [
    ['init', '-q'],
    ['config', 'user.email', 't@example.org'],
    ['config', 'user.name', 'T'],
  ])
    assert.is(run('git', args, repo).status, 0);
  writeFileSync(join(repo, 'package.json'), `${JSON.stringify({ name: 'infra', private: true }, null, 2)}\n`);
  writeFileSync(join(repo, '.gitignore'), 'node_modules\n');
  return repo;
}

/** The command, in-process, as a user in `cwd` runs it; what it printed. */
async function command(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  try {
    const code = await boxwright(args, cwd, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  } finally {
    // Every other test generates for boxwright's own checkout.
    useProject(OWN);
  }
}

pack('npm pack installs into a new repository; init, generate, the hook and init again work', () => {
  const dir = tempDir();
  try {
    // Packed from a copy: npm pack writes dist/ beside the sources and removes it after, which
    // another test run in this checkout must not see come and go.
    const source = join(dir, 'boxwright');
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    for (const part of [...manifest.files.filter((f) => f !== 'dist/'), 'package.json', 'README.md', 'LICENSE'])
      cpSync(join(ROOT, part), join(source, part), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'));
    const packed = run('npm', ['pack', '--pack-destination', dir, '--silent'], source);
    assert.is(packed.status, 0, packed.stderr);
    const repo = repository(dir);
    const tarball = join(dir, packed.stdout.trim().split('\n').pop()!);
    const installed = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '-D', tarball], repo);
    assert.is(installed.status, 0, installed.stderr);
    const init = run('npx', ['--no', 'boxwright', 'init'], repo);
    assert.is(init.status, 0, init.stderr);
    assert.match(init.stdout, 'created configs/example.jsonc');
    assert.match(readFileSync(join(repo, 'generated/example/launch.sh'), 'utf8'), 'run `npx boxwright generate`');
    const schema = JSON.parse(
      readFileSync(join(repo, 'node_modules/boxwright/schemas/environment.schema.json'), 'utf8'),
    ) as object;
    assert.ok(schema, 'the example names the installed schema, which is there');
    assert.match(readFileSync(join(repo, 'configs/example.jsonc'), 'utf8'), '"../node_modules/boxwright/schemas/');
    assert.is(run('npx', ['--no', 'boxwright', 'generate'], repo).status, 0);
    assert.is(run('git', ['add', '-A'], repo).status, 0);
    const good = run('git', ['commit', '-qm', 'boxwright'], repo);
    assert.is(good.status, 0, good.stderr);
    const again = run('npx', ['--no', 'boxwright', 'init'], repo);
    assert.is(again.status, 0, again.stderr);
    assert.match(again.stdout, 'nothing to change');
    assert.is(run('git', ['status', '--porcelain'], repo).stdout, '', 'init again changed nothing');
    writeFileSync(join(repo, 'configs/bad.jsonc'), '{ "kind": "environment", "detach": true }\n');
    assert.is(run('git', ['add', 'configs/bad.jsonc'], repo).status, 0);
    const bad = run('git', ['commit', '-qm', 'no image'], repo);
    assert.is.not(bad.status, 0, 'the hook refuses a config without an image');
    assert.match(bad.stderr, 'configs/bad.jsonc:1:1  /  missing required key "image"');
  } finally {
    remove(dir);
  }
});

pack('hooks install adds to husky’s and lefthook’s files, and leaves another core.hooksPath alone', async () => {
  const dir = tempDir();
  try {
    const repo = repository(dir);
    mkdirSync(join(repo, '.husky'));
    writeFileSync(join(repo, '.husky/pre-commit'), 'npx lint-staged\n');
    assert.is((await command(['hooks', 'install'], repo)).code, 0);
    assert.is(
      readFileSync(join(repo, '.husky/pre-commit'), 'utf8'),
      'npx lint-staged\nsh node_modules/boxwright/hooks/pre-commit\n',
    );
    assert.match((await command(['hooks', 'install'], repo)).out, 'already');
    remove(join(repo, '.husky'));
    writeFileSync(
      join(repo, 'lefthook.yml'),
      '# the team hooks\npre-commit:\n  commands:\n    lint:\n      run: npm run lint\n',
    );
    assert.is((await command(['hooks', 'install'], repo)).code, 0);
    assert.is(
      readFileSync(join(repo, 'lefthook.yml'), 'utf8'),
      '# the team hooks\npre-commit:\n  commands:\n    lint:\n      run: npm run lint\n    boxwright:\n      run: sh node_modules/boxwright/hooks/pre-commit\n',
    );
    remove(join(repo, 'lefthook.yml'));
    assert.is(run('git', ['config', 'core.hooksPath', '.githooks'], repo).status, 0);
    const other = await command(['hooks', 'install'], repo);
    assert.match(other.out, "core.hooksPath is '.githooks', which boxwright leaves alone");
    assert.is(run('git', ['config', '--get', 'core.hooksPath'], repo).stdout.trim(), '.githooks');
  } finally {
    remove(dir);
  }
});

pack('init outside a git repository says so; init never replaces a config', async () => {
  const dir = tempDir();
  try {
    const outside = await command(['init'], dir);
    assert.is(outside.code, 64);
    assert.match(outside.err, 'not in a git repository');
    const repo = repository(dir);
    mkdirSync(join(repo, 'configs'));
    writeFileSync(join(repo, 'configs/mine.jsonc'), '{ "kind": "environment", "image": "debian:12" }\n');
    const init = await command(['init'], repo);
    assert.is(init.code, 0, init.err);
    assert.match(init.out, 'configs/ has configs: no example written');
    assert.is(
      readFileSync(join(repo, 'configs/mine.jsonc'), 'utf8'),
      '{ "kind": "environment", "image": "debian:12" }\n',
    );
  } finally {
    remove(dir);
  }
});

pack('in boxwright’s own checkout, the command writes what scripts/generate.mjs writes', () => {
  const check = run(process.execPath, [join(ROOT, 'scripts/boxwright.mjs'), 'check', '--quiet'], ROOT);
  assert.is(check.status, 0, check.stdout + check.stderr);
});

pack.run();
