// How many runtime calls `up` and `shell` make, and which, against a stub runtime that keeps
// one container's state in a file and logs every call: a running container whose config is
// current costs `up` one inspect and `shell` one exec (scripts/bench-runtimes.mjs times
// them against the runtime's own start and exec). In every shell of the matrix, for podman
// and docker, which say differently that a container is not running.
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import {
  generate,
  isolatedPath,
  remove,
  runScript,
  setupSuite,
  SHELLS,
  tempDir,
  which,
  writeFiles,
} from './helpers.ts';

const GOLDEN_CONFIG = join(import.meta.dirname, 'lifecycle/box.jsonc');

/** The image: USER dev, no ENTRYPOINT, CMD ["serve"], and a PATH of its own. */
const IMAGE = 'dev\n0 1 1\nserve\nPATH=/usr/bin:/bin';

// The container is the line "STATUS DIGEST" in $BW_STUB_STATE; run takes its digest from
// its label. exec fails as each runtime does when the container is not running.
const STUB = `#!/bin/sh
printf '%s %s\\n' "\${0##*/}" "$1" >>"$BW_STUB_LOG"
state=$(cat "$BW_STUB_STATE" 2>/dev/null) || state=
case $1 in
  container)
    [ -n "$state" ] || exit 125
    printf '%s\\n' "$state" ;;
  image) printf '%s\\n' "$BW_STUB_IMAGE" ;;
  run)
    for arg do
      case $arg in io.boxwright.digest=*) digest=\${arg#*=} ;; esac
    done
    # BW_STUB_CANNOT_START: made, and its start fails, as when the OCI runtime refuses it.
    if [ -n "\${BW_STUB_CANNOT_START:-}" ]; then
      printf 'created %s\\n' "$digest" >"$BW_STUB_STATE"
      exit 126
    fi
    printf 'running %s\\n' "$digest" >"$BW_STUB_STATE" ;;
  start)
    [ -z "\${BW_STUB_CANNOT_START:-}" ] || exit 125
    printf 'running %s\\n' "\${state#* }" >"$BW_STUB_STATE"
    # As when another up started it first: the container runs, and this start failed.
    [ -z "\${BW_STUB_START_FAILS:-}" ] || exit 125 ;;
  stop) printf 'exited %s\\n' "\${state#* }" >"$BW_STUB_STATE" ;;
  rm) : >"$BW_STUB_STATE" ;;
  exec)
    case $state in
      running*)
        # BW_STUB_STARTING: the entrypoint writes its mark at the first look for it, and
        # until then the runtime cannot exec as the user it is still making.
        [ -n "\${BW_STUB_STARTING:-}" ] || exit "\${BW_STUB_EXEC_EXIT:-0}"
        case "$*" in
          */var/lib/boxwright/ready*)
            [ -f "$BW_STUB_STATE.ready" ] || { : >"$BW_STUB_STATE.ready"; exit 1; }
            printf '1234\\n1 (sh) S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1234 0\\n'
            exit 0 ;;
        esac
        [ -f "$BW_STUB_STATE.ready" ] || { echo 'Error: unable to find user keeper' >&2; exit 255; }
        exit "\${BW_STUB_EXEC_EXIT:-0}" ;;
    esac
    echo 'Error: not running' >&2
    [ "\${0##*/}" = docker ] && exit 1
    [ -n "$state" ] && exit 255
    exit 125 ;;
esac
exit 0
`;

interface Context {
  dir: string;
  script: string;
  /** launch.sh of a config with start phases, whose entrypoint writes a mark when done. */
  phased: string;
  bin: string;
  /** cksum, counting its calls in $BW_CKSUM_LOG, before the stubs. */
  counting: string;
}

const calls = setupSuite<Context>('runtime calls');

calls.before(async (context) => {
  context.dir = tempDir();
  writeFiles(context.dir, {
    'configs/box.jsonc': readFileSync(GOLDEN_CONFIG, 'utf8'),
    'configs/phased.json': JSON.stringify({
      kind: 'environment',
      image: 'registry.example/box:1',
      detach: true,
      remove: false,
      startup: { users: { keeper: { uid: 1500 } } },
      user: 'keeper',
      command: ['sleep', 'infinity'],
    }),
  });
  const result = await generate(['--quiet'], context.dir);
  assert.is(result.code, 0, result.err);
  context.script = join(context.dir, 'generated/box/launch.sh');
  context.phased = join(context.dir, 'generated/phased/launch.sh');
  context.bin = join(context.dir, 'bin');
  writeFiles(context.bin, { podman: STUB, docker: STUB });
  for (const runtime of ['podman', 'docker']) chmodSync(join(context.bin, runtime), 0o755);
  context.counting = join(context.dir, 'counting');
  writeFiles(context.counting, { cksum: `#!/bin/sh\necho cksum >>"$BW_CKSUM_LOG"\nexec ${which('cksum')} "$@"\n` });
  chmodSync(join(context.counting, 'cksum'), 0o755);
});
calls.after(({ dir }) => remove(dir));

