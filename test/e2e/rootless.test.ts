// The end-to-end suites again on rootless podman, the default on Fedora-family workstations:
// a user made for this run (its name carries the run's id), with subordinate ids and the
// images loaded into its own storage, runs the lifecycle suite and seed 003's (whose user
// kvothe writes host folders that the host user owns, which only the launcher's
// --userns=keep-id mapping allows). Needs root, sudo and newuidmap (setup-test-host.sh).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { remove, ROOT, tempDir } from '../helpers.ts';
import { ensureServiceImage, podmanAvailable, SERVICE_IMAGE, TEST_IMAGE } from './image.ts';
import { RUN } from './support.ts';

const SUITES = ['test/e2e/lifecycle.test.ts', 'test/e2e/zephyr.test.ts'];
const USER = `bwr-${RUN}-${randomBytes(2).toString('hex')}`;

interface Context {
  setupError?: Error;
  /** Whether the user was made, and so is removed after. */
  made: boolean;
  dir: string;
  /** The checkout as the user reads it: this one, or a linked copy where it cannot. */
  checkout: string;
  home: string;
}

// From /, which every user can enter: sudo goes on in the folder it was run from.
function run(command: string, args: string[]) {
  return spawnSync(command, args, { encoding: 'utf8', cwd: '/' });
}

function ok(command: string, args: string[]): string {
  const result = run(command, args);
  assert.is(result.status, 0, `${command} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** A command as the run's user, with its own home and the PATH of this process. */
function asUser(args: string[], env: Record<string, string> = {}, cwd = '/') {
  const vars = Object.entries({ PATH: process.env.PATH ?? '', ...env }).map(([k, v]) => `${k}=${v}`);
  return spawnSync('sudo', ['-u', USER, '-H', 'env', ...vars, ...args], { encoding: 'utf8', cwd, maxBuffer: 1 << 28 });
}

function whyNot(): string | undefined {
  if (process.getuid?.() !== 0) return 'making a user for the rootless run needs root';
  const podman = podmanAvailable();
  if (podman) return podman;
  for (const tool of ['sudo', 'useradd', 'newuidmap', 'newgidmap'])
    if (run('sh', ['-c', `command -v ${tool}`]).status !== 0)
      return `${tool} is missing (scripts/setup-test-host.sh installs it)`;
  return undefined;
}

/** Subordinate ids of the run's own, apart from other runs' (the run id picks the range). */
function subordinateRange(): string {
  const first = 1_000_000 + (Number.parseInt(RUN ?? '0', 16) % 4000) * 65_536;
  return `${first}-${first + 65_535}`;
}

function makeUser(context: Context): void {
  ok('useradd', ['--create-home', '--shell', '/bin/sh', USER]);
  context.made = true;
  context.home = ok('sh', ['-c', `getent passwd "$1" | cut -d: -f6`, 'sh', USER]).trim();
  ok('usermod', ['--add-subuids', subordinateRange(), '--add-subgids', subordinateRange(), USER]);
  // Overlay, which rootless podman supports on this kernel; without the file it picks vfs,
  // which copies the whole image for every container.
  const config = join(context.home, '.config/containers');
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, 'storage.conf'), '[storage]\ndriver = "overlay"\n');
  ok('chown', ['-R', `${USER}:`, join(context.home, '.config')]);
  for (const image of [TEST_IMAGE, SERVICE_IMAGE])
    ok('sh', ['-c', 'podman save "$1" | sudo -u "$2" -H podman load', 'sh', image, USER]);
}

/** This checkout if the user can read it (not under /root, say), else a copy of linked files. */
function readableCheckout(context: Context): string {
  if (asUser(['test', '-r', join(ROOT, 'package.json')]).status === 0) return ROOT;
  const copy = join(context.dir, 'checkout');
  const linked = run('cp', ['-al', ROOT, copy]);
  if (linked.status !== 0) cpSync(ROOT, copy, { recursive: true });
  return copy;
}

const rootless = suite<Context>('e2e: rootless podman');
const unavailable = whyNot();
if (unavailable) process.stderr.write(`e2e: rootless podman: skipped: ${unavailable}\n`);

// uvu drops an exception thrown in a before-hook: setup keeps its error, and every test fails with it.
rootless.before((context) => {
  context.made = false;
  if (unavailable) return;
  try {
    ensureServiceImage();
    context.dir = tempDir(`${USER}-`);
    ok('chmod', ['755', context.dir]);
    makeUser(context);
    context.checkout = readableCheckout(context);
  } catch (error) {
    context.setupError = error as Error;
  }
});
rootless.before.each((context) => {
  if (context.setupError) throw context.setupError;
});

rootless.after((context) => {
  if (context.made) {
    // Rootless podman leaves processes behind (its pause process, conmon): they go first, found
    // in /proc (a fresh host may have no pkill), else userdel refuses.
    const uid = Number(ok('id', ['-u', USER]).trim());
    for (let round = 0; round < 3 && killAll(uid) > 0; round++) spawnSync('sleep', ['0.5']);
    const removed = run('userdel', ['--remove', USER]);
    assert.is(removed.status, 0, `userdel ${USER}: ${removed.stderr}`);
  }
  if (context.dir) remove(context.dir);
});

/** Kills every process of the uid; how many there were. */
function killAll(uid: number): number {
  let killed = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let status: string;
    try {
      status = readFileSync(`/proc/${entry}/status`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    if (Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) !== uid) continue;
    try {
      process.kill(Number(entry), 'SIGKILL');
      killed++;
    } catch {
      // gone meanwhile
    }
  }
  return killed;
}

for (const file of SUITES) {
  (unavailable ? rootless.skip : rootless)(`${file} passes as a user of its own, on rootless podman`, (context) => {
    const result = asUser(
      [process.execPath, '--import', 'tsx', file],
      { BOXWRIGHT_E2E_ROOTLESS: '1', BOXWRIGHT_TEST_RUN: RUN ?? '', FORCE_COLOR: '0' },
      context.checkout,
    );
    const output = `${result.stdout}${result.stderr}`;
    const total = Number(/Total:\s+(\d+)/.exec(output)?.[1] ?? 0);
    const passed = Number(/Passed:\s+(\d+)/.exec(output)?.[1] ?? -1);
    assert.ok(result.status === 0 && total > 0 && passed === total, output);
    assert.match(output, /Skipped:\s+0/, output);
  });
}

rootless.run();
