// The Stack model: environments that run together on one network (seed 000). Members are
// other environment configs; the checks here are the ones that span configs.
import type { Location, ProblemList } from '../problems.ts';
import { suggestion } from '../problems.ts';
import { literalText } from '../template-string.ts';
import { showTemplate } from '../text.ts';
import type { Environment } from './environment.ts';
import type { Locator } from './kernel.ts';

export interface StackConfig {
  description?: string;
  notes?: string[];
  runtime?: 'podman' | 'docker';
  network: { name: string; subnet?: string };
  networks?: { name: string; subnet?: string }[];
  kubernetes?: { namespace?: string };
  quadlet?: { mode?: string; wantedBy?: string };
  compose?: { mode?: string };
  systemd?: { mode?: string; runtime?: 'podman' | 'docker'; wantedBy?: string };
  members: Record<
    string,
    {
      config: string;
      description?: string;
      dependsOn?: Record<string, 'started' | 'healthy'>;
      build?: { context: string; containerfile?: string };
    }
  >;
  modes?: Record<
    string,
    { description?: string; default?: boolean; members: string[]; variables?: Record<string, string> }
  >;
}

export interface Member {
  id: string;
  config: string;
  description?: string;
  container: string;
  image: string;
  build?: { context: string; containerfile: string };
  /** Members started before this one; `healthy` ones are also waited for. */
  dependsOn: { member: string; condition: 'started' | 'healthy' }[];
  /** The member's own model, for targets that render it (kube). */
  environment: Environment;
}

export interface Mode {
  id: string;
  description?: string;
  default: boolean;
  members: string[];
  variables: { name: string; value: string }[];
}

export interface Stack {
  id: string;
  source: string;
  description?: string;
  notes: string[];
  runtime?: 'podman' | 'docker';
  network: { name: string; subnet?: string };
  /** Every network of the stack, the first one first, as up creates them. */
  networks: { name: string; subnet?: string }[];
  members: Member[];
  modes: Mode[];
  kubernetes?: { namespace?: string };
  /** The units for boot: the mode they start, and the target that wants them. */
  quadlet?: { mode: Mode; wantedBy: string };
  /** compose.yaml: the mode whose members it runs. */
  compose?: { mode: Mode };
  systemd?: { mode: Mode; runtime?: 'podman' | 'docker'; wantedBy: string };
}

/**
 * Another config of the repository: its kind, whether it is valid and abstract, and for an
 * environment its built model; undefined when there is none.
 */
export type ConfigLookup = (
  name: string,
) => { kind: string; valid: boolean; abstract: boolean; environment?: Environment } | undefined;

export function buildStack(
  id: string,
  source: string,
  config: StackConfig,
  at: Locator,
  problems: ProblemList,
  lookup: ConfigLookup,
  configNames: readonly string[],
): Stack | undefined {
  const before = problems.items.length;
  const members = Object.entries(config.members).flatMap(([memberId, member]) => {
    const built = buildMember(memberId, member, config, { at, problems, lookup, configNames });
    return built ? [built] : [];
  });
  checkDependencies(members, config, at, problems);
  const ordered = startOrder(members, (cycle) =>
    problems.add(at(`/members/${cycle[0]}/dependsOn`), `members wait for each other: ${cycle.join(' → ')}`),
  );
  const modes = buildModes(config, members, ordered, at, problems);
  checkContainerNames(members, at, problems);
  if (problems.items.length > before) return undefined;
  return {
    id,
    source,
    description: config.description,
    notes: config.notes ?? [],
    runtime: config.runtime,
    network: config.network,
    networks: [config.network, ...(config.networks ?? [])],
    // In start order: each after what it waits for, else as the config lists them.
    members: ordered.map((id) => members.find((m) => m.id === id)!),
    modes,
    kubernetes: config.kubernetes,
    quadlet: config.quadlet && {
      mode: unitMode(modes, config.quadlet.mode, '/quadlet/mode', at, problems),
      wantedBy: config.quadlet.wantedBy ?? 'default.target',
    },
    compose: config.compose && { mode: unitMode(modes, config.compose.mode, '/compose/mode', at, problems) },
    systemd: config.systemd && {
      mode: unitMode(modes, config.systemd.mode, '/systemd/mode', at, problems),
      runtime: config.systemd.runtime,
      wantedBy: config.systemd.wantedBy ?? 'default.target',
    },
  };
}

