// generated/<name>/compose.yaml: an environment as a compose project of one service, or a
// stack's mode as one service per member, started in the stack's order (depends_on, with
// service_healthy where a member waits for another's health check) on the stack's networks.
// The header says how to run it; what the file leaves out is listed under it.
import { header } from '../header.ts';
import type { Environment } from '../model/environment.ts';
import type { Stack } from '../model/stack.ts';
import type { GeneratedFile } from '../output.ts';
import { composeService, type ComposeParts, type ComposePlace, type Obj } from './compose.ts';
import type { StackContext } from './kube-stack.ts';
import { leftOutNotes, yamlText } from './kube.ts';
import { targetReport, type TargetReport } from './report.ts';

/** The environment alone: one service, named after the config. */
export function renderCompose(
  env: Environment,
  { root, output }: { root: string; output: string },
  report: TargetReport,
  leftOut: string[],
): GeneratedFile {
  const place: ComposePlace = { service: env.id, folder: '.', root, output, variables: new Map() };
  const parts = composeService(env, place, report);
  return composeFile(`${env.id}/compose.yaml`, env.source, env.id, [[env.id, parts]], leftOut);
}

/** A stack's mode: each member as its service, by the member's name in the stack. */
export function stackCompose(stack: Stack, context: StackContext & { root: string; output: string }): GeneratedFile[] {
  const settings = stack.compose;
  if (!settings) return [];
  const { mode } = settings;
  const variables = new Map(mode.variables.map((v) => [v.name, v.value]));
  const leftOut: string[] = [];
  const services: [string, ComposeParts][] = [];
  for (const member of stack.members.filter((m) => mode.members.includes(m.id))) {
    const report = targetReport(
      { problems: context.problems, warnings: context.warnings },
      () => context.at(`/members/${member.id}`),
      leftOut,
      member,
    );
    const place = {
      service: member.id,
      folder: `../${member.config}`,
      root: context.root,
      output: context.output,
      variables,
    };
    const parts = composeService(member.environment, place, report);
    const needs = member.dependsOn.filter((d) => mode.members.includes(d.member));
    if (needs.length)
      parts.service.depends_on = Object.fromEntries(
        needs.map((d) => [d.member, { condition: d.condition === 'healthy' ? 'service_healthy' : 'service_started' }]),
      );
    services.push([member.id, parts]);
  }
  // The stack's networks that its members join (compose refuses one that no service joins).
  const joined = new Set(services.flatMap(([, parts]) => Object.keys(parts.networks)));
  const networks = Object.fromEntries(
    stack.networks
      .filter((n) => joined.has(n.name))
      .map((n) => [n.name, { name: n.name, ...(n.subnet ? { ipam: { config: [{ subnet: n.subnet }] } } : {}) }]),
  );
  return [composeFile(`${stack.id}/compose.yaml`, stack.source, stack.id, services, leftOut, networks)];
}

/**
 * The file: the services, then the volumes, networks and secrets they name (a stack's own
 * networks first: the stack creates them, as stack.sh up does).
 */
function composeFile(
  path: string,
  source: string,
  project: string,
  services: [string, ComposeParts][],
  leftOut: readonly string[],
  stackNetworks: Obj = {},
): GeneratedFile {
  // The first to name an entry keeps it: the stack's networks, then the members in order.
  const merged = (part: 'volumes' | 'networks' | 'secrets', first: Obj = {}) => {
    const all: Obj = { ...first };
    for (const [, parts] of services) for (const [key, value] of Object.entries(parts[part])) all[key] ??= value;
    return all;
  };
  const document: Obj = {
    name: project,
    services: Object.fromEntries(services.map(([name, parts]) => [name, parts.service])),
  };
  for (const [part, first] of [
    ['volumes', {}],
    ['networks', stackNetworks],
    ['secrets', {}],
  ] as const) {
    const entries = merged(part, first);
    if (Object.keys(entries).length) document[part] = entries;
  }
  const notes = leftOutNotes(leftOut);
  const usage = [
    '#',
    `# Run it with \`docker compose -f ${path.split('/').pop()} up -d\` (or podman-compose) in this folder;`,
    '# variables and secrets come from the environment compose runs in (or --env-file).',
  ].join('\n');
  return {
    path,
    content: `${header(source, 'hash', `Compose file for ${project}`)}\n${usage}\n${notes}${yamlText(document)}`,
    executable: false,
  };
}
