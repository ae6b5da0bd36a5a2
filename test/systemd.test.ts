// Plain systemd units (for docker, and podman without Quadlet): every committed one and every
// installed one passes systemd-analyze verify, and an installed unit's ExecStart= and
// ExecStop=, run as systemd runs them (specifiers and variables expanded), run the script
// beside the unit with the verb they say.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { expandCommandLine, parseUnitFile } from '../scripts/lib/unit/syntax.ts';
import { generate, readArgv, remove, ROOT, stubRuntimes, tempDir, writeFiles } from './helpers.ts';
import { TEST_HOME } from './quadlet-support.ts';

function verify(path: string): void {
  const run = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
  assert.is(run.status, 0, `${path}: ${run.stdout}${run.stderr}`);
}

test('every committed plain unit and timer passes systemd-analyze verify', () => {
  const generated = join(ROOT, 'generated');
  let units = 0;
  for (const folder of readdirSync(generated))
    for (const file of readdirSync(join(generated, folder)).filter((f) => /\.(service|timer)$/.test(f))) {
      verify(join(generated, folder, file));
      units++;
    }
  assert.ok(units >= 2, 'the seeds have plain units');
});

/**
 * A unit's command line of KEY, run as systemd runs it, with its Environment= set over
 * `outside` (PATH, and the stub runtime's settings).
 */
function runAsSystemd(unitText: string, key: string, cwd: string, outside: Record<string, string>) {
  const entries = parseUnitFile(unitText).filter((e) => e.section === 'Service');
  const environment: Record<string, string> = {};
  for (const entry of entries.filter((e) => e.key === 'Environment')) {
    const [assignment] = expandCommandLine(entry.value, { h: TEST_HOME });
    const at = assignment!.indexOf('=');
    environment[assignment!.slice(0, at)] = assignment!.slice(at + 1);
  }
  const line = entries.find((e) => e.key === key)!.value;
  const [command, ...args] = expandCommandLine(line, { h: TEST_HOME }, environment);
  return spawnSync(command!, args, { encoding: 'utf8', cwd, env: { ...outside, ...environment } });
}

test('an installed plain unit verifies, and starts and stops the container through launch.sh', async () => {
  // A folder whose name needs quoting in a unit and in a shell: it reaches both intact.
  const dir = join(tempDir(), 'my repo $x %h');
  try {
    writeFiles(dir, {
      'configs/box.json': JSON.stringify({
        kind: 'environment',
        image: 'localhost/box:1',
        detach: true,
        envFile: '.env',
        secrets: { TOKEN: { required: true } },
        systemd: { runtime: 'docker' },
      }),
      '.env': 'TOKEN=t\n',
    });
    const generated = await generate(['--quiet'], dir);
    assert.is(generated.code, 0, generated.err);
    const argv = join(dir, 'argv');
    const path = `${stubRuntimes(dir)}:/usr/bin:/bin`;
    const env = { PATH: path, HOME: TEST_HOME, BW_ARGV_FILE: argv };
    const units = join(dir, 'units');
    const script = join(dir, 'generated/box/launch.sh');
    const install = spawnSync('sh', [script, 'install', '--plain', '--unit-dir', units], { encoding: 'utf8', env });
    assert.is(install.status, 0, install.stderr);
    assert.match(install.stderr, /systemctl --user daemon-reload && systemctl --user enable --now box\.service/);
    const installed = join(units, 'box.service');
    verify(installed);
    const text = readFileSync(installed, 'utf8');
    assert.match(text, /^Requires=docker\.service$/m);
    // The unit runs the script from the repository, where it finds .env (TOKEN is required).
    writeFileSync(argv, '');
    const outside = { PATH: path, BW_ARGV_FILE: argv, BW_STUB_CONTAINER: 'running 0' };
    const start = runAsSystemd(text, 'ExecStart', '/', outside);
    assert.is(start.status, 0, start.stderr);
    assert.equal(readArgv(argv).slice(0, 2), ['docker', 'run']);
    const stop = runAsSystemd(text, 'ExecStop', '/', outside);
    assert.is(stop.status, 0, stop.stderr);
    assert.equal(readArgv(argv), ['docker', 'stop', 'box']);
  } finally {
    remove(join(dir, '..'));
  }
});