/** The mode a unit starts: the one named, else the default one. */
function unitMode(modes: Mode[], name: string | undefined, pointer: string, at: Locator, problems: ProblemList): Mode {
  const fallback = modes.find((m) => m.default)!;
  if (name === undefined) return fallback;
  const mode = modes.find((m) => m.id === name);
  if (!mode)
    problems.add(
      at(pointer),
      `no mode named "${name}"`,
      suggestion(
        name,
        modes.map((m) => m.id),
      ),
    );
  return mode ?? fallback;
}

interface Lookups {
  at: Locator;
  problems: ProblemList;
  lookup: ConfigLookup;
  configNames: readonly string[];
}

/** A member: its environment config, found and checked for what a stack needs of it. */
function buildMember(
  memberId: string,
  member: StackConfig['members'][string],
  config: StackConfig,
  { at, problems, lookup, configNames }: Lookups,
): Member | undefined {
  const pointer = `/members/${memberId}/config`;
  const found = lookup(member.config);
  if (!found) {
    problems.add(at(pointer), `no config named "${member.config}"`, suggestion(member.config, configNames));
    return undefined;
  }
  if (!found.valid) {
    problems.add(at(pointer), `"${member.config}" is invalid (see its own problems)`);
    return undefined;
  }
  if (found.kind !== 'environment') {
    problems.add(at(pointer), `"${member.config}" is a ${found.kind}, not an environment`);
    return undefined;
  }
  if (found.abstract) problems.add(at(pointer), `"${member.config}" is abstract and has no launch script`);
  const env = found.environment!;
  const container = literalText(env.name);
  if (container === undefined)
    problems.add(
      at(pointer),
      `"${member.config}" needs a fixed container name (name without variables) to be managed by the stack`,
    );
  if (!env.detach)
    problems.add(at(pointer), `"${member.config}" must run detached ("detach": true) to be started by the stack`);
  checkMemberNetworks(env, member.config, config, at(pointer), problems);
  const image = literalText(env.image);
  if (member.build && image === undefined)
    problems.add(
      at(`/members/${memberId}/build`),
      `"${member.config}" has an image with variables, so stack.sh build cannot tag it`,
    );
  return {
    id: memberId,
    config: member.config,
    description: member.description,
    container: container ?? '',
    image: image ?? showTemplate(env.image),
    build: member.build && {
      context: member.build.context,
      containerfile: member.build.containerfile ?? 'Containerfile',
    },
    dependsOn: Object.entries(member.dependsOn ?? {}).map(([name, condition]) => ({ member: name, condition })),
    environment: env,
  };
}

/** A member joins the stack's networks only: each of them, segmented or not. */
function checkMemberNetworks(
  env: Environment,
  name: string,
  config: StackConfig,
  where: Location,
  problems: ProblemList,
): void {
  const network = env.network && showTemplate(env.network.name);
  const stackNetworks = [config.network, ...(config.networks ?? [])].map((n) => n.name);
  const joined = [env.network, ...env.extraNetworks].flatMap((n) => (n ? [showTemplate(n.name)] : []));
  const foreign = joined.filter((joinedName) => !stackNetworks.includes(joinedName));
  if (network !== undefined && !foreign.length) return;
  problems.add(
    where,
    network === undefined
      ? `"${name}" joins no network, not the stack's "${config.network.name}"`
      : `"${name}" joins network "${foreign[0]}", which is not one of the stack's (${stackNetworks.join(', ')})`,
    `set network.name to "${config.network.name}" there`,
  );
}

