// The Catalog model: tiers × flavors × add-ons (seed 002). The combination rules live here
// once, with message templates that the generator uses for presets and that the generated
// scripts print word for word (see targets/catalog.ts).
import type { ProblemList } from '../problems.ts';
import { suggestion } from '../problems.ts';
import type { Locator } from './kernel.ts';
import type { PullPolicy, ServiceType } from './kubernetes.ts';

export interface Build {
  context: string;
  containerfile: string;
}

export interface CatalogConfig {
  description?: string;
  notes?: string[];
  registry?: string;
  owner?: string;
  prefix: string;
  version: string;
  versionFile?: string;
  runtime?: 'podman' | 'docker';
  base: {
    build: { context: string; containerfile?: string };
    ports?: number[];
    env?: Record<string, string>;
    workspace?: string;
  };
  tiers: Record<
    string,
    {
      name?: string;
      description?: string;
      cpu: number;
      memory: string;
      memoryReservation?: string;
      storageGb?: number;
      priceCents?: number;
      default?: boolean;
    }
  >;
  flavors: Record<
    string,
    {
      name?: string;
      description?: string;
      from?: string;
      build: { context: string; containerfile?: string };
      languages?: string[];
      tools?: string[];
      frameworks?: string[];
      sizeMb?: number;
      default?: boolean;
    }
  >;
  addons?: Record<
    string,
    {
      name?: string;
      description?: string;
      suffix: string;
      build: { context: string; containerfile?: string };
      extraCpu?: number;
      extraMemory?: string;
      ports?: number[];
      env?: Record<string, string>;
      gpu?: boolean;
      requiresTier?: string;
      incompatibleWith?: string[];
      priceCents?: number;
    }
  >;
  presets?: Record<string, { description?: string; tier?: string; flavor: string; addons?: string[]; image?: string }>;
  kubernetes?: CatalogKubernetes;
}

/** What launch.sh --kube needs beyond the combination: where and how the objects go. */
export interface CatalogKubernetes {
  namespace?: string;
  serviceType?: ServiceType;
  imagePullPolicy?: PullPolicy;
  storageClass?: string;
}

export interface Tier {
  id: string;
  name: string;
  description?: string;
  rank: number;
  cpuMilli: number;
  memoryMi: number;
  reservationMi?: number;
  storageGb?: number;
  priceCents?: number;
  default: boolean;
}
export interface Flavor {
  id: string;
  name: string;
  description?: string;
  from?: string;
  build: Build;
  languages: string[];
  tools: string[];
  frameworks: string[];
  sizeMb?: number;
  default: boolean;
}
export interface Addon {
  id: string;
  name: string;
  description?: string;
  suffix: string;
  build: Build;
  extraCpuMilli: number;
  extraMemoryMi: number;
  ports: number[];
  env: { name: string; value: string }[];
  gpu: boolean;
  requiresTier?: string;
  incompatibleWith: string[];
  priceCents?: number;
}
export interface Preset {
  id: string;
  description?: string;
  tier: string;
  flavor: string;
  addons: string[];
}

export interface Catalog {
  id: string;
  source: string;
  description?: string;
  notes: string[];
  registry?: string;
  owner?: string;
  prefix: string;
  version: string;
  /** Relative to the repository root: its first line is the tag when the file exists. */
  versionFile?: string;
  runtime?: 'podman' | 'docker';
  base: { build: Build; ports: number[]; env: { name: string; value: string }[]; workspace?: string };
  tiers: Tier[];
  flavors: Flavor[]; // parents before children
  addons: Addon[]; // sorted by suffix: the order of suffixes in image names
  presets: Preset[];
  kubernetes?: CatalogKubernetes;
}

/** Messages shared by the generator and the generated scripts; {name} is filled in. */
export const MESSAGES = {
  unknownTier: 'unknown tier "{tier}" (choose from: {choices})',
  unknownFlavor: 'unknown flavor "{flavor}" (choose from: {choices})',
  unknownAddon: 'unknown add-on "{addon}" (choose from: {choices})',
  repeatedAddon: 'add-on "{addon}" is listed twice',
  tierTooLow: 'add-on "{addon}" needs tier "{needed}" or higher, not "{tier}"',
  incompatible: 'add-ons "{addon}" and "{other}" cannot be combined',
  unknownPreset: 'unknown preset "{preset}" (choose from: {choices})',
} as const;