test('install never replaces a unit that boxwright did not write', async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, {
      'configs/box.json': JSON.stringify({ kind: 'environment', image: 'i', detach: true, systemd: {} }),
      'units/box.service': '[Service]\nExecStart=/bin/true\n',
    });
    assert.is((await generate(['--quiet'], dir)).code, 0);
    const run = spawnSync('sh', [join(dir, 'generated/box/launch.sh'), 'install', '--unit-dir', join(dir, 'units')], {
      encoding: 'utf8',
      env: { PATH: `${stubRuntimes(dir)}:/usr/bin:/bin`, HOME: TEST_HOME, BW_ARGV_FILE: '/dev/null' },
    });
    assert.is(run.status, 1);
    assert.match(run.stderr, /units\/box\.service exists and boxwright did not write it: move it away first\n$/);
    assert.is(readFileSync(join(dir, 'units/box.service'), 'utf8'), '[Service]\nExecStart=/bin/true\n');
  } finally {
    remove(dir);
  }
});

test('a fleet’s update and cleanup timers install, verify, and their services run as systemd runs them', async () => {
  const dir = join(tempDir(), 'my fleet $x');
  try {
    writeFiles(dir, {
      'configs/fleet.json': JSON.stringify({
        kind: 'distrobox',
        updates: { every: 'Sun 03:00' },
        cleanup: { every: 'quarterly' },
        containers: { app: { image: 'img' } },
      }),
    });
    assert.is((await generate(['--quiet'], dir)).code, 0);
    const units = join(dir, 'units');
    const stubs = join(dir, 'stubs');
    // distrobox lists nothing, and enter records what it runs.
    writeFiles(stubs, {
      distrobox: `#!/bin/sh\n[ "$1" != list ] || exit 0\necho "$*" >>'${join(dir, 'entered')}'\ncat >/dev/null\n`,
    });
    spawnSync('chmod', ['+x', join(stubs, 'distrobox')]);
    const env = { PATH: `${stubs}:/usr/bin:/bin`, HOME: TEST_HOME };
    const install = spawnSync('sh', [join(dir, 'generated/fleet/update.sh'), 'install', '--unit-dir', units], {
      encoding: 'utf8',
      env,
    });
    assert.is(install.status, 0, install.stderr);
    assert.match(install.stderr, 'systemctl --user daemon-reload && systemctl --user enable --now fleet-update.timer');
    for (const unit of ['fleet-update.service', 'fleet-update.timer']) verify(join(units, unit));
    assert.match(readFileSync(join(units, 'fleet-update.timer'), 'utf8'), 'OnCalendar=Sun 03:00\nPersistent=true');
    const ran = runAsSystemd(readFileSync(join(units, 'fleet-update.service'), 'utf8'), 'ExecStart', '/', env);
    assert.is(ran.status, 0, ran.stderr);
    assert.match(ran.stdout, /app +upgraded/);
    assert.is(readFileSync(join(dir, 'entered'), 'utf8'), 'enter app -- sh -s\n');
    // The cleanup: its own install, quarterly, and its service prunes (a manager that has nothing).
    writeFiles(stubs, { podman: '#!/bin/sh\nexit 0\n' });
    spawnSync('chmod', ['+x', join(stubs, 'podman')]);
    const cleanup = spawnSync('sh', [join(dir, 'generated/fleet/cleanup.sh'), 'install', '--unit-dir', units], {
      encoding: 'utf8',
      env,
    });
    assert.is(cleanup.status, 0, cleanup.stderr);
    for (const unit of ['fleet-cleanup.service', 'fleet-cleanup.timer']) verify(join(units, unit));
    assert.match(readFileSync(join(units, 'fleet-cleanup.timer'), 'utf8'), 'OnCalendar=quarterly\nPersistent=true');
    const pruned = runAsSystemd(readFileSync(join(units, 'fleet-cleanup.service'), 'utf8'), 'ExecStart', '/', {
      ...env,
      DBX_CONTAINER_MANAGER: 'podman',
    });
    assert.is(pruned.status, 0, pruned.stderr);
    assert.match(pruned.stderr, 'nothing to remove');
  } finally {
    remove(dir);
  }
});

test.run();
