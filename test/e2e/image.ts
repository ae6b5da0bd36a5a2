// The image the end-to-end tests run: a minimal Debian made by debootstrap from Debian's
// packages (no image registry is reachable) and imported into podman. Built once and
// reused; the rootfs tarball is cached in .cache/ too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers.ts';

export const TEST_IMAGE = 'localhost/boxwright-test:bookworm';
const PACKAGES = ['passwd', 'sudo', 'openssh-client', 'supervisor', 'tmux', 'procps'];

export function podmanAvailable(): string | undefined {
  const version = spawnSync('podman', ['version', '--format', '{{.Client.Version}}'], { encoding: 'utf8' });
  if (version.status !== 0) return 'podman is not installed (scripts/setup-test-host.sh installs it)';
  if (process.getuid?.() !== 0) return 'the end-to-end tests run podman as root';
  return undefined;
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

function run(command: string, args: string[], options: { input?: Buffer } = {}): Buffer {
  const result = spawnSync(command, args, { input: options.input, maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr?.toString()}`);
  return result.stdout;
}

export function ensureTestImage(): void {
  if (spawnSync('podman', ['image', 'exists', TEST_IMAGE]).status === 0) return;
  const cache = join(ROOT, '.cache');
  const tarball = join(cache, 'boxwright-test-rootfs.tar');
  if (!existsSync(tarball)) {
    const rootfs = join(cache, 'rootfs');
    mkdirSync(cache, { recursive: true });
    if (!existsSync(join(rootfs, 'usr/bin/supervisord'))) {
      run('debootstrap', ['--variant=minbase', `--include=${PACKAGES.join(',')}`, 'bookworm', rootfs, mirror()]);
    }
    run('tar', ['-C', rootfs, '-cf', tarball, '.']);
  }
  run('podman', ['import', tarball, TEST_IMAGE]);
}