export function message(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`);
}

export function toMilli(cpu: number): number {
  return Math.round(cpu * 1000);
}

export function toMi(memory: string): number {
  const value = Number.parseInt(memory, 10);
  return memory.endsWith('Gi') ? value * 1024 : value;
}

export function showCpu(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : (milli / 1000).toFixed(3).replace(/0+$/, '');
}

export function showMemory(mi: number): string {
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}

export function baseImage(catalog: Catalog): string {
  return qualified(catalog, `${catalog.prefix}-base`);
}

/** {registry}/{owner}/{prefix}-{flavor}[-suffix...]:{version}, suffixes in alphabetical order. */
export function imageName(catalog: Catalog, flavor: string, addons: readonly string[] = []): string {
  const suffixes = catalog.addons.filter((a) => addons.includes(a.id)).map((a) => `-${a.suffix}`);
  return qualified(catalog, `${catalog.prefix}-${flavor}${suffixes.join('')}`);
}

function qualified(catalog: Catalog, name: string): string {
  return `${imageHome(catalog)}${name}:${catalog.version}`;
}

/** "{registry}/{owner}/" as far as the catalog names them: what image names start with. */
export function imageHome(catalog: Pick<Catalog, 'registry' | 'owner'>): string {
  return `${catalog.registry ? `${catalog.registry}/` : ''}${catalog.owner ? `${catalog.owner}/` : ''}`;
}

/** Every rule a chosen combination must satisfy; the same rules the scripts apply. */
export function combinationProblems(
  catalog: Catalog,
  tier: string,
  flavor: string,
  addons: readonly string[],
): string[] {
  const problems: string[] = [];
  const tierModel = catalog.tiers.find((t) => t.id === tier);
  if (!tierModel)
    problems.push(message(MESSAGES.unknownTier, { tier, choices: catalog.tiers.map((t) => t.id).join(', ') }));
  if (!catalog.flavors.some((f) => f.id === flavor))
    problems.push(message(MESSAGES.unknownFlavor, { flavor, choices: catalog.flavors.map((f) => f.id).join(', ') }));
  const seen = new Set<string>();
  for (const id of addons) {
    const addon = catalog.addons.find((a) => a.id === id);
    if (!addon) {
      problems.push(message(MESSAGES.unknownAddon, { addon: id, choices: catalog.addons.map((a) => a.id).join(', ') }));
      continue;
    }
    if (seen.has(id)) problems.push(message(MESSAGES.repeatedAddon, { addon: id }));
    seen.add(id);
    const needed = catalog.tiers.find((t) => t.id === addon.requiresTier);
    if (tierModel && needed && tierModel.rank < needed.rank)
      problems.push(message(MESSAGES.tierTooLow, { addon: id, needed: needed.id, tier }));
  }
  const chosen = catalog.addons.filter((a) => seen.has(a.id));
  for (const [i, addon] of chosen.entries()) {
    for (const other of chosen.slice(i + 1)) {
      if (addon.incompatibleWith.includes(other.id))
        problems.push(message(MESSAGES.incompatible, { addon: addon.id, other: other.id }));
    }
  }
  return problems;
}

export function resources(
  catalog: Catalog,
  tier: Tier,
  addons: readonly string[],
): { cpuMilli: number; memoryMi: number } {
  const chosen = catalog.addons.filter((a) => addons.includes(a.id));
  return {
    cpuMilli: tier.cpuMilli + chosen.reduce((sum, a) => sum + a.extraCpuMilli, 0),
    memoryMi: tier.memoryMi + chosen.reduce((sum, a) => sum + a.extraMemoryMi, 0),
  };
}

export function buildCatalog(
  id: string,
  source: string,
  config: CatalogConfig,
  at: Locator,
  problems: ProblemList,
): Catalog | undefined {
  const before = problems.items.length;
  const tiers: Tier[] = Object.entries(config.tiers).map(([tierId, t], rank) => ({
    id: tierId,
    name: t.name ?? tierId,
    description: t.description,
    rank,
    cpuMilli: toMilli(t.cpu),
    memoryMi: toMi(t.memory),
    reservationMi: t.memoryReservation === undefined ? undefined : toMi(t.memoryReservation),
    storageGb: t.storageGb,
    priceCents: t.priceCents,
    default: t.default ?? false,
  }));
  exactlyOneDefault(tiers, '/tiers', 'tier', at, problems);
  const flavors = buildFlavors(config, at, problems);
  const addons = buildAddons(config, tiers, at, problems);
  const catalog: Catalog = {
    id,
    source,
    description: config.description,
    notes: config.notes ?? [],
    registry: config.registry,
    owner: config.owner,
    prefix: config.prefix,
    version: config.version,
    versionFile: config.versionFile,
    runtime: config.runtime,
    base: {
      build: buildOf(config.base.build),
      ports: config.base.ports ?? [],
      env: envOf(config.base.env, '/base/env', at, problems),
      workspace: config.base.workspace,
    },
    tiers,
    flavors,
    addons,
    presets: [],
    kubernetes: config.kubernetes,
  };
  if (problems.items.length > before) return undefined;
  addPresets(catalog, config, at, problems);
  return problems.items.length === before ? catalog : undefined;
}

function buildOf(b: { context: string; containerfile?: string }): Build {
  return { context: b.context, containerfile: b.containerfile ?? 'Containerfile' };
}

function envOf(record: Record<string, string> | undefined, pointer: string, at: Locator, problems: ProblemList) {
  return Object.entries(record ?? {}).map(([name, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      problems.add(at(pointer, name), `"${name}" is not a valid environment variable name`);
    return { name, value };
  });
}

/** The flavors, each after the one it is built from. */
function buildFlavors(config: CatalogConfig, at: Locator, problems: ProblemList): Flavor[] {
  const flavorIds = Object.keys(config.flavors);
  const unordered: Flavor[] = Object.entries(config.flavors).map(([flavorId, f]) => {
    if (f.from !== undefined && !flavorIds.includes(f.from))
      problems.add(at(`/flavors/${flavorId}/from`), `unknown flavor "${f.from}"`, suggestion(f.from, flavorIds));
    return {
      id: flavorId,
      name: f.name ?? flavorId,
      description: f.description,
      from: f.from,
      build: buildOf(f.build),
      languages: f.languages ?? [],
      tools: f.tools ?? [],
      frameworks: f.frameworks ?? [],
      sizeMb: f.sizeMb,
      default: f.default ?? false,
    };
  });
  exactlyOneDefault(unordered, '/flavors', 'flavor', at, problems);
  return parentsFirst(unordered, at, problems);
}

/** The add-ons, by suffix, each checked against the tiers, the others and the ports taken. */
function buildAddons(config: CatalogConfig, tiers: Tier[], at: Locator, problems: ProblemList): Addon[] {
  const addonIds = Object.keys(config.addons ?? {});
  const tierIds = tiers.map((t) => t.id);
  const addons: Addon[] = Object.entries(config.addons ?? {}).map(([addonId, a]) => {
    const pointer = `/addons/${addonId}`;
    if (a.requiresTier !== undefined && !tierIds.includes(a.requiresTier))
      problems.add(
        at(`${pointer}/requiresTier`),
        `add-on "${addonId}" requires tier "${a.requiresTier}", which does not exist`,
        suggestion(a.requiresTier, tierIds),
      );
    (a.incompatibleWith ?? []).forEach((other, i) => {
      if (!addonIds.includes(other))
        problems.add(at(`${pointer}/incompatibleWith/${i}`), `unknown add-on "${other}"`, suggestion(other, addonIds));
      else if (other === addonId)
        problems.add(at(`${pointer}/incompatibleWith/${i}`), `add-on "${addonId}" cannot be incompatible with itself`);
      else if (!(config.addons?.[other]?.incompatibleWith ?? []).includes(addonId))
        problems.add(
          at(`${pointer}/incompatibleWith/${i}`),
          `"${addonId}" is incompatible with "${other}" but "${other}" does not list "${addonId}"`,
          `add "${addonId}" to addons.${other}.incompatibleWith`,
        );
    });
    return {
      id: addonId,
      name: a.name ?? addonId,
      description: a.description,
      suffix: a.suffix,
      build: buildOf(a.build),
      extraCpuMilli: toMilli(a.extraCpu ?? 0),
      extraMemoryMi: a.extraMemory === undefined ? 0 : toMi(a.extraMemory),
      ports: a.ports ?? [],
      env: envOf(a.env, `${pointer}/env`, at, problems),
      gpu: a.gpu ?? false,
      requiresTier: a.requiresTier,
      incompatibleWith: a.incompatibleWith ?? [],
      priceCents: a.priceCents,
    };
  });
  checkAddonClashes(addons, config.base.ports ?? [], at, problems);
  return addons.sort((a, b) => a.suffix.localeCompare(b.suffix));
}

/** No two add-ons share a suffix, and no port is published twice. */
function checkAddonClashes(addons: Addon[], basePorts: number[], at: Locator, problems: ProblemList): void {
  const suffixes = new Map<string, string>();
  for (const addon of addons) {
    const other = suffixes.get(addon.suffix);
    if (other)
      problems.add(at(`/addons/${addon.id}/suffix`), `suffix "${addon.suffix}" is already used by add-on "${other}"`);
    suffixes.set(addon.suffix, addon.id);
  }
  const ports = new Map<number, string>(basePorts.map((p) => [p, 'the base']));
  for (const addon of addons)
    addon.ports.forEach((port, i) => {
      const owner = ports.get(port);
      if (owner)
        problems.add(
          at(`/addons/${addon.id}/ports/${i}`),
          `port ${port} of add-on "${addon.id}" is also published by ${owner.startsWith('the') ? owner : `add-on "${owner}"`}`,
        );
      else ports.set(port, addon.id);
    });
}

/** The presets, each a combination the catalog accepts, named as it says. */
function addPresets(catalog: Catalog, config: CatalogConfig, at: Locator, problems: ProblemList): void {
  const defaultTier = catalog.tiers.find((t) => t.default)!.id;
  for (const [presetId, preset] of Object.entries(config.presets ?? {})) {
    const pointer = `/presets/${presetId}`;
    const chosen = {
      id: presetId,
      description: preset.description,
      tier: preset.tier ?? defaultTier,
      flavor: preset.flavor,
      addons: preset.addons ?? [],
    };
    const refused = combinationProblems(catalog, chosen.tier, chosen.flavor, chosen.addons);
    for (const text of refused) problems.add(at(pointer), text);
    if (preset.image !== undefined && refused.length === 0) {
      const expected = imageName(catalog, chosen.flavor, chosen.addons);
      // The seed's naming table leaves out {registry}/{owner}/, so a preset may too.
      const local = imageName({ ...catalog, registry: undefined, owner: undefined }, chosen.flavor, chosen.addons);
      if (expected !== preset.image && local !== preset.image)
        problems.add(at(`${pointer}/image`), `this combination is named "${expected}", not "${preset.image}"`);
    }
    catalog.presets.push(chosen);
  }
}

function exactlyOneDefault(
  items: { id: string; default: boolean }[],
  pointer: string,
  what: string,
  at: Locator,
  problems: ProblemList,
): void {
  const defaults = items.filter((i) => i.default);
  if (defaults.length === 0)
    problems.add(at(pointer), `no ${what} is marked "default": true`, `mark exactly one ${what} as the default`);
  for (const extra of defaults.slice(1))
    problems.add(
      at(`${pointer}/${extra.id}/default`),
      `${what} "${extra.id}" is a second default (after "${defaults[0]!.id}")`,
      `mark exactly one ${what} as the default`,
    );
}

/** Flavors ordered so that each comes after the flavor it builds on; reports cycles. */
function parentsFirst(flavors: Flavor[], at: Locator, problems: ProblemList): Flavor[] {
  const ordered: Flavor[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (flavor: Flavor, path: string[]): void => {
    if (state.get(flavor.id) === 'done') return;
    if (state.get(flavor.id) === 'visiting') {
      problems.add(
        at(`/flavors/${flavor.id}/from`),
        `flavors build on each other in a cycle: ${[...path.slice(path.indexOf(flavor.id)), flavor.id].join(' → ')}`,
      );
      return;
    }
    state.set(flavor.id, 'visiting');
    const parent = flavors.find((f) => f.id === flavor.from);
    if (parent) visit(parent, [...path, flavor.id]);
    state.set(flavor.id, 'done');
    ordered.push(flavor);
  };
  for (const flavor of flavors) visit(flavor, []);
  return ordered;
}
