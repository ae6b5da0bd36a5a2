// How the model reads the key table's keys: each row's `model` says the type, whether the
// key is a template expanded on the host, and its default. The Environment's fields for these
// keys, and the config's, are typed from the table (top-level keys, and the groups such as
// resources), so a new key needs its row and its schema entry, and nothing in the model.
import type { ProblemList } from '../problems.ts';
import type { Template } from '../template-string.ts';
import type { Locator, Scope } from '../model/kernel.ts';
import { parseSize, runtimeSize } from '../model/size.ts';
import { keyName, type ModelType } from './row.ts';
import { KEYS, type Row } from './table.ts';

export interface Pair<Value> {
  name: string;
  value: Value;
}

/** A key's value in the model, by its row's type. */
type ModelValue<M> = M extends 'template'
  ? Template
  : M extends 'string' | 'size'
    ? string
    : M extends 'number'
      ? number
      : M extends 'boolean'
        ? boolean
        : M extends 'list'
          ? string[]
          : M extends 'map'
            ? Pair<Template>[]
            : M extends 'pairs'
              ? Pair<string>[]
              : never;

/** A key's value in the config, by its row's type. */
type ConfigValue<M> = M extends 'template' | 'string' | 'size'
  ? string
  : M extends 'number'
    ? number
    : M extends 'boolean'
      ? boolean
      : M extends 'list'
        ? string[]
        : M extends 'map' | 'pairs'
          ? Record<string, string>
          : never;

type TopLevel<K> = K extends `/${infer Name}` ? (Name extends `${string}/${string}` ? never : Name) : never;
type GroupOf<K> = K extends `/${infer Group}/${string}` ? Group : never;
type MemberOf<K> = K extends `/${string}/${infer Member}` ? Member : never;
type Read = Exclude<Row, { model: 'code' }>;
/** Read as lists (empty when left out) or with a default: always there in the model. */
type Always = Extract<Read, { default: boolean } | { model: 'list' | 'map' | 'pairs' } | { required: true }>;
type Sometimes = Exclude<Read, Always>;

/** The model's fields for the table's top-level keys. */
export type TopLevelValues = { [R in Always as TopLevel<R['key']>]: ModelValue<R['model']> } & {
  [R in Sometimes as TopLevel<R['key']>]?: ModelValue<R['model']>;
};

/** The config's fields for the table's top-level keys, as the schema has them. */
export type TopLevelConfig = { [R in Read as TopLevel<R['key']>]?: ConfigValue<R['model']> };

/** A group's members in the model: those always there, and the others. */
type GroupValue<G extends string> = {
  [R in Extract<Always, { key: `/${G}/${string}` }> as MemberOf<R['key']>]: ModelValue<R['model']>;
} & { [R in Extract<Sometimes, { key: `/${G}/${string}` }> as MemberOf<R['key']>]?: ModelValue<R['model']> };

/** A group's members in the config: the required ones, and the others. */
type GroupConfig<G extends string> = {
  [R in Extract<Read, { key: `/${G}/${string}`; required: true }> as MemberOf<R['key']>]: ConfigValue<R['model']>;
} & {
  [R in Exclude<Extract<Read, { key: `/${G}/${string}` }>, { required: true }> as MemberOf<R['key']>]?: ConfigValue<
    R['model']
  >;
};

type Group = GroupOf<Read['key']>;
/** The groups with a required member: there only when the config has them. */
type OptionalGroup = GroupOf<Extract<Read, { required: true }>['key']>;

/** The model's groups of keys (objects in the config whose members are rows of the table). */
export type GroupValues = { [G in Exclude<Group, OptionalGroup>]: GroupValue<G> } & {
  [G in OptionalGroup]?: GroupValue<G>;
};

/** The config's groups, as the schema has them. */
export type GroupConfigs = { [G in Group]?: GroupConfig<G> };

export type KeyValues = TopLevelValues & GroupValues;

type Plain = { [key: string]: unknown };

/** The groups the model always has: those with no required member. */
const GROUPS = [...new Set(KEYS.flatMap((row) => (row.key.split('/').length > 2 ? [row.key.split('/')[1]!] : [])))];
const ALWAYS_GROUPS = GROUPS.filter(
  (group) => !KEYS.some((row) => row.key.startsWith(`/${group}/`) && 'required' in row),
);

/**
 * Every row's key as the model reads it, after the variables are declared (templates may use
 * them). A group is an object where the config has one, and always for capabilities and
 * resources, whose members are read where they are used.
 */
export function readKeys(config: Plain, names: Scope): KeyValues {
  const out: Plain = Object.fromEntries(ALWAYS_GROUPS.map((group) => [group, {}]));
  for (const row of KEYS) {
    if (row.model === 'code') continue;
    const parts = row.key.slice(1).split('/');
    const group = parts.length > 1 ? (config[parts[0]!] as Plain | undefined) : config;
    // A group the config leaves out stays out, but for those the model always has.
    if (group === undefined && !(parts[0]! in out)) continue;
    const written = group?.[parts[parts.length - 1]!];
    const value = readValue(row, written, names);
    if (value === undefined) continue;
    if (parts.length === 1) out[parts[0]!] = value;
    else {
      out[parts[0]!] ??= {};
      (out[parts[0]!] as Plain)[parts[1]!] = value;
    }
  }
  return out as unknown as KeyValues;
}

function readValue(row: Row, written: unknown, names: Scope): unknown {
  const model: ModelType = row.model;
  if (written === undefined) {
    if ('default' in row) return row.default;
    return model === 'list' || model === 'map' || model === 'pairs' ? [] : undefined;
  }
  switch (model) {
    case 'template':
      return names.template(String(written), row.key);
    case 'size':
      return size(String(written), row.key, names.at, names.problems);
    case 'map':
    case 'pairs':
      return Object.entries(written as Record<string, string>).map(([name, value]) => {
        if (name === '' || name.includes('='))
          names.problems.add(
            names.at(row.key, name),
            `${keyName(row)} name "${name}" must be non-empty and contain no "="`,
          );
        return { name, value: model === 'map' ? names.template(value, `${row.key}/${name}`) : value };
      });
    default:
      return written;
  }
}

/** A size in the form both runtimes read alike (see size.ts). */
function size(written: string, pointer: string, at: Locator, problems: ProblemList): string {
  const parsed = parseSize(written);
  if ('problem' in parsed) {
    problems.add(at(pointer), parsed.problem);
    return written;
  }
  return runtimeSize(parsed.bytes);
}