/** Each member waits for members that exist, not itself, and for health only where there is a check. */
function checkDependencies(members: Member[], config: StackConfig, at: Locator, problems: ProblemList): void {
  const memberIds = Object.keys(config.members);
  const healthchecked = new Map(members.map((m) => [m.id, m.environment.healthcheck !== undefined]));
  for (const member of members)
    for (const { member: needed, condition } of member.dependsOn) {
      const where = at(`/members/${member.id}/dependsOn`, needed);
      if (!memberIds.includes(needed))
        problems.add(where, `no member named "${needed}"`, suggestion(needed, memberIds));
      else if (needed === member.id) problems.add(where, `member "${member.id}" cannot wait for itself`);
      else if (condition === 'healthy' && healthchecked.get(needed) === false)
        problems.add(
          where,
          `member "${needed}" has no healthcheck, so "${member.id}" cannot wait for it to be healthy`,
          `give "${config.members[needed]!.config}" a healthcheck, or wait for "started"`,
        );
    }
}

/** The modes (or one default mode of every member), each with its members in start order. */
function buildModes(
  config: StackConfig,
  members: Member[],
  ordered: string[],
  at: Locator,
  problems: ProblemList,
): Mode[] {
  const memberIds = Object.keys(config.members);
  const declared = new Map(members.map((m) => [m.id, new Set(m.environment.variables.map((v) => v.name))]));
  const modes: Mode[] = Object.entries(config.modes ?? {}).map(([modeId, mode]) => {
    mode.members.forEach((name, i) => {
      if (!memberIds.includes(name))
        problems.add(at(`/modes/${modeId}/members/${i}`), `no member named "${name}"`, suggestion(name, memberIds));
      for (const { member: needed } of members.find((m) => m.id === name)?.dependsOn ?? [])
        if (memberIds.includes(needed) && !mode.members.includes(needed))
          problems.add(
            at(`/modes/${modeId}/members/${i}`),
            `"${name}" waits for "${needed}", which mode "${modeId}" does not run`,
            `add "${needed}" to the mode's members`,
          );
    });
    for (const name of Object.keys(mode.variables ?? {}))
      if (!mode.members.some((m) => declared.get(m)?.has(name)))
        problems.add(
          at(`/modes/${modeId}/variables`, name),
          `no member of mode "${modeId}" declares the variable "${name}"`,
          'declare it under variables in the member configs that use it',
        );
    return {
      id: modeId,
      description: mode.description,
      default: mode.default ?? false,
      members: ordered.filter((m) => mode.members.includes(m)),
      variables: Object.entries(mode.variables ?? {}).map(([name, value]) => ({ name, value })),
    };
  });
  if (modes.length === 0) modes.push({ id: 'default', default: true, members: ordered, variables: [] });
  const defaults = modes.filter((m) => m.default);
  if (defaults.length !== 1)
    problems.add(
      at('/modes'),
      defaults.length ? `${defaults.length} modes are marked default` : 'no mode is marked "default": true',
      'mark exactly one mode as the default',
    );
  return modes;
}

function checkContainerNames(members: Member[], at: Locator, problems: ProblemList): void {
  const containers = new Map<string, string>();
  for (const member of members) {
    const other = containers.get(member.container);
    if (other)
      problems.add(
        at(`/members/${member.id}/config`),
        `members "${other}" and "${member.id}" both run a container named "${member.container}"`,
      );
    containers.set(member.container, member.id);
  }
}

/** Member ids in an order that starts each after those it waits for; reports a cycle. */
function startOrder(members: Member[], onCycle: (cycle: string[]) => void): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const known = new Set(members.map((m) => m.id));
  const visit = (id: string, path: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      onCycle([...path.slice(path.indexOf(id)), id]);
      return;
    }
    state.set(id, 'visiting');
    for (const { member } of members.find((m) => m.id === id)?.dependsOn ?? [])
      if (known.has(member) && member !== id) visit(member, [...path, id]);
    state.set(id, 'done');
    order.push(id);
  };
  for (const member of members) visit(member.id, []);
  return order;
}
