// Faults and load, on podman and on docker: two ups at once give one container and both
// succeed; an up killed with SIGKILL at some point, then up again, gives a working
// container; stop and up five times keep the user, its password, the volume's contents and
// the run-once hook as they were; the secret is never in the runtime's argv, in a file
// boxwright wrote, or in the logs. Kill points come from a seeded random (printed on failure).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { e2eSuite, inContainer, PREFIX, runGenerated, runtime, RUNTIMES, runtimeOk } from './support.ts';

const SECRET = `s3cret-${PREFIX}-value`;
const seed = Number(process.env.BOXWRIGHT_SEED ?? Date.now() % 1000);

for (const on of RUNTIMES) {
  const e2e = e2eSuite(`e2e: faults and load (${on})`, on);
  const name = `${PREFIX}-faults`;

  /** A runtime that records every argv it is given (NUL-separated), then runs the real one. */
  function recordingPath(dir: string): { path: string; log: string } {
    const bin = join(dir, `recording-${on}`);
    mkdirSync(bin, { recursive: true });
    const log = join(dir, `argv-${on}`);
    const real = spawnSync('sh', ['-c', `command -v ${on}`], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(join(bin, on), `#!/bin/sh\nprintf '%s\\0' "$@" >>'${log}'\nexec '${real}' "$@"\n`);
    chmodSync(join(bin, on), 0o755);
    return { path: `${bin}:${process.env.PATH}`, log };
  }

  e2e('two ups at once, an up killed midway, five restarts; the secret stays secret', async (context) => {
    const { path, log } = recordingPath(context.dir);
    const env = { BOXWRIGHT_RUNTIME: on, FAULT_PASSWORD: SECRET, PATH: path };
    const launch = (...args: string[]) => runGenerated(context, 'faults', 'launch.sh', args, env);
    const script = join(context.out, 'faults/launch.sh');
    const upInBackground = () =>
      new Promise<{ code: number; said: string }>((done) => {
        const child = spawn('sh', [script, 'up'], {
          env: { HOME: context.home, ...env },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let said = '';
        child.stderr.on('data', (chunk) => (said += chunk));
        child.on('close', (code) => done({ code: code ?? 1, said }));
      });

    const [first, second] = await Promise.all([upInBackground(), upInBackground()]);
    assert.equal([first.code, second.code], [0, 0], `both ups succeed:\n${first.said}\n---\n${second.said}`);
    assert.is(runtimeOk(on, 'ps', '--all', '--filter', `name=^${name}$`, '--format', '{{.Names}}').trim(), name);

    let random = seed;
    for (let round = 0; round < 3; round++) {
      assert.is(launch('down', '--time', '1').status, 0);
      random = (random * 1103515245 + 12345) % 2 ** 31;
      const delay = 100 + (random % 1500);
      const child = spawn('sh', [script, 'up'], {
        env: { HOME: context.home, ...env },
        stdio: 'ignore',
        detached: true,
      });
      // Listened for from the start: an up that ends before the kill has exited already.
      const exited = new Promise((wait) => child.on('exit', wait));
      await new Promise((wait) => setTimeout(wait, delay));
      // The script alone, as a closed terminal or OOM killer would: what it started goes on.
      child.kill('SIGKILL');
      await exited;
      const again = launch('up');
      assert.is(again.status, 0, `killed after ${delay} ms (BOXWRIGHT_SEED=${seed}): ${again.stderr}`);
      assert.is(inContainer(name, 'id -un keeper', undefined, on), 'keeper\n', `after a kill at ${delay} ms`);
    }

    const hash = () => inContainer(name, 'getent shadow keeper | cut -d: -f2', undefined, on);
    const before = { hash: hash(), created: inContainer(name, 'cat /data/created', undefined, on) };
    assert.match(before.hash, /^\$/, 'the password is set');
    inContainer(name, 'echo kept > /data/mine', undefined, on);
    for (let i = 0; i < 5; i++) {
      assert.is(launch('stop', '--time', '1').status, 0);
      const up = launch('up');
      assert.is(up.status, 0, up.stderr);
    }
    assert.is(hash(), before.hash, 'the password is as it was');
    assert.is(inContainer(name, 'cat /data/created', undefined, on), before.created, 'the run-once hook ran once');
    assert.is(inContainer(name, 'cat /data/mine', undefined, on), 'kept\n', 'the volume keeps its contents');

    const logs = launch('logs');
    assert.is(logs.status, 0, logs.stderr);
    assert.not.ok(`${logs.stdout}${logs.stderr}`.includes(SECRET), 'the secret is not in the logs');
    const argv = readFileSync(log, 'utf8');
    assert.ok(argv.includes('FAULT_PASSWORD'), 'the secret is passed, by name');
    assert.not.ok(argv.includes(SECRET), 'the secret is in no argv of the runtime');
    const written = spawnSync('grep', ['-rl', '--', SECRET, context.out, context.home], { encoding: 'utf8' });
    assert.is(written.stdout, '', 'the secret is in no file boxwright wrote');
    assert.is(launch('down', '--time', '1').status, 0);
    assert.is.not(runtime(on, 'container', 'inspect', name).status, 0);
  });

  e2e.run();
}
