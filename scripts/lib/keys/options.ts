// Run options from the key table, both ways: the options an Environment's keys become (for
// launch.sh's run lines and devcontainer.json's runArgs), and the config keys that a list of
// run options gives back (for runArgs, Quadlet's PodmanArgs and a dry run's argv). Like
// Quadlet's lookupAndAdd* helpers, these read only the table: a key whose row says
// `{ flag, form }` needs nothing else.
import type { Environment } from '../model/environment.ts';
import type { Template } from '../template-string.ts';
import { cannot, isRunOption, keyName, type KubernetesEntry, type RunOption } from './row.ts';
import { KEYS, type CodeOf, type Row } from './table.ts';

/** A run option as the model gives it: the value is a template where the key expands. */
export interface RunWord {
  flag: string;
  /** Absent for a switch. */
  value?: Template | string;
}

export type OptionRow = Row & { run: RunOption };

export const OPTION_ROWS: readonly OptionRow[] = KEYS.filter((row): row is OptionRow => isRunOption(row.run));

/** The model's value at a row's key (the model names its keys as the config does). */
export function modelValue(env: Environment, key: string): unknown {
  let value: unknown = env;
  for (const part of key.slice(1).split('/')) {
    if (value === undefined || value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function isTemplate(value: unknown): value is Template {
  return Array.isArray(value) && value.every((p) => typeof p === 'object' && p !== null);
}

/** A name=value pair: a template when the value is one. */
function pair(name: string, value: unknown): Template | string {
  return isTemplate(value) ? [{ literal: `${name}=` }, ...value] : `${name}=${String(value)}`;
}

/** The run options of one row, as the model has its key. */
export function runWords(env: Environment, row: OptionRow): RunWord[] {
  const { flag, form } = row.run;
  const value = modelValue(env, row.key);
  if (value === undefined || value === null) return [];
  switch (form) {
    case 'switch':
      return value === true ? [{ flag }] : [];
    case 'value':
      return [{ flag, value: isTemplate(value) ? value : String(value) }];
    case 'each':
      return (value as unknown[]).map((item) => ({ flag, value: String(item) }));
    case 'pairs':
      return (value as { name: string; value: unknown }[]).map((entry) => ({
        flag,
        value: pair(entry.name, entry.value),
      }));
  }
}

/** The row that reads a flag (or one of its other spellings). */
export function rowOfFlag(flag: string): OptionRow | undefined {
  return OPTION_ROWS.find(
    (row) => row.run.flag === flag || (row.run.aliases as readonly string[] | undefined)?.includes(flag),
  );
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

/** Sets a config key by its pointer, creating the objects above it. */
export function setKey(config: Obj, key: string, value: Json): void {
  const parts = key.slice(1).split('/');
  let at = config;
  for (const part of parts.slice(0, -1)) {
    if (typeof at[part] !== 'object' || at[part] === null || Array.isArray(at[part])) at[part] = {};
    at = at[part] as Obj;
  }
  at[parts[parts.length - 1]!] = value;
}

/** A config key by its pointer, when the config has it. */
export function getKey(config: Obj, key: string): Json | undefined {
  let at: Json | undefined = config;
  for (const part of key.slice(1).split('/')) {
    if (typeof at !== 'object' || at === null || Array.isArray(at)) return undefined;
    at = at[part];
  }
  return at;
}

/**
 * A run option read back as a config key, by its row's form: a switch sets true, a value
 * sets the key (a number where the model reads one), each item joins a list, each pair a map.
 * `value` is undefined for a switch.
 */
export function readOption(config: Obj, row: OptionRow, value: string | undefined): void {
  switch (row.run.form) {
    case 'switch':
      setKey(config, row.key, true);
      return;
    case 'value':
      setKey(config, row.key, row.model === 'number' ? Number(value) : (value ?? ''));
      return;
    case 'each': {
      const list = getKey(config, row.key);
      setKey(config, row.key, [...(Array.isArray(list) ? list : []), value ?? '']);
      return;
    }
    case 'pairs': {
      const text = value ?? '';
      const at = text.indexOf('=');
      const map = getKey(config, row.key);
      setKey(config, row.key, {
        ...(typeof map === 'object' && map !== null && !Array.isArray(map) ? map : {}),
        [at < 0 ? text : text.slice(0, at)]: at < 0 ? '' : text.slice(at + 1),
      });
    }
  }
}

/** Whether a row's flag takes a value (every form but a switch). */
export function takesValue(row: OptionRow): boolean {
  return row.run.form !== 'switch';
}

/**
 * Every row's run options in the table's order: an option row by its form, a coded row by the
 * format's function of that name.
 */
export function eachRunRow<T>(
  env: Environment,
  option: (word: RunWord) => T,
  code: Record<CodeOf<'run'>, (env: Environment) => T[]>,
): T[] {
  return KEYS.flatMap((row) =>
    'code' in row.run ? code[row.run.code](env) : runWords(env, row as OptionRow).map(option),
  );
}

/** Whether the model has a key set: present, not false, not an empty list. */
function isSet(value: unknown): boolean {
  return value !== undefined && value !== false && !(Array.isArray(value) && value.length === 0);
}

export type Column = 'devcontainer' | 'kubernetes' | 'quadlet' | 'compose' | 'distrobox';

/**
 * What a format cannot hold of this environment, by its column's reasons: one line per key
 * set (per group, where all of a group's keys share the reason), with its place in the config.
 */
export function leftOut(env: Environment, column: Column): { message: string; pointer: string }[] {
  const said = new Set<string>();
  const out: { message: string; pointer: string }[] = [];
  for (const row of KEYS) {
    const entry: unknown = row[column];
    if (!cannot(entry) || !isSet(modelValue(env, row.key))) continue;
    const group = row.key.split('/')[1]!;
    const members = KEYS.filter((other) => other.key.startsWith(`/${group}/`));
    const whole =
      members.length > 0 &&
      members.every((other) => {
        const theirs: unknown = other[column];
        return cannot(theirs) && theirs.cannot === entry.cannot;
      });
    const name = whole ? group : keyName(row);
    if (said.has(name)) continue;
    said.add(name);
    out.push({ message: `${name} is not carried: ${entry.cannot}`, pointer: whole ? `/${group}` : row.key });
  }
  return out;
}

/**
 * The Kubernetes column's fields of one part (`container` or `pod`), as a nested object: each
 * row's value as the model has it, a template as `text` writes it; unset keys are left out.
 */
export function kubeFields(
  env: Environment,
  part: 'container' | 'pod',
  text: (template: Template) => string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const row of KEYS) {
    const entry: KubernetesEntry = row.kubernetes;
    if (!(typeof entry === 'object' && part in entry)) continue;
    const value = modelValue(env, row.key);
    if (!isSet(value)) continue;
    const path = (entry as Record<typeof part, string>)[part].split('.');
    let at = out;
    for (const name of path.slice(0, -1)) {
      at[name] ??= {};
      at = at[name] as Record<string, unknown>;
    }
    at[path[path.length - 1]!] = isTemplate(value) ? text(value) : value;
  }
  return out;
}
