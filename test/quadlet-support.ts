// Podman's own Quadlet (4.9.5, vendored in test/vendor/quadlet, see its README) run on generated units, and
// their ExecStart= read as systemd runs it.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandCommandLine } from '../scripts/lib/unit/syntax.ts';
import { ROOT } from './helpers.ts';

export const QUADLET = join(ROOT, 'test/vendor/quadlet/quadlet');

/** The home folder %h stands for in these tests, as HOME is for launch.sh. */
export const TEST_HOME = '/home/tester';

/** quadlet -dryrun on a folder of units: each service's text by its name, and stderr. */
export function quadletDryRun(folder: string): { services: Map<string, string>; stderr: string; status: number } {
  const run = spawnSync(QUADLET, ['-dryrun'], {
    encoding: 'utf8',
    env: { QUADLET_UNIT_DIRS: folder, PATH: process.env.PATH ?? '' },
  });
  const services = new Map<string, string>();
  for (const [, name, body] of run.stdout.matchAll(/^---(.+?)---\n([\s\S]*?)(?=^---|(?![\s\S]))/gm))
    services.set(name!, body!);
  return { services, stderr: run.stderr, status: run.status ?? 1 };
}

/** A service's ExecStart= as the argv systemd runs (specifiers and $$ expanded). */
export function execStartOf(service: string, unit: string): string[] {
  const line = /^ExecStart=(.*)$/m.exec(service)?.[1];
  if (line === undefined) throw new Error(`${unit}.service has no ExecStart=`);
  return expandCommandLine(line, {
    h: TEST_HOME,
    t: '/run/user/0',
    N: unit,
    n: `${unit}.service`,
    U: '0',
    G: '0',
    u: 'tester',
  });
}

/** The ExecStart argv of <unit>.service made from the units of `folder`. */
export function quadletExecStart(folder: string, unit: string): string[] {
  const { services, stderr, status } = quadletDryRun(folder);
  const service = services.get(`${unit}.service`);
  if (!service) throw new Error(`quadlet made no ${unit}.service (exit ${status}):\n${stderr}`);
  return execStartOf(service, unit);
}

/** Options that take no value, in the forms launch.sh and Quadlet write. */
const SWITCHES = new Set([
  '--rm',
  '--replace',
  '-d',
  '--detach',
  '--init',
  '--privileged',
  '-i',
  '--interactive',
  '-t',
  '--tty',
  '--read-only',
]);
const LONG: Record<string, string> = {
  '-v': '--volume',
  '-e': '--env',
  '-p': '--publish',
  '-d': '--detach',
  '-w': '--workdir',
  '-h': '--hostname',
  '-l': '--label',
  '-m': '--memory',
  '-u': '--user',
  '--net': '--network',
};
/**
 * Set aside: Quadlet's bookkeeping (the list), launch.sh's --detach and its digest
 * label (up's own check), and --restart, which a unit leaves to systemd's Restart=.
 */
const BOOKKEEPING = new Set(['--cidfile', '--replace', '--rm', '--cgroups', '--sdnotify', '--detach', '--restart']);

export interface RunOptions {
  /** "FLAG VALUE" (or FLAG), sorted: the order of options does not change the container. */
  options: string[];
  image: string;
  command: string[];
}

/**
 * A `podman run` argv as the container it makes: options by their long names, a secret by
 * what the container sees (an env secret as --env NAME, as launch.sh passes it), paths
 * without a trailing /., capabilities in upper case, ports with their protocol.
 */
export function runOptions(argv: readonly string[], secretFiles: readonly string[] = []): RunOptions {
  const options: string[] = [];
  let i = argv.indexOf('run') + 1;
  for (; i < argv.length && argv[i]!.startsWith('-'); i++) {
    const token = argv[i]!;
    const at = token.indexOf('=');
    let flag = at > 0 ? token.slice(0, at) : token;
    flag = LONG[flag] ?? flag;
    const value = at > 0 ? token.slice(at + 1) : SWITCHES.has(flag) ? undefined : argv[++i];
    if (BOOKKEEPING.has(flag) || (flag === '--label' && value?.startsWith('io.boxwright.digest='))) continue;
    options.push(normalised(flag, value, secretFiles));
  }
  return { options: options.sort(), image: argv[i] ?? '', command: argv.slice(i + 1) };
}

function normalised(flag: string, value: string | undefined, secretFiles: readonly string[]): string {
  if (value === undefined) return flag;
  if (flag === '--cap-add' || flag === '--cap-drop') return `${flag} ${value.toUpperCase()}`;
  // podman publishes tcp when the spec says no protocol.
  if (flag === '--publish' && !value.includes('/')) return `${flag} ${value}/tcp`;
  if (flag === '--secret') {
    const fields = Object.fromEntries(
      value
        .split(',')
        .slice(1)
        .map((f) => f.split('=')),
    );
    return fields.type === 'mount' ? `secret-file ${fields.target}` : `--env ${fields.target}`;
  }
  if (flag === '--volume') {
    const [source, target, ...rest] = value.split(':');
    if (secretFiles.includes(target!)) return `secret-file ${target}`;
    return `--volume ${[source!.replace(/\/\.?$/, ''), target, ...rest].join(':')}`;
  }
  return `${flag} ${value}`;
}

/**
 * A folder for PATH with a stub podman for installing units: `image inspect` prints
 * $BW_STUB_IMAGE (the image's USER, counts, ENTRYPOINT, CMD and ENV, as launch.sh asks),
 * `version` a podman with Quadlet, every other inspect finds nothing, and the rest succeed.
 */
export function unitStub(dir: string): string {
  const bin = join(dir, 'unit-stub');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'podman'),
    [
      '#!/bin/sh',
      'case "$1 $2" in',
      `  'image inspect') printf '%s\\n' "$BW_STUB_IMAGE"; exit 0 ;;`,
      `  'version --format') echo 4.9.5; exit 0 ;;`,
      `  'info --format') printf '%s\\n' "\${BW_STUB_ROOTLESS:-false}"; exit 0 ;;`,
      '  *" inspect") exit 1 ;;',
      'esac',
      'exit 0',
      '',
    ].join('\n'),
  );
  chmodSync(join(bin, 'podman'), 0o755);
  return bin;
}

/** What the stub's image inspect prints for an image with this USER, ENTRYPOINT, CMD and ENV. */
export function imageConfig(user: string, entrypoint: string[], cmd: string[], env: string[]): string {
  return [user, `${entrypoint.length} ${cmd.length} ${env.length}`, ...entrypoint, ...cmd, ...env].join('\n');
}

/** The words of a command line that print_command wrote, as sh reads them. */
export function shellWords(line: string): string[] {
  const read = spawnSync('/bin/sh', ['-c', `eval "set -- $1"; printf '%s\\0' "$@"`, 'sh', line], { encoding: 'utf8' });
  if (read.status !== 0) throw new Error(`cannot read ${line}: ${read.stderr}`);
  return read.stdout.split('\0').slice(0, -1);
}
