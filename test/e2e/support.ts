// What every end-to-end suite shares: the run id that names everything a run creates, the
// configs rewritten to carry it, runtime helpers (podman, and docker where its daemon runs),
// and the skip when podman cannot run here.
// Two runs on one host never share a container, network, volume, image or user name, and
// each removes only what carries its own run id.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { suite, type Test } from 'uvu';
import * as assert from 'uvu/assert';
import { generate, remove, ROOT, tempDir } from '../helpers.ts';
import {
  dockerAvailable,
  ensureDockerImage,
  ensureServiceImage,
  podmanAvailable,
  ROOTLESS,
  SERVICE_IMAGE,
  TEST_IMAGE,
} from './image.ts';

export { ROOTLESS, SERVICE_IMAGE, TEST_IMAGE };

/**
 * This run's id: set once by scripts/test.mjs for all its processes, else made here. Short
 * and lowercase, because it ends up in container, volume and user names.
 */
process.env.BOXWRIGHT_TEST_RUN ??= randomBytes(3).toString('hex');
export const RUN = process.env.BOXWRIGHT_TEST_RUN;
/**
 * The prefix of every name this suite creates: the run's id and this process's own, since
 * the suites of one run go on side by side and each removes only what it made.
 */
export const PREFIX = `bw-${RUN}-${randomBytes(2).toString('hex')}`;

export type Runtime = 'podman' | 'docker';

/**
 * The runtimes the suites that take one run on: podman, and docker where its daemon answers
 * (scripts/setup-test-host.sh starts it); where it does not, the docker tests are skipped.
 * The rootless run is podman's alone: docker's daemon is root's.
 */
export const RUNTIMES: readonly Runtime[] = ROOTLESS ? ['podman'] : ['podman', 'docker'];

export function runtime(name: Runtime, ...args: string[]) {
  return spawnSync(name, args, { encoding: 'utf8' });
}

export function podman(...args: string[]) {
  return runtime('podman', ...args);
}

/**
 * Runs the runtime and fails the test with what it said when it fails. podman's own errors
 * (exit 125) can be transient on a loaded 2-core host, where three suites run at once: one
 * such failure is retried, and said on stderr, so a real one still fails the test.
 */
export function runtimeOk(name: Runtime, ...args: string[]): string {
  let result = runtime(name, ...args);
  if (result.status === 125) {
    process.stderr.write(`${name} ${args.join(' ')} failed (${result.stderr.trim()}); retrying once\n`);
    spawnSync('sleep', ['2']);
    result = runtime(name, ...args);
  }
  assert.is(result.status, 0, `${name} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

export function podmanOk(...args: string[]): string {
  return runtimeOk('podman', ...args);
}

export function inContainer(name: string, script: string, user?: string, on: Runtime = 'podman'): string {
  const result = runtime(on, 'exec', ...(user ? ['--user', user] : []), name, 'sh', '-c', script);
  assert.is(result.status, 0, result.stderr);
  return result.stdout;
}

export function waitFor(check: () => boolean, what: string, seconds = 60): void {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (check()) return;
    spawnSync('sleep', ['0.5']);
  }
  assert.unreachable(`timed out waiting for ${what}`);
}

const handedOut = new Set<number>();

/**
 * A TCP port that nothing listens on now, chosen by the kernel, and not handed out before in
 * this run: the kernel may offer a port again once its probe closed, and two configs of one
 * tree publishing the same port would clash.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await probePort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

function probePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Replaces every match of `pattern` with what `replace` makes of it, awaiting each in turn. */
async function replaceAsync(
  text: string,
  pattern: RegExp,
  replace: (match: string) => Promise<string>,
): Promise<string> {
  const parts: string[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    parts.push(text.slice(last, match.index), await replace(match[0]));
    last = match.index + match[0].length;
  }
  return parts.join('') + text.slice(last);
}

/**
 * Copies the real configs, the end-to-end configs and the catalog build contexts into `dir`
 * with every name made per-run: `bw-e2e` becomes this run's prefix, seed 001's volumes and
 * seed 002's images get it in front, and the test image is named by its current tag. Host
 * ports become free ones (two suites or two runs publish the seeds' ports at once), and
 * fixed subnets are dropped so that podman picks a free one.
 */
export async function writeRunTree(dir: string): Promise<void> {
  const renamed = (text: string) =>
    text
      .replaceAll('localhost/boxwright-test:bookworm', TEST_IMAGE)
      .replaceAll('localhost/boxwright-test-service', SERVICE_IMAGE)
      .replaceAll('bw-e2e', PREFIX)
      .replaceAll('turbo-flow-unified', `${PREFIX}-turbo-flow-unified`)
      .replaceAll('"prefix": "codeopen"', `"prefix": "${PREFIX}-codeopen"`)
      .replaceAll('"image": "codeopen-', `"image": "${PREFIX}-codeopen-`)
      .replace(/,\s*"subnet": "[^"]*"/g, '');
  const withFreePorts = async (text: string) => {
    const hosts = await replaceAsync(text, /"host": \d+/g, async () => `"host": ${await freePort()}`);
    return replaceAsync(
      hosts,
      /"ports": \[[\d,\s]+\]/g,
      async (list) => `"ports": [${(await Promise.all(list.match(/\d+/g)!.map(() => freePort()))).join(', ')}]`,
    );
  };
  const copy = async (from: string, to: string): Promise<void> => {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      if (entry.isDirectory()) await copy(join(from, entry.name), join(to, entry.name));
      else
        writeFileSync(join(to, entry.name), await withFreePorts(renamed(readFileSync(join(from, entry.name), 'utf8'))));
    }
  };
  for (const part of [
    'configs',
    'test/e2e/configs',
    'test/e2e/catalog',
    'test/e2e/build-context',
    'test/e2e/devbox-context',
    'test/e2e/features',
  ])
    await copy(join(ROOT, part), join(dir, part));
}

