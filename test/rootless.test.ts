// Rootless podman (templates/partials/rootless.sh.mustache, scripts/lib/targets/rootless.ts):
// where a config mounts host folders, launch.sh asks podman whether it runs rootless and maps
// the container's user to the host user with --userns=keep-id. Dry runs against the stub
// runtime, which answers `podman info` and the image's `id`, in every shell of the matrix.
// test/e2e/rootless.test.ts runs the lifecycle suite on real rootless podman.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { generate, isolatedPath, remove, runScript, SHELLS, stubRuntimes, tempDir, writeFiles } from './helpers.ts';

// /tmp is there on every host: the non-dry run below needs the source to exist.
const BIND = [{ type: 'bind', source: '/tmp', target: '/shared' }];
const BASE = { kind: 'environment', image: 'box:1', detach: true, command: ['sleep', 'infinity'] };

/** [config, what podman runs the container's command as, the --userns it gets rootless]. */
const CONFIGS: Record<string, [object, string | undefined]> = {
  // A startup user: its ids are the config's.
  declared: [
    { ...BASE, mounts: BIND, user: 'keeper', startup: { users: { keeper: { uid: 1500, gid: 1600 } } } },
    '--userns=keep-id:uid=1500,gid=1600',
  ],
  numeric: [{ ...BASE, mounts: BIND, user: '1234' }, '--userns=keep-id:uid=1234'],
  'numeric-group': [{ ...BASE, mounts: BIND, user: '1234:99' }, '--userns=keep-id:uid=1234,gid=99'],
  // A name the image knows: its ids from id, run in the image (the stub says 1000 and 1001).
  named: [{ ...BASE, mounts: BIND, user: 'kvothe' }, '--userns=keep-id:uid=1000,gid=1001'],
  // No user: the image's USER (the stub's image says dev, whose ids id says).
  'image-user': [{ ...BASE, mounts: BIND }, '--userns=keep-id:uid=1000,gid=1001'],
  root: [{ ...BASE, mounts: BIND, user: 'root' }, undefined],
  'no-host-folder': [{ ...BASE, user: '1234' }, undefined],
  'docker-only': [{ ...BASE, mounts: BIND, user: '1234', runtime: 'docker' }, undefined],
};

interface Context {
  dir: string;
  bin: string;
}

const rootless = suite<Context>('rootless podman');

rootless.before(async (context) => {
  context.dir = tempDir();
  writeFiles(
    context.dir,
    Object.fromEntries(
      Object.entries(CONFIGS).map(([name, [config]]) => [`configs/${name}.json`, JSON.stringify(config)]),
    ),
  );
  const result = await generate(['--quiet'], context.dir);
  assert.is(result.code, 0, result.err);
  context.bin = stubRuntimes(context.dir);
});
rootless.after(({ dir }) => remove(dir));

function dryRunUp(context: Context, shell: (typeof SHELLS)[number], name: string, more: Record<string, string>) {
  const log = join(context.dir, 'calls');
  rmSync(log, { force: true });
  const result = runScript(shell, join(context.dir, `generated/${name}/launch.sh`), ['--dry-run', 'up'], {
    env: {
      PATH: isolatedPath(context.bin),
      BW_ARGV_FILE: '/dev/null',
      BW_STUB_LOG: log,
      BW_STUB_IMAGE: 'dev\n0 0 0',
      BW_STUB_IDS: 'uid=1000(kvothe) gid=1001(dev) groups=1001(dev),27(sudo)',
      ...more,
    },
    cwd: context.dir,
  });
  let calls = '';
  try {
    calls = readFileSync(log, 'utf8');
  } catch {}
  return { ...result, calls };
}

for (const shell of SHELLS) {
  for (const [name, [, userns]] of Object.entries(CONFIGS)) {
    rootless(
      `${shell.name}: ${name}: rootless podman maps ${userns ?? 'nothing'}; rootful podman nothing`,
      (context) => {
        const mapped = dryRunUp(context, shell, name, { BOXWRIGHT_RUNTIME: 'podman', BW_STUB_ROOTLESS: 'true' });
        assert.is(mapped.status, 0, mapped.stderr);
        const run = mapped.stdout.split('\n').find((line) => line.includes(' run ')) ?? '';
        if (userns) assert.ok(run.includes(` ${userns} `), run);
        else assert.not.match(run, '--userns');
        const asked = mapped.calls.includes('info --format');
        assert.is(
          asked,
          userns !== undefined || name === 'root',
          'podman is asked only where a host folder is mounted',
        );

        const rootful = dryRunUp(context, shell, name, { BOXWRIGHT_RUNTIME: 'podman', BW_STUB_ROOTLESS: 'false' });
        assert.not.match(rootful.stdout, '--userns');
        const docker = dryRunUp(context, shell, name, { BOXWRIGHT_RUNTIME: 'docker', BW_STUB_ROOTLESS: 'true' });
        assert.not.match(docker.stdout, '--userns');
        assert.not.match(docker.calls, 'info', 'docker is never asked');
      },
    );
  }

  rootless(`${shell.name}: a name the image does not know is said, and nothing is mapped`, (context) => {
    const result = dryRunUp(context, shell, 'named', {
      BOXWRIGHT_RUNTIME: 'podman',
      BW_STUB_ROOTLESS: 'true',
      BW_STUB_IDS: '',
    });
    assert.is(result.status, 0, result.stderr);
    assert.match(result.stderr, 'warning: cannot find the ids of kvothe in box:1: host folders stay unwritable to it');
    assert.not.match(result.stdout, '--userns');
  });

  rootless(`${shell.name}: up on a running container of this config does not ask podman again`, (context) => {
    const first = dryRunUp(context, shell, 'declared', { BOXWRIGHT_RUNTIME: 'podman', BW_STUB_ROOTLESS: 'true' });
    const digest = /io\.boxwright\.digest=(\d+-\d+)/.exec(first.stdout)?.[1];
    assert.ok(digest, first.stdout);
    const log = join(context.dir, 'calls');
    rmSync(log, { force: true });
    const again = runScript(shell, join(context.dir, 'generated/declared/launch.sh'), ['up'], {
      env: {
        PATH: isolatedPath(context.bin),
        BW_ARGV_FILE: '/dev/null',
        BW_STUB_LOG: log,
        BOXWRIGHT_RUNTIME: 'podman',
        BW_STUB_ROOTLESS: 'true',
        BW_STUB_CONTAINER: `running ${digest}`,
      },
      cwd: context.dir,
    });
    assert.is(again.status, 0, again.stderr);
    assert.match(again.stderr, 'running, up to date');
    assert.equal(readFileSync(log, 'utf8').trim().split('\n').length, 1, 'one inspect');
  });
}

rootless.run();
