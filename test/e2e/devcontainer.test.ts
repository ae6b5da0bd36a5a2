// A generated devcontainer.json opened for real by the devcontainer CLI on podman: the image
// built from the config's Containerfile, the variable's default, the secret by name from the
// caller's environment, the opened folder as the workspace, and the hooks as lifecycle
// commands (the object form side by side). Everything it makes carries this run's label.
import { spawnSync } from 'node:child_process';
import { basename, join } from 'node:path';
import * as assert from 'uvu/assert';
import { ROOT } from '../helpers.ts';
import { e2eSuite, podman, PREFIX } from './support.ts';

const e2e = e2eSuite('e2e: devcontainer.json opened by the devcontainer CLI');

e2e('the CLI builds and starts what launch.sh would, and runs the hooks', (context) => {
  const label = `bw-e2e-run=${PREFIX}`;
  const cli = (...args: string[]) =>
    spawnSync(join(ROOT, 'node_modules/.bin/devcontainer'), [...args, '--docker-path', 'podman', '--id-label', label], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: context.home, DEVBOX_TOKEN: 'tok "en"' },
    });
  const ids = () => podman('ps', '--all', '--quiet', '--filter', `label=${label}`).stdout.split('\n').filter(Boolean);
  try {
    const up = cli('up', '--workspace-folder', context.tree, '--config', join(context.out, 'devbox/devcontainer.json'));
    assert.is(up.status, 0, `${up.stdout}\n${up.stderr}`);
    const [id] = ids();
    assert.ok(id, 'a container with this run label');
    const inside = (script: string) => {
      const result = podman('exec', id!, 'sh', '-c', script);
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
    const [inspected] = JSON.parse(podman('inspect', id!).stdout) as { Config: { CreateCommand: string[] } }[];
    assert.not.ok(JSON.stringify(inspected!.Config.CreateCommand).includes('tok'), 'no secret value on a command line');
  } finally {
    const found = ids();
    const images = found.map((id) => podman('inspect', '--format', '{{.Image}}', id).stdout.trim());
    if (found.length) podman('rm', '--force', ...found);
    if (images.length) podman('rmi', '--force', ...images);
  }
});

e2e.run();