/** Everything this run created: pods, containers, networks, volumes, images and secrets. */
export function removeRunObjects(): void {
  removePodmanObjects();
  if (!dockerAvailable()) removeDockerObjects();
}

/** The names of this run's objects of one kind, as the runtime lists them. */
function ours(on: Runtime, kind: string[], format: string): string[] {
  return runtime(on, ...kind, '--format', format)
    .stdout.split('\n')
    .filter((name) => name.includes(PREFIX));
}

function removeDockerObjects(): void {
  const containers = ours('docker', ['ps', '--all'], '{{.Names}}');
  if (containers.length) runtime('docker', 'rm', '--force', '--volumes', ...containers);
  const networks = ours('docker', ['network', 'ls'], '{{.Name}}');
  if (networks.length) runtime('docker', 'network', 'rm', ...networks);
  const volumes = ours('docker', ['volume', 'ls'], '{{.Name}}');
  if (volumes.length) runtime('docker', 'volume', 'rm', '--force', ...volumes);
  const images = ours('docker', ['images'], '{{.Repository}}:{{.Tag}}');
  if (images.length) runtime('docker', 'rmi', '--force', ...images);
}

function removePodmanObjects(): void {
  // Pods first (podman kube play's), with their containers; then what is left.
  const pods = ours('podman', ['pod', 'ps'], '{{.Name}}');
  if (pods.length) podman('pod', 'rm', '--force', ...pods);
  const containers = ours('podman', ['ps', '--all'], '{{.Names}}');
  if (containers.length) podman('rm', '--force', '--volumes', '--ignore', '-t', '0', ...containers);
  const networks = ours('podman', ['network', 'ls'], '{{.Name}}');
  if (networks.length) podman('network', 'rm', '--force', ...networks);
  const volumes = ours('podman', ['volume', 'ls'], '{{.Name}}');
  if (volumes.length) podman('volume', 'rm', '--force', ...volumes);
  const images = ours('podman', ['images'], '{{.Repository}}:{{.Tag}}');
  if (images.length) podman('rmi', '--force', '--ignore', ...images);
  const secrets = ours('podman', ['secret', 'ls'], '{{.Name}}');
  if (secrets.length) podman('secret', 'rm', ...secrets);
}

export interface E2eContext {
  /** A private folder of this suite, removed after it. */
  dir: string;
  /** test/e2e/configs, per run, compiled here: generated/<name>/ for each. */
  out: string;
  /** The real configs (configs/), per run, compiled here. */
  seeds: string;
  /** A home folder with an SSH key pair, as a user's would be. */
  home: string;
  /** The per-run copy of the configs (see writeRunTree), which tests may change and recompile. */
  tree: string;
  setupError?: Error;
  /** The runtime the suite runs on: the generated scripts get it as BOXWRIGHT_RUNTIME. */
  runtime: Runtime;
}

/**
 * Rootless podman finds its storage and configuration from HOME: the scripts, run with the
 * suite's home, reach the user's own (where its images were loaded) through links.
 */
function shareContainerStorage(home: string): void {
  // CNI keeps a rootless user's networks in ~/.config/cni.
  for (const part of ['.local/share/containers', '.config/containers', '.config/cni']) {
    mkdirSync(join(homedir(), part), { recursive: true });
    mkdirSync(join(home, part, '..'), { recursive: true });
    symlinkSync(join(homedir(), part), join(home, part));
  }
}

