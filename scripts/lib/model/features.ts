// Dev container features (devcontainer.json's features): an OCI one is named, for the CLI to
// install; a local one (a folder of the repository with devcontainer-feature.json and
// install.sh) is built into the image as the devcontainer CLI builds it. Its manifest is read
// here, when the config is compiled: its options' defaults, its installsAfter, its containerEnv.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Location, ProblemList } from '../problems.ts';
import type { Environment } from './environment.ts';
import type { Locator } from './kernel.ts';

export type FeaturesConfig = Record<string, Record<string, string | boolean | number> | string>;

export interface Feature {
  /** As the config names it: an OCI reference, or ./folder of the repository. */
  id: string;
  /** The options the config gives, as devcontainer.json writes them. */
  options: Record<string, string | boolean | number>;
  local?: LocalFeature;
}

export interface LocalFeature {
  /** The folder, relative to the repository, without ./ (features/hello). */
  folder: string;
  /** devcontainer-feature.json's id. */
  featureId: string;
  /** What install.sh gets: each option by its upper-case name, given or default. */
  env: { name: string; value: string }[];
  /** The manifest's containerEnv: the image's environment from this layer on. */
  containerEnv: { name: string; value: string }[];
}

/**
 * The environment's features; with local ones, the container runs the image built with them
 * (localhost/NAME-features), on the config's image (baseImage).
 */
export function addFeatures(
  environment: Environment,
  config: FeaturesConfig | undefined,
  repository: string,
  at: Locator,
  problems: ProblemList,
): void {
  environment.features = buildFeatures(config, repository, at, problems);
  if (!environment.features.some((f) => f.local)) return;
  environment.baseImage = environment.image;
  // Named after the container (a name of the host's own, never pulled): two configs, or two
  // checkouts that name their containers apart, keep theirs.
  environment.image = [{ literal: 'localhost/' }, ...environment.name, { literal: '-features:latest' }];
}

/** The features from a registry, which only devcontainer.json's tools install. */
export function fromRegistry(environment: Environment): Feature[] {
  return environment.features.filter((f) => !f.local);
}

/** A local feature's folder is the repository's (./x); anything else is a registry's. */
export function isLocalFeature(id: string): boolean {
  return id.startsWith('./') || id.startsWith('../') || id.startsWith('/');
}

/**
 * The features in the order they are installed: each after those its installsAfter names
 * (by the manifest's id or the config's), else in the config's order.
 */
export function buildFeatures(
  config: FeaturesConfig | undefined,
  repository: string,
  at: Locator,
  problems: ProblemList,
): Feature[] {
  if (!config) return [];
  const features: Feature[] = [];
  const after = new Map<string, string[]>();
  for (const [id, given] of Object.entries(config)) {
    const options = typeof given === 'string' ? { version: given } : given;
    if (!isLocalFeature(id)) {
      features.push({ id, options });
      continue;
    }
    const where = at(`/features/${id.replaceAll('/', '~1')}`);
    // The build copies it from the repository, as launch.sh finds it wherever it runs.
    if (!id.startsWith('./') || id.split('/').includes('..')) {
      problems.add(
        where,
        `the feature ${id} is outside the repository`,
        'copy it into a folder of the repository (./x)',
      );
      continue;
    }
    const manifest = readManifest(id, repository, where, problems);
    if (!manifest) continue;
    features.push({ id, options, local: localFeature(id, manifest, options, at, problems) });
    after.set(id, manifest.installsAfter);
  }
  return installOrder(features, after);
}

interface Manifest {
  id: string;
  options: Record<string, { default?: unknown; type?: string }>;
  installsAfter: string[];
  containerEnv: Record<string, string>;
}

function readManifest(id: string, repository: string, where: Location, problems: ProblemList): Manifest | undefined {
  const folder = join(repository, id);
  const file = join(folder, 'devcontainer-feature.json');
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    problems.add(where, `the feature's folder ${id} is not there`, 'a local feature is a folder of the repository');
    return undefined;
  }
  if (!existsSync(join(folder, 'install.sh'))) {
    problems.add(where, `the feature ${id} has no install.sh`, 'the devcontainer CLI runs install.sh to install it');
    return undefined;
  }
  let manifest: Record<string, unknown>;
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
    manifest = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    const message = (error as Error).message;
    const why =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? ' is not there'
        : `:${lineColumn(text, message)} is not JSON: ${message}`;
    problems.add(where, `${id}/devcontainer-feature.json${why}`);
    return undefined;
  }
  if (typeof manifest.id !== 'string' || manifest.id === '') {
    problems.add(where, `${id}/devcontainer-feature.json has no id`);
    return undefined;
  }
  return {
    id: manifest.id,
    options: (manifest.options ?? {}) as Manifest['options'],
    installsAfter: Array.isArray(manifest.installsAfter) ? manifest.installsAfter.map(String) : [],
    containerEnv: (manifest.containerEnv ?? {}) as Record<string, string>,
  };
}

/** Where JSON.parse stopped, as LINE:COLUMN (its message gives the position). */
function lineColumn(text: string, message: string): string {
  const at = Number(/position (\d+)/.exec(message)?.[1] ?? text.length);
  const before = text.slice(0, at).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

/** The manifest's options as install.sh reads them: upper case, non-alphanumerics as _, given or default. */
function localFeature(
  id: string,
  manifest: Manifest,
  options: Feature['options'],
  at: Locator,
  problems: ProblemList,
): LocalFeature {
  for (const name of Object.keys(options))
    if (!(name in manifest.options))
      problems.add(
        at(`/features/${id.replaceAll('/', '~1')}/${name}`),
        `the feature ${manifest.id} has no option "${name}"`,
        `its options: ${Object.keys(manifest.options).join(', ') || '(none)'}`,
      );
  const env = Object.entries(manifest.options).flatMap(([name, spec]) => {
    const value = options[name] ?? spec.default;
    return value === undefined ? [] : [{ name: optionVariable(name), value: String(value) }];
  });
  return {
    folder: id.replace(/^\.\//, ''),
    featureId: manifest.id,
    env,
    containerEnv: Object.entries(manifest.containerEnv).map(([name, value]) => ({ name, value: String(value) })),
  };
}

/** An option's name as the devcontainer CLI gives it to install.sh. */
export function optionVariable(name: string): string {
  return name
    .replace(/[^\w_]/g, '_')
    .replace(/^[\d_]+/, '_')
    .toUpperCase();
}

/** A stable topological order: each feature after those it installsAfter that are here. */
function installOrder(features: Feature[], after: Map<string, string[]>): Feature[] {
  const bare = (ref: string) => ref.replace(/[:@][^/]*$/, '');
  const names = (f: Feature) => [f.id, bare(f.id), ...(f.local ? [f.local.featureId] : [])];
  const done: Feature[] = [];
  const left = [...features];
  while (left.length) {
    const ready = left.findIndex((f) =>
      (after.get(f.id) ?? []).every((wanted) => !left.some((o) => o !== f && names(o).includes(bare(wanted)))),
    );
    // A circle: the rest in the config's order, as the CLI breaks one.
    const next = Math.max(ready, 0);
    done.push(left[next]!);
    left.splice(next, 1);
  }
  return done;
}
