// The launch script's lifecycle on real podman and docker, with seed 000's workstation config and an
// image that has its own USER, ENTRYPOINT and CMD: up runs what the image runs (after the
// config's startup phases), stays up, is idempotent, recreates on a config change, and
// shell, status, logs, stop and down do what they say.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { generate } from '../helpers.ts';
import { e2eSuite, inContainer, PREFIX, runGenerated, runtime, RUNTIMES, runtimeOk, waitFor } from './support.ts';

for (const on of RUNTIMES) {
  const e2e = e2eSuite(`e2e: lifecycle (${on})`, on);
  const ENV = { MANAGEMENT_API_KEY: 'management', ANTHROPIC_API_KEY: 'sk-e2e', BOXWRIGHT_RUNTIME: on };
  const run = (...args: string[]) => runtime(on, ...args);
  const inside = (name: string, script: string) => inContainer(name, script, undefined, on);

  e2e(
    "seed 000's workstation comes up running its image's own ENTRYPOINT and CMD, and lives through the verbs",
    async (context) => {
      const name = `${PREFIX}-cachyos-workstation`;
      const launch = (...args: string[]) => runGenerated(context, 'cachyos-workstation', 'launch.sh', args, ENV);
      const id = () => run('container', 'inspect', '--format', '{{.Id}}', name).stdout.trim();
      // The stack creates this network; brought up on its own, the member needs it to exist.
      runtimeOk(on, 'network', 'create', `${PREFIX}-cachyos-net`);

      const up = launch('up');
      assert.is(up.status, 0, up.stderr);
      assert.match(up.stderr, `${name}: creating and starting`);
      const started = Date.now();
      const first = id();
      waitFor(() => run('exec', name, 'test', '-f', '/tmp/serve.args').status === 0, "the image's own process");
      assert.is(
        inside(name, 'cat /tmp/serve.args'),
        'app\n--port\n9090\n',
        "the image's ENTRYPOINT and CMD, as its USER",
      );
      assert.match(
        inside(name, 'id devuser; ls /home/devuser/.ssh'),
        /^uid=1000\(devuser\).*\nid_ed25519\nid_ed25519\.pub\n$/,
        'the startup phases ran first',
      );
      assert.is(
        inside(name, 'echo "$PATH|$LD_LIBRARY_PATH"'),
        '/opt/cuda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin|/opt/cuda/lib64:/opt/cuda/extras/CUPTI/lib64\n',
        "PATH extends the image's own; LD_LIBRARY_PATH, which the image lacks, is the text alone",
      );

      const again = launch('up');
      assert.is(again.status, 0, again.stderr);
      assert.match(again.stderr, `${name}: running, up to date`);
      assert.is(id(), first, 'up twice keeps the same container');

      const shell = launch('shell', '--', 'id', '-un');
      assert.is(shell.status, 0, shell.stderr);
      assert.is(shell.stdout, 'app\n', "shell runs as the user the container's command runs as");
      assert.match(launch('status').stdout, /state: +running\n[\s\S]*config: +current\n$/);

      // Still running, never restarted, half a minute after it started.
      waitFor(() => Date.now() - started > 30_000, '30 seconds', 40);
      assert.is(
        run('container', 'inspect', '--format', '{{.RestartCount}} {{.State.Status}}', name).stdout,
        '0 running\n',
      );

      // A changed config, regenerated: up recreates the container and says why.
      const config = join(context.tree, 'test/e2e/configs/cachyos-workstation.json');
      writeFileSync(
        config,
        readFileSync(config, 'utf8').replace('"resources": {},', '"resources": {},\n  "hostname": "changed-host",'),
      );
      const regenerated = await generate(
        ['--configs', 'test/e2e/configs', '--out', context.out, '--quiet'],
        context.tree,
      );
      assert.is(regenerated.code, 0, regenerated.err);
      assert.match(launch('status').stdout, 'config:  stale');
      const recreated = launch('up');
      assert.is(recreated.status, 0, recreated.stderr);
      assert.match(recreated.stderr, `${name}: recreating (its config changed)`);
      assert.is.not(id(), first);
      waitFor(() => run('exec', name, 'test', '-f', '/tmp/serve.args').status === 0, 'the recreated container');
      assert.is(inside(name, 'hostname'), 'changed-host\n');

      const stopped = launch('stop');
      assert.is(stopped.status, 0, stopped.stderr);
      const logs = launch('logs');
      assert.is(logs.status, 0, logs.stderr);
      assert.match(logs.stdout + logs.stderr, 'serve: running as app with --port 9090', 'logs outlive the stop');
      assert.match(logs.stdout + logs.stderr, 'serve: stopping', 'the image got TERM and stopped cleanly');

      const down = launch('down');
      assert.is(down.status, 0, down.stderr);
      assert.is.not(run('container', 'inspect', name).status, 0, 'down removes the container');
    },
  );

  e2e.run();
}
