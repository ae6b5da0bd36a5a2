// stack.sh in every shell, against a stub runtime: both modes' dry runs, and the
// validation that spans configs.
import { chmodSync, existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import {
  generate,
  isolatedPath,
  remove,
  ROOT,
  runScript,
  setupSuite,
  SHELLS,
  stubRuntimes,
  tempDir,
  which,
  writeFiles,
} from './helpers.ts';

const stacks = setupSuite<{ dir: string; out: string; bin: string }>('stack');

stacks.before(async (context) => {
  context.dir = tempDir();
  context.out = join(context.dir, 'generated');
  const result = await generate(['--configs', join(ROOT, 'test/e2e/configs'), '--out', context.out, '--quiet'], ROOT);
  assert.is(result.code, 0, result.err);
  context.bin = stubRuntimes(context.dir);
});
stacks.after(({ dir }) => remove(dir));

for (const shell of SHELLS) {
  stacks(`${shell.name}: dry-run up prints the network and each member's command, per mode`, ({ out, bin }) => {
    // The stub fails: no network and no container exists yet.
    const env = { PATH: isolatedPath(bin), BW_ARGV_FILE: '/dev/null', BW_STUB_EXIT: '1' };
    const solo = runScript(shell, join(out, 'stack/stack.sh'), ['--dry-run', 'up'], { env });
    assert.is(solo.status, 0, solo.stderr);
    assert.is(
      solo.stdout,
      'podman network create --subnet 10.89.77.0/24 bw-e2e-stack-net\n' +
        'podman run --detach --name bw-e2e-stack-web --init --env API_URL=http://localhost:9600 --network bw-e2e-stack-net --label io.boxwright.config=stack-web --label io.boxwright.digest=2567630554 localhost/boxwright-test:bookworm sleep 100000\n',
    );
    const duo = runScript(shell, join(out, 'stack/stack.sh'), ['--dry-run', '--mode', 'duo', 'up'], { env });
    assert.is(
      duo.stdout,
      'podman network create --subnet 10.89.77.0/24 bw-e2e-stack-net\n' +
        'podman run --detach --name bw-e2e-stack-api --init --network bw-e2e-stack-net --network-alias api.stack.local --label io.boxwright.config=stack-api --label io.boxwright.digest=1442566759 localhost/boxwright-test:bookworm sleep 100000\n' +
        'podman run --detach --name bw-e2e-stack-web --init --env API_URL=http://bw-e2e-stack-api:9600 --network bw-e2e-stack-net --label io.boxwright.config=stack-web --label io.boxwright.digest=2262875341 localhost/boxwright-test:bookworm sleep 100000\n',
    );
    assert.is(
      duo.stderr,
      'launch.sh: bw-e2e-stack-api: creating and starting\nlaunch.sh: bw-e2e-stack-web: creating and starting\n',
      'each member through its own up',
    );
    const unknown = runScript(shell, join(out, 'stack/stack.sh'), ['--mode', 'trio', 'up'], { env });
    assert.is(unknown.status, 2);
    assert.is(unknown.stderr, 'stack.sh: unknown mode "trio" (choose from: solo, duo)\n');
  });
}

stacks('a member named with a literal $ ($$ in the config) has a fixed name and is accepted', async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, {
      'configs/web.json': JSON.stringify({
        kind: 'environment',
        image: 'web:1',
        name: 'web$$1',
        detach: true,
        network: { name: 'net' },
      }),
      'configs/site.json': JSON.stringify({
        kind: 'stack',
        network: { name: 'net' },
        members: { web: { config: 'web' } },
      }),
    });
    const result = await generate(['--quiet'], dir);
    assert.is(result.code, 0, result.err);
    assert.match(
      readFileSync(join(dir, 'generated/site/stack.sh'), 'utf8'),
      'web) bw_container="web\\$1" bw_config=web bw_image=web:1 ;;',
    );
    const templated = {
      kind: 'environment',
      image: 'web:1',
      name: 'web-${ID}',
      variables: { ID: { default: '1' } },
      detach: true,
      network: { name: 'net' },
    };
    writeFiles(dir, { 'configs/web.json': JSON.stringify(templated) });
    const refused = await generate(['--quiet'], dir);
    assert.is(refused.code, 2);
    assert.match(refused.err, '"web" needs a fixed container name (name without variables) to be managed by the stack');
  } finally {
    remove(dir);
  }
});

/** A stack whose app waits for a healthy db and a started cache, listed before both. */
async function waitingStack(dir: string) {
  const member = (name: string, extra: object = {}) =>
    JSON.stringify({
      kind: 'environment',
      image: 'img',
      name: `w-${name}`,
      detach: true,
      network: { name: 'wnet' },
      ...extra,
    });
  writeFiles(dir, {
    'configs/app.json': member('app'),
    'configs/db.json': member('db', { healthcheck: { command: 'pg_isready' } }),
    'configs/cache.json': member('cache'),
    'configs/stk.json': JSON.stringify({
      kind: 'stack',
      network: { name: 'wnet' },
      members: {
        app: { config: 'app', dependsOn: { db: 'healthy', cache: 'started' } },
        db: { config: 'db' },
        cache: { config: 'cache' },
      },
    }),
  });
  return generate(['--quiet'], dir);
}

