// A Quadlet unit on real podman (4.3 here, which has no Quadlet: podman 4.9.5's own Quadlet
// converts the unit, and its ExecStart= is run by hand, with %N and %t as systemd gives
// them). The container it makes is the one launch.sh up makes, and launch.sh's verbs leave
// a container that a unit runs to systemctl.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { execStartOf, quadletDryRun } from '../quadlet-support.ts';
import { e2eSuite, inContainer, PREFIX, podman, podmanOk, runGenerated } from './support.ts';

const e2e = e2eSuite('e2e: Quadlet');
const name = `${PREFIX}-quadlet`;
const secrets = { KEEPER_PASSWORD: 'boot pass $1', EXTRA_TOKEN: 'extra' };

/** What makes the container: its settings as podman reports them, launch.sh's digest aside. */
function made(): Record<string, unknown> {
  const format = [
    '{{json .Config.User}}',
    '{{json .Config.Entrypoint}}',
    '{{json .Config.Cmd}}',
    '{{json .Config.Env}}',
    '{{json .Config.Labels}}',
    '{{json .Config.Healthcheck}}',
    '{{json .Config.StopSignal}}',
    '{{range .Mounts}}{{.Destination}}={{.Name}}{{.Source}}:{{.RW}} {{end}}',
  ].join('\n');
  const [user, entrypoint, cmd, env, labels, health, signal, mounts] = podmanOk(
    'container',
    'inspect',
    '--format',
    format,
    name,
  ).split('\n');
  const labelMap = JSON.parse(labels!) as Record<string, string>;
  delete labelMap['io.boxwright.digest'];
  return {
    user: JSON.parse(user!),
    entrypoint: JSON.parse(entrypoint!),
    cmd: JSON.parse(cmd!),
    // podman adds HOSTNAME (the container's id) of its own.
    env: (JSON.parse(env!) as string[]).filter((e) => !e.startsWith('HOSTNAME=')).sort(),
    labels: labelMap,
    health: JSON.parse(health!),
    signal: JSON.parse(signal!),
    mounts: mounts!.trim().split(' ').sort(),
  };
}

e2e('the unit’s ExecStart makes the container up makes; the verbs leave it to its unit', (context) => {
  const launch = (...args: string[]) => runGenerated(context, 'quadlet', 'launch.sh', args, secrets);
  const up = launch('up');
  assert.is(up.status, 0, up.stderr);
  const byUp = made();
  assert.is(inContainer(name, 'printf %s "$GREETING"'), 'hello $USER 100%');
  assert.is(launch('down').status, 0);

  const units = join(context.dir, 'units');
  const install = launch('install', '--quadlet', '--unit-dir', units);
  assert.is(install.status, 0, install.stderr);
  assert.match(install.stderr, `podman secret ${name}-KEEPER_PASSWORD: from KEEPER_PASSWORD`);
  const { services, stderr, status } = quadletDryRun(units);
  assert.is(status, 0, stderr);
  const runtimeDir = join(context.dir, 'run');
  mkdirSync(runtimeDir);
  const argv = execStartOf(services.get('quadlet.service')!, 'quadlet').map((word) =>
    word.replaceAll('/run/user/0', runtimeDir),
  );
  // --cgroups=split puts the container in the unit's cgroup, which only systemd gives.
  const byHand = argv.filter((word) => word !== '--cgroups=split');
  const start = spawnSync(byHand[0]!, byHand.slice(1), { encoding: 'utf8' });
  assert.is(start.status, 0, start.stderr);
  const wait = launch('shell', '--', 'true');
  assert.is(wait.status, 0, wait.stderr);
  assert.equal(made(), byUp);
  // The password came from the podman secret, set by the same entrypoint.
  assert.match(inContainer(name, 'getent shadow keeper | cut -d: -f2'), /^\$/);
  assert.is(inContainer(name, 'printf %s "$EXTRA_TOKEN"'), 'extra', 'an optional secret that was set');

  // A container that a unit runs (podman labels it so under systemd) is the unit's to stop.
  podman('rm', '--force', '-t', '0', name);
  // What the unit's ExecStopPost would do: podman rm --cidfile removes the id file.
  rmSync(join(runtimeDir, 'quadlet.cid'), { force: true });
  const labelled = spawnSync(
    byHand[0]!,
    [byHand[1]!, '--label', 'PODMAN_SYSTEMD_UNIT=quadlet.service', ...byHand.slice(2)],
    { encoding: 'utf8' },
  );
  assert.is(labelled.status, 0, labelled.stderr);
  const again = launch('up');
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stderr, `${name}: running, started by quadlet.service`);
  const stop = launch('stop');
  assert.is(stop.status, 1);
  assert.match(stop.stderr, `${name} is run by the systemd unit quadlet.service: systemctl stop quadlet.service`);
  podman('rm', '--force', '-t', '0', name);
});

e2e.run();
