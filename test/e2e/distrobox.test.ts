// Distrobox fleets on real distrobox 1.4 (Debian's), which refuses to run as root: a
// per-run user with passwordless sudo creates the fleet with create.sh, enters it, updates
// it and removes it. The user, its sudoers file and its home are removed afterwards.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { remove } from '../helpers.ts';
import { e2eSuite, podman, podmanOk, PREFIX, TEST_IMAGE } from './support.ts';

const e2e = e2eSuite('e2e: distrobox');
const USER = PREFIX.replaceAll('-', '');
const SUDOERS = `/etc/sudoers.d/${PREFIX}`;
const SHARED = `/tmp/${PREFIX}-fleet`;

const anonymousVolumes: string[] = [];

e2e.after(() => {
  if (anonymousVolumes.length) podman('volume', 'rm', '--force', ...anonymousVolumes);
  rmSync(SUDOERS, { force: true });
  spawnSync('userdel', ['--remove', USER], { stdio: 'ignore' });
  remove(SHARED);
});

e2e('create.sh on distrobox 1.4 as a sudo user, then enter, update.sh, status.sh and rm', (context) => {
  if (spawnSync('sh', ['-c', 'command -v distrobox']).status !== 0)
    assert.unreachable('distrobox is not installed (scripts/setup-test-host.sh installs it)');
  assert.is(spawnSync('useradd', ['--create-home', '--shell', '/bin/sh', USER]).status, 0, `useradd ${USER}`);
  writeFileSync(SUDOERS, `${USER} ALL=(ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
  chmodSync(context.dir, 0o755);
  spawnSync('chmod', ['-R', 'a+rX', context.dir]);
  mkdirSync(SHARED, { recursive: true });
  writeFileSync(join(SHARED, 'file'), 'shared data\n');
  const as = (command: string) =>
    spawnSync('su', ['-s', '/bin/sh', USER, '-c', `cd /tmp && ${command}`], { encoding: 'utf8' });
  const fleet = join(context.out, 'fleet');
  const box = `${PREFIX}-box`;

  const created = as(`sh ${fleet}/create.sh`);
  assert.is(created.status, 0, created.stderr);
  assert.match(created.stderr, `${box}: creating`, created.stderr);
  assert.match(as(`sh ${fleet}/create.sh`).stderr, `${box}: exists, left as it is`);
  const inside = as(`distrobox enter --root ${box} -- sh -c "cat /etc/bw-hooked /opt/fleet/file; hostname"`);
  assert.is(inside.status, 0, inside.stderr);
  assert.match(inside.stdout, /first\nsecond\nshared data\nbwbox\n$/);
  // The failing init hook did not stop the start, and said so in the container's log.
  const logs = podman('logs', box);
  assert.match(logs.stdout + logs.stderr, 'an init hook failed and runs again');

  // A restart runs the start hook again, the init hooks that succeeded not, the failed one
  // again: now it succeeds.
  writeFileSync(join(SHARED, 'online'), '');
  podmanOk('stop', box);
  const again = as(`distrobox enter --root ${box} -- sh -c "cat /etc/bw-hooked /etc/bw-starts /etc/bw-retried"`);
  assert.is(again.status, 0, again.stderr);
  assert.is(again.stdout.replace(/^[\s\S]*?first/, 'first'), 'first\nsecond\nstart\nstart\nretried\n');

  // The container's service, in the background through distrobox enter, as the user runs it.
  const started = as(`sh ${fleet}/service.sh start`);
  assert.is(started.status, 0, started.stderr);
  assert.match(as(`sh ${fleet}/service.sh status`).stdout, new RegExp(`${box} +running \\(pid \\d+\\)`));
  const stopped = as(`sh ${fleet}/service.sh stop`);
  assert.is(stopped.status, 0, stopped.stderr);
  assert.match(as(`sh ${fleet}/service.sh status`).stdout, new RegExp(`${box} +stopped`));
  assert.match(as(`sh ${fleet}/service.sh logs ${box}`).stdout, 'serving');

  const updated = as(`sh ${fleet}/update.sh`);
  assert.is(updated.status, 0, updated.stderr);
  assert.match(updated.stdout, new RegExp(`${box} +upgraded`));
  assert.match(
    as(`sh ${fleet}/status.sh`).stdout,
    new RegExp(`${box} +running +root +${TEST_IMAGE}\\n${PREFIX}-later +absent +root,tpl +-`),
  );

  // distrobox 1.4 gives each container an anonymous volume (/var/log/journal) that its rm
  // leaves behind: remembered here, removed after.
  anonymousVolumes.push(
    ...podman(
      'container',
      'inspect',
      '--format',
      '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}',
      box,
    )
      .stdout.split(/\s+/)
      .filter(Boolean),
  );
  assert.is(as(`sh ${fleet}/create.sh rm`).status, 0);
  assert.match(as(`sh ${fleet}/status.sh`).stdout, new RegExp(`${box} +absent`));
});

e2e.run();
