// What the compose target's modules share: the service being written and what it adds to the
// file, and the config's templates as compose's text (its own interpolation, so that compose
// reads the variables when it runs, as launch.sh does).
import { DEVCONTAINER_ID, devcontainerId } from '../model/devcontainer-id.ts';
import type { ImageFacts } from '../model/kubernetes.ts';
import { REPOSITORY, type Environment } from '../model/environment.ts';
import type { Template } from '../template-string.ts';
import type { TargetReport } from './report.ts';

export type Obj = { [key: string]: unknown };

/** Where the service is: its file's folder, and what a stack gives it. */
export interface ComposePlace {
  /** The service's name in the file, which compose makes an alias on each of its networks. */
  service: string;
  /** The environment's generated/<id>/ folder, relative to compose.yaml's. */
  folder: string;
  /** The repository, relative to compose.yaml's folder (compose reads paths against it). */
  root: string;
  /** The folder of the generated files, relative to the repository (generated). */
  output: string;
  /** A stack's mode's values of variables: compose's defaults for them. */
  variables: ReadonlyMap<string, string>;
}

/** What one service adds to the file: itself, and the top-level entries it names. */
export interface ComposeParts {
  service: Obj;
  volumes: Obj;
  networks: Obj;
  secrets: Obj;
}

/** Names compose takes for volumes, networks and secrets (the keys of its top-level maps). */
export const COMPOSE_NAME = /^[a-zA-Z0-9._-]+$/;

export interface Context {
  env: Environment;
  place: ComposePlace;
  report: TargetReport;
  text: (template: Template, pointer: string) => string;
  parts: ComposeParts;
  image: ImageFacts;
}

/**
 * Templates as compose's text: a literal $ is $$; ~ and ${HOME} stay ${HOME}, which compose
 * reads from its environment; a folder of the repository is relative to the file (compose
 * reads a relative bind source against it); a declared variable is ${NAME:-default}, or
 * ${NAME:?message} when it is required, the mode's value of a stack as its default.
 */
export function composeText(
  env: Environment,
  place: ComposePlace,
  report: TargetReport,
): (template: Template, pointer: string) => string {
  const plain = (text: string, pointer: string, inDefault: boolean): string => {
    if (inDefault && text.includes('}'))
      report.refuse(`compose cannot hold "}" in a variable's default (${JSON.stringify(text)})`, undefined, pointer);
    return text.replaceAll('$', '$$$$');
  };
  const reference = (name: string, pointer: string): string => {
    if (name === REPOSITORY) return place.root;
    if (name === 'HOME') return '${HOME}';
    if (name === DEVCONTAINER_ID) return devcontainerId(env.id);
    const variable = env.variables.find((v) => v.name === name);
    if (!variable) {
      report.refuse(`compose has no value for \${${name}}: launch.sh sets it when it runs`, undefined, pointer);
      return '';
    }
    const given = place.variables.get(name);
    if (given !== undefined) return `\${${name}:-${plain(given, pointer, true)}}`;
    if (variable.default) return `\${${name}:-${resolve(variable.default, `/variables/${name}`, true)}}`;
    if (variable.required) {
      const why = (variable.description ?? `set ${name}`).split('\n')[0]!.replace(/[}$]/g, '');
      return `\${${name}:?${why}}`;
    }
    return `\${${name}:-}`;
  };
  const resolve = (template: Template, pointer: string, inDefault = false): string =>
    template
      .map((part) => ('literal' in part ? plain(part.literal, pointer, inDefault) : reference(part.variable, pointer)))
      .join('');
  return (template, pointer) => resolve(template, pointer);
}

/** Text boxwright passes as written: compose's $$ is a $. */
export function literal(text: string): string {
  return text.replaceAll('$', '$$$$');
}

/** Sets a compose key by its path (logging/driver), creating the objects above it. */
export function setPath(service: Obj, path: string, value: unknown): void {
  const names = path.split('/');
  let at = service;
  for (const name of names.slice(0, -1)) {
    at[name] ??= {};
    at = at[name] as Obj;
  }
  at[names[names.length - 1]!] = value;
}

/** The list at a key of the service, made when it has none. */
export function listAt<T>(service: Obj, key: string): T[] {
  if (!Array.isArray(service[key])) service[key] = [];
  return service[key] as T[];
}

/** The service's environment, as compose's list (NAME=value, or NAME alone: from compose's own). */
export function environmentList(service: Obj): string[] {
  return listAt<string>(service, 'environment');
}

/**
 * What compose has no key for but a config does, kept under the service's x-boxwright (an
 * extension, which compose leaves to the tools that know it) for the compose importer: secrets'
 * kind, and the descriptions of variables, ports and mounts.
 */
export function keep(
  parts: ComposeParts,
  part: 'secrets' | 'variables' | 'ports' | 'mounts',
  key: string,
  value: unknown,
): void {
  parts.service['x-boxwright'] ??= {};
  const kept = parts.service['x-boxwright'] as Obj;
  kept[part] ??= {};
  (kept[part] as Obj)[key] = value;
}

/** A host path: ~/ where the config has it (both compose tools read ~ as the home folder). */
export function hostPath(context: Context, template: Template, pointer: string): string {
  const [first, second] = template;
  if (
    first &&
    'variable' in first &&
    first.variable === 'HOME' &&
    (!second || ('literal' in second && second.literal.startsWith('/')))
  )
    return `~${context.text(template.slice(1), pointer)}`;
  return context.text(template, pointer);
}
