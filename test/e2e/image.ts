// The image the end-to-end tests run: a minimal Debian made by debootstrap from Debian's
// packages (no image registry is reachable) and imported into podman. It is a cache shared
// by every run on the host: its tag carries a digest of the recipe, it is built under a
// lock (two runs may start at once), and older tags of it are removed when a new one is made.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers.ts';

const REPOSITORY = 'localhost/boxwright-test';
const PACKAGES = ['passwd', 'sudo', 'openssh-client', 'supervisor', 'tmux', 'procps', 'zsh'];
const RECIPE = createHash('sha256')
  .update(JSON.stringify(['bookworm', 'minbase', PACKAGES]))
  .digest('hex')
  .slice(0, 12);
export const TEST_IMAGE = `${REPOSITORY}:bookworm-${RECIPE}`;
const CACHE = join(ROOT, '.cache');

/**
 * Whether this process is the rootless run of a suite (test/e2e/rootless.test.ts starts it as
 * a user of its own, with the images already loaded into that user's storage).
 */
export const ROOTLESS = process.env.BOXWRIGHT_E2E_ROOTLESS === '1';

export function podmanAvailable(): string | undefined {
  const version = spawnSync('podman', ['version', '--format', '{{.Client.Version}}'], { encoding: 'utf8' });
  if (version.status !== 0) return 'podman is not installed (scripts/setup-test-host.sh installs it)';
  // Rootless, the suite is run by test/e2e/rootless.test.ts as a user it made for the run.
  if (process.getuid?.() !== 0 && !ROOTLESS)
    return 'the end-to-end tests run podman as root (rootless: test/e2e/rootless.test.ts)';
  return undefined;
}

export function dockerAvailable(): string | undefined {
  if (spawnSync('docker', ['info'], { stdio: 'ignore' }).status !== 0)
    return 'docker does not answer (scripts/setup-test-host.sh installs it and starts dockerd)';
  return undefined;
}

/** An image of podman's, copied into docker when docker lacks it (no registry is reachable). */
export function ensureDockerImage(image: string): void {
  const inDocker = () => spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status === 0;
  if (inDocker()) return;
  locked('docker-image', () => {
    if (inDocker()) return;
    run('sh', ['-c', 'podman save "$1" | docker load', 'sh', image]);
  });
}

function mirror(): string {
  try {
    const sources = readFileSync('/etc/apt/sources.list.d/debian.sources', 'utf8');
    const uri = /^URIs:\s*(\S+\/debian)\s*$/m.exec(sources);
    if (uri) return uri[1]!;
  } catch {
    // no deb822 sources: use the default mirror
  }
  return 'http://deb.debian.org/debian';
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr?.toString()}`);
}

function exists(image: string): boolean {
  return spawnSync('podman', ['image', 'exists', image]).status === 0;
}

/** Holds a lock folder while `work` runs; a lock older than 20 minutes is a dead run's. */
function locked(name: string, work: () => void): void {
  const lock = join(CACHE, `${name}.lock`);
  mkdirSync(CACHE, { recursive: true });
  const deadline = Date.now() + 20 * 60 * 1000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 20 * 60 * 1000)
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited 20 minutes for ${lock}`);
      spawnSync('sleep', ['1']);
    }
  }
  try {
    work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

const SERVICE_CONTEXT = join(ROOT, 'test/e2e/service-image');
const SERVICE_RECIPE = createHash('sha256')
  .update(RECIPE)
  .update(readFileSync(join(SERVICE_CONTEXT, 'Containerfile')))
  .update(readFileSync(join(SERVICE_CONTEXT, 'serve')))
  .digest('hex')
  .slice(0, 12);
/** The debootstrap image with a USER, an ENTRYPOINT and a CMD of its own (service-image/). */
export const SERVICE_IMAGE = `localhost/boxwright-test-service:${SERVICE_RECIPE}`;

export function ensureServiceImage(): string {
  ensureTestImage();
  if (exists(SERVICE_IMAGE)) return SERVICE_IMAGE;
  locked('service-image', () => {
    if (exists(SERVICE_IMAGE)) return;
    run('podman', [
      'build',
      '--quiet',
      '--build-arg',
      `BASE_IMAGE=${TEST_IMAGE}`,
      '--tag',
      SERVICE_IMAGE,
      SERVICE_CONTEXT,
    ]);
    removeOlder('localhost/boxwright-test-service', SERVICE_IMAGE);
  });
  return SERVICE_IMAGE;
}

function removeOlder(repository: string, current: string): void {
  const tags = spawnSync('podman', ['images', repository, '--format', '{{.Repository}}:{{.Tag}}'], {
    encoding: 'utf8',
  }).stdout.split('\n');
  const older = tags.filter((tag) => tag.startsWith(`${repository}:`) && tag !== current);
  if (older.length) spawnSync('podman', ['rmi', '--ignore', ...older]);
}

export function ensureTestImage(): string {
  if (exists(TEST_IMAGE)) return TEST_IMAGE;
  locked('test-image', () => {
    if (exists(TEST_IMAGE)) return;
    const tarball = join(CACHE, `rootfs-${RECIPE}.tar`);
    if (!existsSync(tarball)) {
      const rootfs = join(CACHE, `rootfs-${RECIPE}`);
      rmSync(rootfs, { recursive: true, force: true });
      run('debootstrap', ['--variant=minbase', `--include=${PACKAGES.join(',')}`, 'bookworm', rootfs, mirror()]);
      run('tar', ['-C', rootfs, '-cf', `${tarball}.part`, '.']);
      renameSync(`${tarball}.part`, tarball);
      rmSync(rootfs, { recursive: true, force: true });
    }
    run('podman', ['import', tarball, TEST_IMAGE]);
    removeOlder(REPOSITORY, TEST_IMAGE);
  });
  return TEST_IMAGE;
}
