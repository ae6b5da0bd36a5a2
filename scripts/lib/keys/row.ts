// The shape of a row of the key table (table.ts): one key of the environment config, how the
// model reads it, and what it becomes in each format boxwright writes or reads. Podman's
// Quadlet is the model: a table from key to flag, read by a few small helpers, so that a
// format learns a key from its row instead of from code of its own.

/**
 * A format that cannot hold the key, and why: the reason is what generate warns when a config
 * sets the key for that format, and what an importer writes in its "left out" comment.
 */
export interface Cannot {
  cannot: string;
}

/**
 * A format that holds the key another way than by its own field (a Deployment restarts its Pod
 * whatever the policy says): nothing is warned, and the note says why.
 */
export interface Implicit {
  implicit: string;
}

/**
 * A translation that needs code: the format's module has a function of this name (checked by
 * the type of its table of functions), so "where does mounts become --volume" is found by
 * the key's name.
 */
export interface Coded<Name extends string = string> {
  code: Name;
}

/**
 * How a run option takes the key's value:
 * - `value`: FLAG VALUE, when the key is set;
 * - `switch`: FLAG alone, when the key is true;
 * - `each`: FLAG ITEM for each item of a list;
 * - `pairs`: FLAG NAME=VALUE for each entry of a map.
 */
export type Form = 'value' | 'switch' | 'each' | 'pairs';

/** A podman/docker run option. */
export interface RunOption {
  flag: string;
  form: Form;
  /** Other spellings of the flag that an importer reads as this key (-h, --net). */
  aliases?: string[];
}

/**
 * How the model reads the value: `template` is expanded on the host (${VAR}, ~), `size` is a
 * size as people write it (1g, 512MiB), normalised to the runtimes' form; `list` of strings;
 * `map` of names to templates and `pairs` of names to strings, each a list of {name, value} in
 * the model; `code` where the model's own function reads it.
 */
export type ModelType = 'template' | 'string' | 'number' | 'boolean' | 'size' | 'list' | 'map' | 'pairs' | 'code';

/**
 * A compose service key (a path: logging/driver), or code. `duration`: compose writes the
 * value as a duration (1m30s), the config as a number of seconds.
 */
export type ComposeEntry = { key: string; duration?: true } | Coded | Cannot;

/** A devcontainer.json property, or a run option written into runArgs. */
export type DevcontainerEntry = { property: string } | 'runArgs' | Coded | Cannot;

/**
 * A field of the Pod's container or of the Pod (a dotted path: securityContext.capabilities.add),
 * which takes the key's value as the model has it, or code of the Kubernetes target.
 */
export type KubernetesEntry = { container: string } | { pod: string } | Coded | Implicit | Cannot;

/** A [Container] key of a Quadlet unit, or the run option passed on with PodmanArgs=. */
export type QuadletEntry = { key: string } | 'PodmanArgs' | Coded | Cannot;

/** A distrobox create option of a fleet box of the same name, or why a box has none. */
export type DistroboxEntry = { option: string } | Implicit | Cannot;

export interface KeyRow<CodeName extends string = string> {
  /** Where the key is in the config, as a JSON pointer: /ipc, /resources/cpus. */
  key: string;
  model: ModelType;
  /** The value the model takes when the config leaves the key out. */
  default?: boolean;
  /**
   * A member of a group that the group cannot be without: a group with one is there only when
   * the config has it; a group without one is always there, empty when left out.
   */
  required?: true;
  run: RunOption | Coded<CodeName>;
  devcontainer: DevcontainerEntry;
  kubernetes: KubernetesEntry;
  quadlet: QuadletEntry;
  compose: ComposeEntry;
  distrobox: DistroboxEntry;
  /** The row of the README's table of limits, when the key is one. */
  readme?: { section: 'Resources'; label: string; how: string };
}

export function cannot(entry: unknown): entry is Cannot {
  return typeof entry === 'object' && entry !== null && 'cannot' in entry;
}

export function isRunOption(entry: KeyRow['run']): entry is RunOption {
  return 'flag' in entry;
}

/** The key as people say it: resources.cpus for /resources/cpus. */
export function keyName(row: Pick<KeyRow, 'key'>): string {
  return row.key.slice(1).replaceAll('/', '.');
}
