// What the compose tests share: podman-compose's dry run (Debian's 1.0.3) and a stack's, read
// as the containers they run, in the terms both write alike; and the multi-service projects of
// test/import/compose/ they are compared on.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as assert from 'uvu/assert';
import { rowOfFlag, takesValue } from '../scripts/lib/keys/options.ts';
import { isolatedPath, ROOT, stubRuntimes } from './helpers.ts';

export const FIXTURES = join(ROOT, 'test/import/compose');
export const podmanCompose = spawnSync('podman-compose', ['--help']).status === 0;

/**
 * A --volume as both sides mean it: podman-compose mounts a secret's file by its path as
 * written, which podman reads from the compose file's folder (podman-compose runs there), and
 * with rprivate,rbind, which a bind mount is anyway.
 */
export function volume(value: string, folder: string): string {
  const [source, ...rest] = value.replace(/,rprivate,rbind$/, '').split(':');
  const placed = source!.includes('/') && !source!.startsWith('/') ? join(folder, source!) : source!;
  return [placed, ...rest].join(':');
}

/** NAME=value lines of an env file, as podman reads them (comments and blank lines aside). */
export function envFileLines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => line.trim().replace(/^export\s+/, ''))
    .filter((line) => line && !line.startsWith('#'));
}

/** A container as a podman run line says it, in the terms both sides write alike. */
export interface Run {
  name: string;
  image: string;
  env: string[];
  volumes: string[];
  network: string[];
  ports: string[];
  restart?: string;
  health?: string;
  capabilities: string[];
  command: string;
}

/**
 * A `podman run` argv as the fields above. podman-compose prints its commands joined by
 * spaces: a word of several is split there, so the command is compared as its words joined.
 */
export function readRun(argv: string[], env: Record<string, string>, folder: string): Run {
  const run: Run = { name: '', image: '', env: [], volumes: [], network: [], ports: [], capabilities: [], command: '' };
  let i = argv.indexOf('run') + 1;
  const valued = new Set([
    '--name',
    '-e',
    '--env',
    '-v',
    '--volume',
    '--net',
    '--network',
    '--network-alias',
    '-p',
    '--publish',
    '--restart',
    '--healthcheck-command',
    '--health-cmd',
    '--cap-add',
    '--label',
    '--env-file',
    '--healthcheck-interval',
    '--health-interval',
    '--healthcheck-retries',
    '--health-retries',
  ]);
  for (; i < argv.length; i++) {
    const [flag, inline] =
      argv[i]!.startsWith('--') && argv[i]!.includes('=') ? argv[i]!.split(/=(.*)/s) : [argv[i]!, undefined];
    if (!flag.startsWith('-')) break;
    // Any other run option of the key table that takes a value is skipped with it.
    const row = rowOfFlag(flag!);
    if (!valued.has(flag!) && !(row && takesValue(row))) continue;
    const value = inline ?? argv[++i]!;
    if (flag === '--name') run.name = value;
    else if (flag === '-e' || flag === '--env') run.env.push(value.includes('=') ? value : `${value}=${env[value]}`);
    else if (flag === '--env-file') run.env.push(...envFileLines(value));
    // podman-compose mounts a secret's file with rprivate,rbind, which a bind mount is anyway.
    else if (flag === '-v' || flag === '--volume') run.volumes.push(volume(value, folder));
    // podman-compose joins a service's networks with commas.
    // podman-compose joins a service's networks with commas and names its alias once, for all
    // of them; the importer gives each network its alias (NET:alias=NAME). podman reads both alike.
    else if (flag === '--net' || flag === '--network')
      for (const network of value.split(',')) {
        const [net, alias] = network.split(':alias=');
        run.network.push(net!, ...(alias ? [`alias ${alias}`] : []));
      }
    else if (flag === '--network-alias') run.network.push(`alias ${value}`);
    else if (flag === '-p' || flag === '--publish') run.ports.push(value.replace(/\/tcp$/, ''));
    else if (flag === '--restart') run.restart = value;
    else if (flag === '--cap-add') run.capabilities.push(value);
    else if (flag === '--healthcheck-command' || flag === '--health-cmd') {
      // podman-compose writes ["CMD", x] as /bin/sh -c x, in words.
      if (value === '/bin/sh' && argv[i + 1] === '-c') {
        run.health = argv[i + 2]!;
        i += 2;
      } else run.health = value;
    }
  }
  // A built image: podman-compose names it PROJECT_SERVICE, which podman reads as
  // localhost/PROJECT_SERVICE:latest, the name the importer writes.
  run.image = argv[i]!.replace(/^localhost\//, '').replace(/:latest$/, '');
  run.command = argv.slice(i + 1).join(' ');
  run.network = [...new Set(run.network)];
  for (const list of [run.env, run.volumes, run.network, run.ports, run.capabilities]) list.sort();
  return run;
}

/** A project of test/import/compose/, its compose file, and the host's settings for it. */
export const PROJECTS: { name: string; file: string; env: Record<string, string>; goldens?: string[] }[] = [
  { name: 'shop', file: 'docker-compose.yml', env: { DB_PASSWORD: 'pw' }, goldens: ['shop', 'shop-web'] },
  { name: 'vault', file: 'compose.yaml', env: {} },
  { name: 'proxy', file: 'compose.yaml', env: { DB_PASSWORD: 'pw' } },
  { name: 'nested', file: 'deploy/compose.yaml', env: {} },
];

/** The podman run lines of podman-compose's dry run, read as Run. */
export function composed(
  project: string,
  file: string,
  env: Record<string, string>,
  dir: string,
  options: string[] = [],
): Run[] {
  // podman-compose 1.0.3 creates the volumes and the network even on a dry run: a podman
  // that only says its version keeps it from making anything on this host.
  const shim = join(dir, 'podman-shim');
  mkdirSync(shim, { recursive: true });
  writeFileSync(join(shim, 'podman'), '#!/bin/sh\n[ "$1" != --version ] || echo \'podman version 4.3.1\'\n', {
    mode: 0o755,
  });
  const result = spawnSync('podman-compose', ['-f', file, '--dry-run', 'up', '-d', ...options], {
    cwd: project,
    encoding: 'utf8',
    env: { ...env, PATH: `${shim}:${env.PATH}` },
  });
  assert.is(result.status, 0, result.stderr);
  return result.stdout
    .split('\n')
    .filter((line) => line.startsWith('podman run '))
    .map((line) => readRun(line.split(' '), env, join(project, dirname(file))));
}

/** The podman run lines of the imported stack's dry run, read as Run (secrets by their values). */
export function ours(
  project: string,
  stack: string,
  env: Record<string, string>,
  dir: string,
  values: Record<string, string>,
): Run[] {
  const result = spawnSync('/bin/sh', [join(project, `generated/${stack}/stack.sh`), '--dry-run', 'up'], {
    cwd: project,
    encoding: 'utf8',
    env: { ...env, PATH: isolatedPath(stubRuntimes(dir)) },
  });
  assert.is(result.status, 0, result.stderr);
  return result.stdout
    .split('\n')
    .filter((line) => line.startsWith('podman run '))
    .map((line) =>
      readRun(
        spawnSync('sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' })
          .stdout.split('\0')
          .slice(0, -1),
        values,
        project,
      ),
    );
}
