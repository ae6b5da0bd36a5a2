// Shared test helpers: temporary folders, the shells of the portability matrix, a stub
// container runtime that records its argv, and running the generator in-process.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../scripts/lib/cli.ts';
import { importMain } from '../scripts/lib/import/cli.ts';
import { suite, type Test } from 'uvu';
import * as assert from 'uvu/assert';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The shells every generated script must behave the same in; zsh runs in sh emulation. */
const ALL_SHELLS: readonly { name: string; argv: string[] }[] = [
  { name: 'dash', argv: ['dash'] },
  { name: 'bash', argv: ['bash', '--posix'] },
  { name: 'busybox', argv: ['busybox', 'sh'] },
  { name: 'yash', argv: ['yash'] },
  { name: 'mksh', argv: ['mksh'] },
  { name: 'zsh', argv: ['zsh', '--emulate', 'sh'] },
].map(({ name, argv: [command, ...rest] }) => ({ name, argv: [which(command!), ...rest] }));

/**
 * The shells the tests run scripts in: all six in `npm test` and CI. The fast loop
 * (BOXWRIGHT_TEST_PROFILE=fast) takes dash and bash, the usual /bin/sh and the usual login
 * shell, and one of the other four by turns (by the run's id), so that a few fast runs in a
 * row have met every shell.
 */
export const SHELLS: readonly { name: string; argv: string[] }[] =
  process.env.BOXWRIGHT_TEST_PROFILE === 'fast'
    ? [
        ALL_SHELLS[0]!,
        ALL_SHELLS[1]!,
        ALL_SHELLS[2 + (Number.parseInt(process.env.BOXWRIGHT_TEST_RUN ?? '0', 16) % 4 || 0)]!,
      ]
    : ALL_SHELLS;

/** Absolute path of a tool, so that tests may run scripts with a PATH that lacks it. */
export function which(tool: string): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  throw new Error(`${tool} is not installed: run scripts/setup-test-host.sh`);
}

