// What the devcontainer tests share: the devcontainer CLI's reading of a devcontainer.json.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { ROOT } from './helpers.ts';

/** What the devcontainer CLI makes of a file: the configuration it would run, substituted. */
export function readByCli(config: string, workspace: string): Record<string, unknown> {
  const result = spawnSync(
    join(ROOT, 'node_modules/.bin/devcontainer'),
    ['read-configuration', '--workspace-folder', workspace, '--config', config, '--docker-path', 'podman'],
    { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: '/home/tester', PY_VARIANT: '3.13' } },
  );
  assert.is(result.status, 0, result.stderr);
  return (JSON.parse(result.stdout) as { configuration: Record<string, unknown> }).configuration;
}
