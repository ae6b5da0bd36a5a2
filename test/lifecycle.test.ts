// The launch script's verbs, as dry runs against a stub runtime that reports the
// container's state: every verb, in each state that changes what it does, for podman and
// for docker. Every shell of the matrix must print the same; the output is compared with
// test/lifecycle/<case>.<runtime>.txt (UPDATE_GOLDEN=1 rewrites them, to be reviewed).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import {
  generate,
  isolatedPath,
  remove,
  runScript,
  setupSuite,
  SHELLS,
  stubRuntimes,
  tempDir,
  withoutDigests,
  writeFiles,
} from './helpers.ts';

const GOLDEN = join(import.meta.dirname, 'lifecycle');
const update = process.env.UPDATE_GOLDEN === '1';

interface Context {
  dir: string;
  script: string;
  bin: string;
  /** The digest `up` gives a container of this config, so that a state can be "current". */
  digest: string;
}

type State = 'missing' | 'running-current' | 'running-stale' | 'exited-current' | 'exited-stale';

/** What `ps` shows for the case that finds the host port taken: another container has it. */
const PORT_TAKEN = { BW_STUB_PS: 'other-app 0.0.0.0:8080->80/tcp, 0.0.0.0:8443->443/tcp\nbox 0.0.0.0:9999->80/tcp' };

/** [case name, arguments, container state, more environment]. */
const CASES: [string, string[], State, Record<string, string>?][] = [
  ['up-missing', ['up'], 'missing'],
  ['up-running', ['up'], 'running-current'],
  ['up-stopped', ['up'], 'exited-current'],
  ['up-stale', ['up'], 'running-stale'],
  ['up-stale-no-recreate', ['up', '--no-recreate'], 'exited-stale'],
  ['up-force-recreate', ['up', '--force-recreate'], 'running-current'],
  ['up-instance', ['--instance', 'second', 'up'], 'missing'],
  ['up-port-taken', ['--instance', 'second', 'up'], 'missing', PORT_TAKEN],
  ['run-port-taken', ['run'], 'missing', PORT_TAKEN],
  ['run-port-free', ['run'], 'missing', { BW_STUB_PS: 'other-app 0.0.0.0:18080->80/tcp' }],
  ['run', ['run', '--', 'echo', 'one shot'], 'missing'],
  ['shell-running', ['shell', '--', 'id', '-un'], 'running-current'],
  ['shell-missing', ['shell'], 'missing'],
  ['shell-as', ['shell', '--user', 'root', '--', 'id', '-un'], 'running-current'],
  ['stop-running', ['stop'], 'running-current'],
  ['stop-stopped', ['stop'], 'exited-current'],
  ['stop-missing', ['stop'], 'missing'],
  ['stop-time', ['stop', '--time', '1'], 'running-current'],
  ['restart', ['restart'], 'running-current'],
  ['restart-time', ['restart', '-t', '0'], 'running-current'],
  ['down-time', ['down', '--time=3'], 'running-current'],
  ['time-not-a-number', ['stop', '--time', '1s'], 'running-current'],
  ['time-of-another-verb', ['up', '--time', '1'], 'missing'],
  ['down', ['down'], 'running-current'],
  ['down-volumes', ['down', '--volumes'], 'exited-current'],
  ['status-current', ['status'], 'running-current'],
  ['status-stale', ['status'], 'exited-stale'],
  ['status-missing', ['status'], 'missing'],
  ['logs', ['logs', '--follow', '--tail', '20'], 'exited-current'],
  ['logs-missing', ['logs'], 'missing'],
  ['unknown-verb', ['rebuild'], 'missing'],
  ['option-of-another-verb', ['up', '--volumes'], 'missing'],
  ['arguments-for-stop', ['stop', '--', 'x'], 'missing'],
];

const lifecycle = setupSuite<Context>('lifecycle');

lifecycle.before(async (context) => {
  context.dir = tempDir();
  writeFiles(context.dir, { 'configs/box.jsonc': readFileSync(join(GOLDEN, 'box.jsonc'), 'utf8') });
  const result = await generate(['--quiet'], context.dir);
  assert.is(result.code, 0, result.err);
  context.script = join(context.dir, 'generated/box/launch.sh');
  context.bin = stubRuntimes(context.dir);
  const up = runScript(SHELLS[0]!, context.script, ['--dry-run', 'up'], {
    env: environment(context, 'podman', 'missing'),
  });
  context.digest = /io\.boxwright\.digest=(\d+(?:-\d+)?)/.exec(up.stdout)?.[1] ?? '';
  assert.ok(context.digest, up.stdout + up.stderr);
});
lifecycle.after(({ dir }) => remove(dir));