export function tempDir(prefix = 'boxwright-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

export function remove(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

/** Runs the generator's CLI in-process and captures what it prints. */
export async function generate(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, cwd, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** Runs the importer's CLI (scripts/import.mjs) in-process and captures what it prints. */
export async function runImport(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await importMain(args, cwd, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** Compares with a golden file; UPDATE_GOLDEN=1 rewrites it first, to be reviewed in the diff. */
export function matchesGolden(actual: string, path: string): void {
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  assert.ok(existsSync(path), `${path} is missing (UPDATE_GOLDEN=1)`);
  assert.fixture(actual, readFileSync(path, 'utf8'));
}

/**
 * A folder for PATH holding stub `podman` and `docker` that write their argv, NUL-separated,
 * to $BW_ARGV_FILE and exit with $BW_STUB_EXIT (default 0). Queries are answered instead:
 * `container inspect` prints $BW_STUB_CONTAINER ("STATE DIGEST") when asked for the state,
 * else $BW_STUB_DETAILS; `image inspect` prints $BW_STUB_IMAGE (each fails, no such object,
 * where its variable is unset); `ps` prints $BW_STUB_PS ("NAME PORTS" lines).
 */
export function stubRuntimes(dir: string, names: readonly string[] = ['podman', 'docker']): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const name of names) {
    const path = join(bin, name);
    writeFileSync(
      path,
      [
        '#!/bin/sh',
        // Every call, one a line, where a test asks for the list.
        `[ -z "\${BW_STUB_LOG:-}" ] || printf '%s\\n' "$*" >>"$BW_STUB_LOG"`,
        'case "$1 $2" in',
        `  'container inspect')`,
        `    [ -n "\${BW_STUB_CONTAINER+set}" ] || exit 1`,
        `    case $* in *State.Status*) printf '%s\\n' "$BW_STUB_CONTAINER" ;; *) printf '%s\\n' "\${BW_STUB_DETAILS:-}" ;; esac`,
        `    exit 0 ;;`,
        // $BW_STUB_IMAGES: a file of images here, a line each: NAME ID [PARENT-LABEL].
        `  'image inspect') if [ -n "\${BW_STUB_IMAGES:-}" ]; then '${which('awk')}' -v name="\${5:-$3}" -v format="$4" '$1 == name { print (format ~ /[.]Id/ ? $2 : $3); found = 1 } END { exit !found }' "$BW_STUB_IMAGES"; exit; fi`,
        `    [ -n "\${BW_STUB_IMAGE+set}" ] || exit 1; printf '%s\\n' "$BW_STUB_IMAGE"; exit 0 ;;`,
        `  'ps --format') printf '%s\\n' "\${BW_STUB_PS:-}"; exit 0 ;;`,
        // podman info's rootless answer, or where the images are ($BW_STUB_STORE), and the ids
        // that id prints in the image (rootless.sh).
        `  'info --format') case $3 in *GraphRoot* | *DockerRootDir*) printf '%s\\n' "\${BW_STUB_STORE:-}" ;; *) printf '%s\\n' "\${BW_STUB_ROOTLESS:-false}" ;; esac; exit 0 ;;`,
        `  'run --rm') if [ "$3 $5 $6" = '--user --entrypoint id' ]; then [ -n "\${BW_STUB_IDS:-}" ] || exit 125; printf '%s\\n' "$BW_STUB_IDS"; exit 0; fi ;;`,
        'esac',
        `printf '%s\\0' "\${0##*/}" "$@" >"$BW_ARGV_FILE"`,
        'exit "${BW_STUB_EXIT:-0}"',
        '',
      ].join('\n'),
    );
    chmodSync(path, 0o755);
  }
  return bin;
}

/** A folder for the front of PATH whose `awk` is busybox's, made inside `dir`. */
export function busyboxAwkFolder(dir: string): string {
  const folder = join(dir, 'busybox-awk');
  mkdirSync(folder);
  symlinkSync(which('busybox'), join(folder, 'awk'));
  return folder;
}

/** PATH with only the basics, so that no real podman, docker or nvidia-smi is found. */
export function isolatedPath(...first: string[]): string {
  const basics = join(tmpdir(), 'boxwright-basics-links');
  mkdirSync(basics, { recursive: true });
  for (const tool of [
    'printf',
    'basename',
    'mkdir',
    'cat',
    'env',
    'date',
    'sed',
    'cksum',
    'find',
    'sort',
    'rm',
    'chmod',
  ]) {
    if (existsSync(join(basics, tool))) continue;
    // Made aside and renamed: another test process may be running these right now.
    const temporary = join(basics, `.${tool}.${process.pid}`);
    symlinkSync(which(tool), temporary);
    renameSync(temporary, join(basics, tool));
  }
  return [...first, basics].join(':');
}

export function runScript(
  shell: { argv: string[] },
  script: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; input?: string } = {},
): SpawnSyncReturns<string> {
  const [command, ...shellArgs] = shell.argv;
  return spawnSync(command!, [...shellArgs, script, ...args], {
    encoding: 'utf8',
    env: { HOME: '/home/tester', LANG: 'C.UTF-8', ...options.env },
    cwd: options.cwd,
    input: options.input ?? '',
  });
}

export function readArgv(file: string): string[] {
  const raw = readFileSync(file, 'utf8');
  return raw.split('\0').slice(0, -1);
}

/**
 * Golden text with config digests as <digest>: a digest covers every path on the command
 * line, so it differs between checkouts. (Each test checks that all shells agree on it.)
 */
export function withoutDigests(text: string): string {
  return text.replace(/io\.boxwright\.digest=\d+(?:-\d+)?/g, 'io.boxwright.digest=<digest>');
}

/**
 * How many random samples a property test runs: `full` in `npm test` and CI; in `npm run
 * test:fast` (BOXWRIGHT_TEST_PROFILE=fast) `fast`, by default a third of it, fewer for the
 * tests whose every sample starts dozens of processes; or BOXWRIGHT_PROPERTY_RUNS when set
 * (a soak: BOXWRIGHT_PROPERTY_RUNS=300).
 */
export function propertyRuns(full: number, fast = Math.max(5, Math.ceil(full / 3))): number {
  const asked = process.env.BOXWRIGHT_PROPERTY_RUNS;
  if (asked) return Number(asked);
  return process.env.BOXWRIGHT_TEST_PROFILE === 'fast' ? fast : full;
}

/**
 * A uvu suite whose before hook reports its own failure: uvu drops an error thrown in a
 * before hook (its runner returns from finally) and runs the after hook anyway, whose own
 * error (a handle the before hook never made) would then hide the real one. Here the before
 * hook's error fails every test, as itself, and an after hook that fails once the before
 * hook did is quiet.
 */
export function setupSuite<T extends object>(name: string): Test<T> {
  const tests = suite<T & { [SETUP_ERROR]?: unknown }>(name);
  const before = tests.before;
  const after = tests.after;
  const guarded = Object.assign(
    (hook: (context: T) => unknown) =>
      before(async (context) => {
        try {
          await hook(context);
        } catch (error) {
          context[SETUP_ERROR] = error;
        }
      }),
    { each: before.each },
  );
  const tolerant = Object.assign(
    (hook: (context: T) => unknown) =>
      after(async (context) => {
        try {
          await hook(context);
        } catch (error) {
          if (context[SETUP_ERROR] === undefined) throw error;
        }
      }),
    { each: after.each },
  );
  before.each((context) => {
    if (context[SETUP_ERROR] !== undefined) throw context[SETUP_ERROR];
  });
  return Object.assign(tests, { before: guarded, after: tolerant }) as unknown as Test<T>;
}

const SETUP_ERROR = Symbol('the before hook’s error');
