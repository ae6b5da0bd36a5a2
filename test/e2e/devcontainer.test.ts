// A generated devcontainer.json opened for real by the devcontainer CLI on podman and on
// docker: the image
// built from the config's Containerfile, the variable's default, the secret by name from the
// caller's environment, the opened folder as the workspace, and the hooks as lifecycle
// commands (the object form side by side). Everything it makes carries this run's label.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as assert from 'uvu/assert';
import { ROOT } from '../helpers.ts';
import { e2eSuite, PREFIX, runtime, RUNTIMES } from './support.ts';

for (const on of RUNTIMES) {
  const e2e = e2eSuite(`e2e: devcontainer.json opened by the devcontainer CLI (${on})`, on);
  const run = (...args: string[]) => runtime(on, ...args);

  e2e('the CLI builds and starts what launch.sh would, and runs the hooks', (context) => {
    const label = `bw-e2e-run=${PREFIX}`;
    // The runtime the CLI runs, recording each command line it is given (its words ending in
    // NUL, the line in another).
    const log = join(context.dir, `argv-${on}`);
    const recording = join(context.dir, `recording-${on}`);
    const real = spawnSync('sh', ['-c', `command -v ${on}`], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(recording, `#!/bin/sh\nprintf '%s\\0' "$@" '' >>'${log}'\nexec '${real}' "$@"\n`, {
      mode: 0o755,
    });
    const cli = (...args: string[]) =>
      spawnSync(
        join(ROOT, 'node_modules/.bin/devcontainer'),
        [...args, '--docker-path', recording, '--id-label', label],
        {
          encoding: 'utf8',
          env: { PATH: process.env.PATH, HOME: context.home, DEVBOX_TOKEN: 'tok "en"' },
        },
      );
    const ids = () => run('ps', '--all', '--quiet', '--filter', `label=${label}`).stdout.split('\n').filter(Boolean);
    try {
      const up = cli(
        'up',
        '--workspace-folder',
        context.tree,
        '--config',
        join(context.out, 'devbox/devcontainer.json'),
      );
      assert.is(up.status, 0, `${up.stdout}\n${up.stderr}`);
      const [id] = ids();
      assert.ok(id, 'a container with this run label');
      const inside = (script: string) => {
        const result = run('exec', id!, 'sh', '-c', script);
        assert.is(result.status, 0, result.stderr);
        return result.stdout;
      };
      assert.is(inside('echo "$GREETING|$EDITOR|$DEVBOX_TOKEN"'), 'hello from the config|vi|tok "en"\n');
      assert.is(inside('cat /tmp/one /tmp/two'), 'one\ntok "en"');
      assert.is(inside('cat /tmp/starts'), 'started\n');
      assert.is(
        inside(`ls /workspaces/${basename(context.tree)}/configs/zephyr.json`),
        `/workspaces/${basename(context.tree)}/configs/zephyr.json\n`,
      );
      // The container's own command line. (The CLI itself passes the container's whole
      // environment, which holds the secret, to its execs: that is the CLI's, not the file's.)
      const runs = readFileSync(log, 'utf8')
        .split('\0\0')
        .map((line) => line.split('\0'))
        .filter((words) => words[0] === 'run');
      assert.is(runs.length, 1, 'the CLI ran the container through the recording runtime');
      assert.ok(runs[0]!.includes('DEVBOX_TOKEN'), 'the secret is passed by name');
      assert.equal(
        runs[0]!.filter((word) => word.includes('tok')),
        [],
        'no secret value on its command line',
      );
    } finally {
      const found = ids();
      const images = found.map((id) => run('inspect', '--format', '{{.Image}}', id).stdout.trim());
      if (found.length) run('rm', '--force', ...found);
      if (images.length) run('rmi', '--force', ...images);
    }
  });

  e2e.run();
}
