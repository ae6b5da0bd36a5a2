// Podman's own Quadlet (4.9.5, ../shared/quadlet, see its README) run on generated units, and
// their ExecStart= read as systemd runs it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expandCommandLine } from '../scripts/lib/unit/syntax.ts';
import { ROOT } from './helpers.ts';

export const QUADLET = join(ROOT, '../shared/quadlet/quadlet');

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
  return expandCommandLine(line, { h: TEST_HOME, t: '/run/user/0', N: unit, n: `${unit}.service`, U: '0', G: '0', u: 'tester' });
}

/** The ExecStart argv of <unit>.service made from the units of `folder`. */
export function quadletExecStart(folder: string, unit: string): string[] {
  const { services, stderr, status } = quadletDryRun(folder);
  const service = services.get(`${unit}.service`);
  if (!service) throw new Error(`quadlet made no ${unit}.service (exit ${status}):\n${stderr}`);
  return execStartOf(service, unit);
}