/** Runs launch.sh and returns its exit status and the runtime calls it made ("podman run" ...). */
function launch(
  context: Context,
  shell: (typeof SHELLS)[number],
  runtime: string,
  args: string[],
  more = {},
  script = context.script,
) {
  const log = join(context.dir, 'calls');
  rmSync(log, { force: true });
  const env = {
    PATH: isolatedPath(context.bin),
    BOXWRIGHT_RUNTIME: runtime,
    TOKEN: 'secret-value',
    BW_STUB_LOG: log,
    BW_STUB_STATE: join(context.dir, 'state'),
    BW_STUB_IMAGE: IMAGE,
    ...more,
  };
  const result = runScript(shell, script, args, { env, cwd: context.dir });
  let made: string[] = [];
  try {
    made = readFileSync(log, 'utf8').trim().split('\n');
  } catch {}
  return { status: result.status, calls: made.map((line) => line.replace(`${runtime} `, '')), err: result.stderr };
}

function state(context: Context): string {
  return readFileSync(join(context.dir, 'state'), 'utf8').trim();
}

for (const runtime of ['podman', 'docker']) {
  const shells = runtime === 'podman' ? SHELLS : SHELLS.slice(0, 1);
  for (const shell of shells) {
    const name = `${runtime} in ${shell.name}`;

    calls(`${name}: up on a running container of this config is one inspect, and the image is not read`, (context) => {
      rmSync(join(context.dir, 'state'), { force: true });
      const first = launch(context, shell, runtime, ['up', '--no-wait']);
      assert.is(first.status, 0, first.err);
      assert.equal(first.calls, ['container', 'image', 'ps', 'run']);
      const again = launch(context, shell, runtime, ['up', '--no-wait']);
      assert.is(again.status, 0, again.err);
      assert.equal(again.calls, ['container']);
      assert.match(again.err, 'running, up to date');
    });

    calls(`${name}: a changed config is noticed at once; a changed image when the container next starts`, (context) => {
      rmSync(join(context.dir, 'state'), { force: true });
      launch(context, shell, runtime, ['up', '--no-wait']);
      const made = state(context);
      const changed = launch(context, shell, runtime, ['up', '--no-wait', '-e', 'EXTRA=1']);
      assert.equal(changed.calls, ['container', 'image', 'stop', 'rm', 'ps', 'run'], changed.err);
      assert.is.not(state(context), made);
      const newImage = { BW_STUB_IMAGE: IMAGE.replace('PATH=/usr/bin:/bin', 'PATH=/usr/local/bin:/usr/bin:/bin') };
      const running = launch(context, shell, runtime, ['up', '--no-wait', '-e', 'EXTRA=1'], newImage);
      assert.equal(running.calls, ['container'], 'a running container is kept while its config is unchanged');
      launch(context, shell, runtime, ['stop']);
      const stopped = launch(context, shell, runtime, ['up', '--no-wait', '-e', 'EXTRA=1'], newImage);
      assert.equal(stopped.calls, ['container', 'image', 'rm', 'ps', 'run'], stopped.err);
      assert.match(stopped.err, 'recreating (its config changed)');
    });

    calls(`${name}: a start that fails because another up started it meanwhile is as good`, (context) => {
      rmSync(join(context.dir, 'state'), { force: true });
      launch(context, shell, runtime, ['up', '--no-wait']);
      launch(context, shell, runtime, ['stop']);
      const raced = launch(context, shell, runtime, ['up', '--no-wait'], { BW_STUB_START_FAILS: '1' });
      assert.is(raced.status, 0, raced.err);
      assert.match(raced.err, 'box: started at the same time by another up');
    });

    calls(`${name}: a container made but not started is started once, and its failure ends up at once`, (context) => {
      rmSync(join(context.dir, 'state'), { force: true });
      const refused = launch(context, shell, runtime, ['up', '--wait-timeout', '5'], { BW_STUB_CANNOT_START: '1' });
      assert.is.not(refused.status, 0);
      assert.equal(refused.calls, ['container', 'image', 'ps', 'run', 'container', 'start', 'container'], refused.err);
      assert.match(refused.err, 'box: made but not started: starting it');
      assert.match(refused.err, 'could not start box');
      assert.is(state(context).split(' ')[0], 'created');
    });

    calls(`${name}: shell in a running container is one exec, and its exit status stands`, (context) => {
      rmSync(join(context.dir, 'state'), { force: true });
      launch(context, shell, runtime, ['up', '--no-wait']);
      const once = launch(context, shell, runtime, ['shell', '--', 'true']);
      assert.equal([once.status, once.calls], [0, ['exec']], once.err);
      // docker says "not running" with the same status as a command's 1: the state tells.
      const failed = launch(context, shell, runtime, ['shell', '--', 'false'], { BW_STUB_EXEC_EXIT: '1' });
      assert.equal([failed.status, failed.calls], [1, ['exec', 'container']], failed.err);
    });

    calls(`${name}: shell in a container still in its start phases tries once more when it is ready`, (context) => {
      const stub = join(context.dir, 'state');
      rmSync(`${stub}.ready`, { force: true });
      writeFileSync(stub, 'running 1\n');
      const starting = { BW_STUB_STARTING: '1' };
      const early = launch(context, shell, runtime, ['shell', '--', 'true'], starting, context.phased);
      assert.is(early.status, 0, early.err);
      assert.match(early.err, 'phased is still starting: trying again when it is ready');
      assert.equal(early.calls.filter((call) => call === 'exec').length, 4, early.err);
      // Ready: a command's own 255 stands, after one look at the mark.
      const failed = { ...starting, BW_STUB_EXEC_EXIT: '255' };
      const own = launch(context, shell, runtime, ['shell', '--', 'false'], failed, context.phased);
      assert.equal([own.status, own.calls], [255, ['exec', 'container', 'exec']], own.err);
      rmSync(`${stub}.ready`, { force: true });
    });

    calls(`${name}: shell in a stopped or missing container starts it and tries once more`, (context) => {
      rmSync(join(context.dir, 'state'), { force: true });
      launch(context, shell, runtime, ['up', '--no-wait']);
      launch(context, shell, runtime, ['stop']);
      const stopped = launch(context, shell, runtime, ['--no-wait', 'shell', '--', 'true']);
      assert.equal(stopped.status, 0, stopped.err);
      assert.equal(stopped.calls, ['exec', 'container', 'container', 'image', 'ps', 'start', 'exec']);
      assert.match(stopped.err, 'box is not running: starting it');
      assert.is(state(context).split(' ')[0], 'running');
      launch(context, shell, runtime, ['down']);
      const missing = launch(context, shell, runtime, ['--no-wait', 'shell', '--', 'true']);
      assert.equal(missing.calls, ['exec', 'container', 'container', 'image', 'ps', 'run', 'exec'], missing.err);
    });
  }
}