function environment(context: Context, runtime: string, state: State): Record<string, string> {
  const env: Record<string, string> = {
    PATH: isolatedPath(context.bin),
    BW_ARGV_FILE: '/dev/null',
    BOXWRIGHT_RUNTIME: runtime,
    TOKEN: 'secret-value',
    // The image: USER dev, no ENTRYPOINT, CMD ["serve"], and a PATH of its own.
    BW_STUB_IMAGE: 'dev\n0 1 1\nserve\nPATH=/usr/bin:/bin',
  };
  if (state === 'missing') return env;
  const [status, config] = state.split('-') as [string, string];
  env.BW_STUB_CONTAINER = `${status} ${config === 'current' ? context.digest : '12345'}`;
  env.BW_STUB_DETAILS = 'registry.example/box:1 2026-11-28T10:00:00Z';
  return env;
}

for (const [name, args, state, more] of CASES) {
  for (const runtime of ['podman', 'docker']) {
    lifecycle(`${name} (${runtime}): ${args.join(' ')} with the container ${state}`, (context) => {
      const env = { ...environment(context, runtime, state), ...more };
      // Every shell of the matrix for podman; docker differs only in the runtime's name.
      const shells = runtime === 'podman' ? SHELLS : SHELLS.slice(0, 1);
      const runs = shells.map((shell) =>
        runScript(shell, context.script, ['--dry-run', ...args], { env, cwd: context.dir }),
      );
      for (const [i, run] of runs.entries()) {
        assert.equal(
          [run.status, run.stdout, run.stderr],
          [runs[0]!.status, runs[0]!.stdout, runs[0]!.stderr],
          `${shells[i]!.name} agrees with dash`,
        );
      }
      const printed = withoutDigests(
        `exit ${runs[0]!.status}\n--- stdout\n${runs[0]!.stdout}--- stderr\n${runs[0]!.stderr}`,
      ).replaceAll(context.dir, '<dir>');
      assert.not.match(printed, 'secret-value', 'no secret value is printed');
      const golden = join(GOLDEN, `${name}.${runtime}.txt`);
      if (update) writeFileSync(golden, printed);
      assert.ok(existsSync(golden), `${golden} is missing (run with UPDATE_GOLDEN=1)`);
      assert.fixture(printed, readFileSync(golden, 'utf8'));
    });
  }
}

lifecycle(
  "env values join the image's own: prepend, append and a separator of their own, in every shell",
  async (context) => {
    const dir = tempDir();
    try {
      writeFiles(dir, {
        'configs/command.jsonc': readFileSync(join(import.meta.dirname, 'cases/command.jsonc'), 'utf8'),
      });
      const result = await generate(['--quiet'], dir);
      assert.is(result.code, 0, result.err);
      // The image: no USER, ENTRYPOINT or CMD, and its own PYTHONPATH and FLAGS.
      const env = {
        PATH: isolatedPath(context.bin),
        BW_ARGV_FILE: '/dev/null',
        BW_STUB_IMAGE: '\n0 0 2\nPYTHONPATH=/usr/lib/py\nFLAGS=-v',
      };
      for (const shell of SHELLS) {
        const run = runScript(shell, join(dir, 'generated/command/launch.sh'), ['--dry-run'], { env });
        assert.is(run.status, 0, run.stderr);
        assert.match(run.stdout, " --env PYTHONPATH=/usr/lib/py:/opt/extra --env 'FLAGS=--fast -v' ", shell.name);
      }
    } finally {
      remove(dir);
    }
  },
);

lifecycle(
  "a PATH that extends an image without one joins the runtimes' default, which such a container has",
  async () => {
    const dir = tempDir();
    try {
      writeFiles(dir, {
        'configs/box.json': JSON.stringify({
          kind: 'environment',
          image: 'box:1',
          env: { PATH: { prepend: '/opt/cuda/bin' } },
        }),
      });
      const result = await generate(['--quiet'], dir);
      assert.is(result.code, 0, result.err);
      const bin = stubRuntimes(dir);
      // An image made by podman import: no ENV at all.
      const env = { PATH: isolatedPath(bin), BW_ARGV_FILE: '/dev/null', BW_STUB_IMAGE: '\n0 0 0' };
      for (const shell of SHELLS) {
        const run = runScript(shell, join(dir, 'generated/box/launch.sh'), ['--dry-run'], { env });
        assert.is(run.status, 0, run.stderr);
        assert.match(
          run.stdout,
          ' --env PATH=/opt/cuda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin ',
          shell.name,
        );
      }
    } finally {
      remove(dir);
    }
  },
);

lifecycle.run();