for (const shell of SHELLS) {
  stacks(`${shell.name}: up starts members after those they wait for, and waits for the healthy ones`, async () => {
    const dir = tempDir();
    try {
      assert.is((await waitingStack(dir)).code, 0);
      const bin = stubRuntimes(dir);
      const env = { PATH: isolatedPath(bin), BW_ARGV_FILE: '/dev/null', BW_STUB_EXIT: '1' };
      const dry = runScript(shell, join(dir, 'generated/stk/stack.sh'), ['--dry-run', 'up'], { env });
      assert.is(dry.status, 0, dry.stderr);
      assert.equal(
        [...dry.stdout.matchAll(/--name (w-\w+)/g)].map((m) => m[1]),
        ['w-db', 'w-cache', 'w-app'],
      );
      assert.match(dry.stderr, 'then waits for db (w-db) to be healthy\nlaunch.sh: w-app: creating and starting');

      // A podman whose healthcheck fails twice, then passes; everything else succeeds.
      const log = join(dir, 'log');
      writeFiles(dir, {
        'real/podman': `#!/bin/sh
echo "$*" >>"${log}"
case "$1 $2" in
  'healthcheck run')
    n=$(cat "${dir}/checks" 2>/dev/null || echo 0); echo $((n + 1)) >"${dir}/checks"
    [ "$n" -ge 2 ] ;;
  'container inspect')
    # Missing until made; once run, up's wait finds it running.
    case $* in *ExitCode*) echo 'running 0' ;; *) exit 1 ;; esac ;;
  'image inspect' | 'network inspect') exit 1 ;;
  *) exit 0 ;;
esac
`,
      });
      chmodSync(join(dir, 'real/podman'), 0o755);
      const tools = join(dir, 'real');
      if (!existsSync(join(tools, 'cat'))) symlinkSync(which('cat'), join(tools, 'cat'));
      // The wait between checks is the script's business; here it only has to be asked for.
      writeFiles(dir, { 'real/sleep': `#!/bin/sh\necho "sleep $*" >>"${log}"\n` });
      chmodSync(join(dir, 'real/sleep'), 0o755);
      const up = runScript(shell, join(dir, 'generated/stk/stack.sh'), ['up'], { env: { PATH: isolatedPath(tools) } });
      assert.is(up.status, 0, up.stderr);
      const calls = readFileSync(log, 'utf8')
        .split('\n')
        .filter((line) => /^(run|healthcheck|sleep)/.test(line))
        .map((line) =>
          line.startsWith('run') ? /--name (\S+)/.exec(line)![1] : line.replace('healthcheck run', 'check'),
        );
      // db's own up waits for its health check (as compose up --wait); then app waits for it too.
      assert.equal(calls, [
        'w-db',
        'check w-db',
        'sleep 1',
        'check w-db',
        'sleep 1',
        'check w-db',
        'w-cache',
        'check w-db',
        'w-app',
      ]);
    } finally {
      remove(dir);
    }
  });
}

stacks('what members wait for is checked: names, cycles, healthchecks and modes', async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, {
      'configs/a.json': JSON.stringify({
        kind: 'environment',
        image: 'i',
        name: 'a',
        detach: true,
        network: { name: 'n' },
      }),
      'configs/b.json': JSON.stringify({
        kind: 'environment',
        image: 'i',
        name: 'b',
        detach: true,
        network: { name: 'n' },
      }),
      'configs/s.json': JSON.stringify({
        kind: 'stack',
        network: { name: 'n' },
        members: {
          a: { config: 'a', dependsOn: { b: 'started', nope: 'started' } },
          b: { config: 'b', dependsOn: { a: 'healthy' } },
        },
        modes: { only: { default: true, members: ['a'] } },
      }),
    });
    const result = await generate([], dir);
    assert.is(result.code, 2, result.err);
    assert.match(result.err, '/members/a/dependsOn/nope  no member named "nope"');
    assert.match(
      result.err,
      '/members/b/dependsOn/a  member "a" has no healthcheck, so "b" cannot wait for it to be healthy',
    );
    assert.match(result.err, 'members wait for each other: a → b → a');
    assert.match(result.err, '/modes/only/members/0  "a" waits for "b", which mode "only" does not run');
  } finally {
    remove(dir);
  }
});

stacks('build: a build context or Containerfile that is not there stops it with the path it looked for', async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, {
      'configs/web.json': JSON.stringify({
        kind: 'environment',
        image: 'web:1',
        detach: true,
        network: { name: 'net' },
      }),
      'configs/site.json': JSON.stringify({
        kind: 'stack',
        network: { name: 'net' },
        members: { web: { config: 'web', build: { context: './images/web' } } },
      }),
    });
    const result = await generate(['--quiet'], dir);
    assert.is(result.code, 0, result.err);
    assert.match(readFileSync(join(dir, 'generated/site/README.md'), 'utf8'), '| web | `web:1` | `./images/web` |');
    const env = { PATH: isolatedPath(stubRuntimes(dir)), BW_ARGV_FILE: '/dev/null' };
    const build = () => runScript(SHELLS[0]!, join(dir, 'generated/site/stack.sh'), ['build'], { env });
    const missing = build();
    assert.equal(
      [missing.status, missing.stderr],
      [
        1,
        `stack.sh: error: web: the build context ${dir}/images/web is not there (its Containerfile goes there: see this stack's README)\n`,
      ],
    );
    // A dry run shows the build, and says what the real one would stop at.
    const planned = runScript(SHELLS[0]!, join(dir, 'generated/site/stack.sh'), ['--dry-run', 'build'], { env });
    assert.is(planned.status, 0, planned.stderr);
    assert.match(planned.stderr, `web: ${dir}/images/web/Containerfile is not there yet: building web:1 needs it`);
    writeFiles(dir, { 'images/web/README': 'no Containerfile yet\n' });
    assert.match(build().stderr, `web: ${dir}/images/web/Containerfile is not there`);
    writeFiles(dir, { 'images/web/Containerfile': 'FROM scratch\n' });
    assert.is(build().status, 0, 'built (by the stub) once both are there');
  } finally {
    remove(dir);
  }
});

stacks.run();