// up's memo of its digest (templates/partials/digest-of): what saves the cksum process.
for (const shell of SHELLS) {
  const name = `podman in ${shell.name}`;

  /** The environment of a run with HOME at home, and how many times cksum ran in it. */
  function withMemo(context: Context, home: string) {
    const log = join(context.dir, 'cksum-calls');
    rmSync(log, { force: true });
    const env = { HOME: home, PATH: isolatedPath(context.counting, context.bin), BW_CKSUM_LOG: log };
    const cksums = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').length - 1 : 0);
    return { env, cksums };
  }

  calls(`${name}: up takes the digest of an unchanged argv from its memo, without cksum`, (context) => {
    rmSync(join(context.dir, 'state'), { force: true });
    const home = tempDir();
    const memo = join(home, '.local/state/boxwright/digests/box');
    try {
      const made = withMemo(context, home);
      assert.is(launch(context, shell, 'podman', ['up', '--no-wait'], made.env).status, 0);
      assert.ok(made.cksums() > 0);
      assert.is(statSync(join(memo, '..')).mode & 0o777, 0o700, "the memo is the host user's only");
      const again = withMemo(context, home);
      const current = launch(context, shell, 'podman', ['up', '--no-wait'], again.env);
      assert.equal([current.calls, again.cksums()], [['container'], 0], current.err);
      // A memo that is not of this argv is not taken: the digest is worked out again.
      writeFileSync(memo, `${readFileSync(memo, 'utf8').split('\n')[0]}\n--other\n`);
      const other = withMemo(context, home);
      const kept = launch(context, shell, 'podman', ['up', '--no-wait'], other.env);
      assert.equal([kept.calls, other.cksums()], [['container'], 1], kept.err);
      assert.match(kept.err, 'running, up to date');
      launch(context, shell, 'podman', ['down'], other.env);
      assert.not.ok(existsSync(memo), 'down removes the memo');
    } finally {
      remove(home);
    }
  });

  calls(
    `${name}: the memo tells a line break in an argument from two arguments, and \\n from a line break`,
    (context) => {
      rmSync(join(context.dir, 'state'), { force: true });
      const home = tempDir();
      try {
        const { env } = withMemo(context, home);
        const commands = [
          ['x', 'b\nc'],
          ['x', 'b', 'c'],
          ['x', 'b\\nc'],
          ['x', 'b\nc'],
        ];
        launch(context, shell, 'podman', ['up', '--no-wait', '--', ...commands[0]!], env);
        for (const command of commands.slice(1)) {
          const changed = launch(context, shell, 'podman', ['up', '--no-wait', '--', ...command], env);
          assert.match(changed.err, 'recreating (its config changed)', JSON.stringify(command));
        }
      } finally {
        remove(home);
      }
    },
  );

  calls(`${name}: no memo on a dry run, nor in a home that does not exist`, (context) => {
    rmSync(join(context.dir, 'state'), { force: true });
    const home = tempDir();
    try {
      launch(context, shell, 'podman', ['--dry-run', 'up'], withMemo(context, home).env);
      assert.not.ok(existsSync(join(home, '.local')), 'a dry run writes nothing');
      const missing = join(home, 'missing');
      const up = launch(context, shell, 'podman', ['up', '--no-wait'], withMemo(context, missing).env);
      assert.is(up.status, 0, up.err);
      assert.not.ok(existsSync(missing), 'launch.sh makes no home');
    } finally {
      remove(home);
    }
  });
}

calls.run();