async function setUp(context: E2eContext): Promise<void> {
  ensureServiceImage();
  context.dir = tempDir(`${PREFIX}-`);
  context.out = join(context.dir, 'generated');
  context.seeds = join(context.dir, 'generated-seeds');
  context.home = join(context.dir, 'home');
  mkdirSync(join(context.home, '.ssh'), { recursive: true });
  writeFileSync(join(context.home, '.ssh/id_ed25519'), 'PRIVATE KEY\n', { mode: 0o644 });
  writeFileSync(join(context.home, '.ssh/id_ed25519.pub'), 'PUBLIC KEY\n', { mode: 0o644 });
  if (ROOTLESS) shareContainerStorage(context.home);
  context.tree = join(context.dir, 'tree');
  await writeRunTree(context.tree);
  for (const [configs, out] of [
    ['test/e2e/configs', context.out],
    ['configs', context.seeds],
  ] as const) {
    const result = await generate(['--configs', configs, '--out', out, '--quiet'], context.tree);
    assert.is(result.code, 0, result.err);
  }
}

/**
 * A suite of end-to-end tests. Where podman cannot run, every test is registered as skipped
 * (uvu counts them as skipped) and the reason is printed once.
 */
export function e2eSuite(name: string, on: Runtime = 'podman'): Test<E2eContext> {
  const unavailable = podmanAvailable() ?? (on === 'docker' ? dockerAvailable() : undefined);
  const tests = suite<E2eContext>(name);
  if (unavailable) {
    process.stderr.write(`${name}: skipped: ${unavailable}\n`);
    // uvu still runs before-hooks when every test is skipped, so none are registered here.
    const skipping = ((title: string, handler: Parameters<Test<E2eContext>>[1]) =>
      tests.skip(title, handler)) as Test<E2eContext>;
    return Object.assign(skipping, {
      run: tests.run,
      skip: tests.skip,
      only: tests.skip,
      before: tests.before,
      after: tests.after,
    });
  }
  // uvu drops an exception thrown in a before-hook (its runner returns from finally), so
  // setup keeps its error and every test fails with it instead.
  tests.before(async (context) => {
    context.runtime = on;
    try {
      await setUp(context);
      if (on === 'docker') for (const image of [TEST_IMAGE, SERVICE_IMAGE]) ensureDockerImage(image);
    } catch (error) {
      context.setupError = error as Error;
    }
  });
  tests.before.each((context) => {
    if (context.setupError) throw context.setupError;
  });
  tests.after(({ dir }) => {
    removeRunObjects();
    if (dir) remove(dir);
  });
  return tests;
}

/** Runs a script generated from test/e2e/configs as a user would: from their home, with their PATH. */
export function runGenerated(
  context: E2eContext,
  config: string,
  script: string,
  args: string[],
  env: Record<string, string> = {},
) {
  return runScriptAt(context.out, context, config, script, args, env);
}

/** The same for a script generated from one of the real configs (configs/). */
export function runSeed(
  context: E2eContext,
  config: string,
  script: string,
  args: string[],
  env: Record<string, string> = {},
) {
  return runScriptAt(context.seeds, context, config, script, args, env);
}

/** The same for a script generated into `out` (a test's own configs). */
export function runScriptAt(
  out: string,
  context: E2eContext,
  config: string,
  script: string,
  args: string[],
  env: Record<string, string>,
) {
  return spawnSync('sh', [join(out, config, script), ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: context.home, BOXWRIGHT_RUNTIME: context.runtime, ...env },
    cwd: context.home,
  });
}

/**
 * Seed 003's project on this host: its folders, owned by the host user whose uid kvothe
 * shares (as on the seed's host; rootless, by the host user whatever its uid), and an image
 * that behaves like its own (zephyr-image/).
 */
export function zephyrProject(
  context: E2eContext,
  tag: string,
  on: Runtime = 'podman',
): { infra: string; workspace: string; image: string } {
  const infra = join(context.dir, 'infra');
  const workspace = join(context.dir, 'workspace');
  for (const dir of [
    workspace,
    ...['monorepo_home', 'spack_store', 'bazel_cache', 'config'].map((d) => join(infra, PREFIX, d)),
  ]) {
    mkdirSync(dir, { recursive: true });
    // Rootless, they are the host user's own, and the launcher maps kvothe to that user.
    if (!ROOTLESS) chownSync(dir, 1000, 1000);
  }
  // The seed's container/entrypoints/default.sh, as its checkout has it: the command given, else a login shell.
  const entrypoints = join(workspace, 'container/entrypoints');
  mkdirSync(entrypoints, { recursive: true });
  writeFileSync(join(entrypoints, 'default.sh'), '#!/bin/sh\n[ "$#" -eq 0 ] || exec "$@"\nexec bash -l\n', {
    mode: 0o755,
  });
  const image = `localhost/${PREFIX}-zephyr:${tag}`;
  runtimeOk(
    on,
    'build',
    '--quiet',
    '--build-arg',
    `BASE_IMAGE=${TEST_IMAGE}`,
    '--tag',
    image,
    // docker looks for a Dockerfile unless told.
    '--file',
    join(ROOT, 'test/e2e/zephyr-image/Containerfile'),
    join(ROOT, 'test/e2e/zephyr-image'),
  );
  return { infra, workspace, image };
}
