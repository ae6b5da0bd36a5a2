// The Fleet model: distrobox containers (seed 004), with defaults and includes resolved,
// and every value checked against what distrobox's manifest parser can carry.
import type { ProblemList } from '../problems.ts';
import { suggestion } from '../problems.ts';
import type { WordPart } from '../shell/quote.ts';
import {
  BOOLEAN_KEYS,
  LIST_KEYS,
  PATH_KEYS,
  STRING_KEYS,
  type BooleanKey,
  type ListKey,
  type StringKey,
} from './distrobox-options.ts';
import type { Locator } from './kernel.ts';

export { BOOLEAN_KEYS, LIST_KEYS, STRING_KEYS };

export type BoxConfig = Partial<Record<BooleanKey, boolean>> &
  Partial<Record<StringKey, string>> &
  Partial<Record<ListKey, string[]>>;

export interface FleetConfig {
  description?: string;
  defaults?: BoxConfig;
  containers: Record<
    string,
    BoxConfig & {
      description?: string;
      template?: boolean;
      include?: string[];
      ports?: { port: number; description?: string }[];
    }
  >;
}

/** A manifest value: text, where a leading ~ in a path became the host's $HOME. */
export type Value = WordPart[];

export interface Box {
  name: string;
  description?: string;
  template: boolean;
  ports: { port: number; description?: string }[];
  booleans: Partial<Record<BooleanKey, boolean>>;
  strings: Partial<Record<StringKey, Value>>;
  lists: Partial<Record<ListKey, Value[]>>;
}

export interface Fleet {
  id: string;
  source: string;
  description?: string;
  boxes: Box[];
}

/** Why distrobox's assemble parser would not read `text` back unchanged, if it would not. */
export function manifestProblem(text: string): string | undefined {
  if (/[\r\n]/.test(text)) return 'a manifest value cannot span lines';
  const evaluated = /[$`"\\]/.exec(text);
  if (evaluated)
    return `distrobox's parser evaluates values with the shell, so ${JSON.stringify(evaluated[0])} would not survive`;
  if (text.includes('¤')) return 'distrobox joins repeated values with "¤", so a value cannot contain it';
  if (text.includes('\t')) return 'distrobox turns tabs into spaces';
  if (text.includes(' #')) return 'distrobox strips " #" and what follows as a comment';
  if (/\].*#/.test(text)) return 'distrobox strips from "]" to a later "#" as a comment';
  if (text.trim() !== text)
    return 'distrobox pads repeated values with spaces, so leading or trailing spaces would not survive';
  return undefined;
}

export function buildFleet(
  id: string,
  source: string,
  config: FleetConfig,
  at: Locator,
  problems: ProblemList,
): Fleet | undefined {
  const before = problems.items.length;
  const names = Object.keys(config.containers);
  const resolved = new Map<string, BoxConfig>();
  const resolving: string[] = [];

  const value = (key: string, text: string, pointer: string): Value => {
    const problem = manifestProblem(text);
    if (problem) problems.add(at(pointer), `this ${key} cannot be written to distrobox.ini faithfully: ${problem}`);
    if (PATH_KEYS.has(key) && (text === '~' || text.startsWith('~/')))
      return [{ variable: 'HOME' }, { literal: text.slice(1) }];
    return [{ literal: text }];
  };

  const mergeOnto = (base: BoxConfig, own: BoxConfig): BoxConfig => {
    const out: BoxConfig = { ...base };
    for (const key of BOOLEAN_KEYS) if (own[key] !== undefined) out[key] = own[key];
    for (const key of STRING_KEYS) if (own[key] !== undefined) out[key] = own[key];
    for (const key of LIST_KEYS) if (own[key] !== undefined) out[key] = [...(base[key] ?? []), ...own[key]!];
    return out;
  };

  const resolve = (name: string): BoxConfig => {
    const done = resolved.get(name);
    if (done) return done;
    if (resolving.includes(name)) {
      problems.add(
        at(`/containers/${name}/include`),
        `include cycle: ${[...resolving.slice(resolving.indexOf(name)), name].join(' → ')}`,
      );
      return {};
    }
    resolving.push(name);
    const own = config.containers[name]!;
    let base: BoxConfig = config.defaults ?? {};
    if (own.include?.length) {
      base = {};
      own.include.forEach((included, i) => {
        if (!names.includes(included))
          problems.add(
            at(`/containers/${name}/include/${i}`),
            `no container named "${included}"`,
            suggestion(included, names),
          );
        else base = mergeOnto(base, resolve(included));
      });
    }
    const result = mergeOnto(base, own);
    resolving.pop();
    resolved.set(name, result);
    return result;
  };

  const boxes: Box[] = names.map((name) => {
    const own = config.containers[name]!;
    const box = resolve(name);
    const pointer = `/containers/${name}`;
    // Inherited values are checked where they are written, once, below.
    const where = (key: string, index?: number) => {
      const path = index === undefined ? key : `${key}/${index}`;
      if (own[key as keyof BoxConfig] !== undefined) return `${pointer}/${path}`;
      return config.defaults?.[key as keyof BoxConfig] !== undefined ? `/defaults/${path}` : pointer;
    };
    if (box.image === undefined && box.clone === undefined)
      problems.add(at(pointer), `container "${name}" needs an image or a clone`);
    if (box.image !== undefined && box.clone !== undefined)
      problems.add(
        at(pointer),
        `container "${name}" has both an image and a clone`,
        'a clone copies another container, image and all',
      );
    if (box.clone !== undefined && !names.includes(box.clone))
      problems.add(at(where('clone')), `no container named "${box.clone}" to clone`, suggestion(box.clone, names));
    const strings: Box['strings'] = {};
    for (const key of STRING_KEYS) if (box[key] !== undefined) strings[key] = value(key, box[key]!, where(key));
    const lists: Box['lists'] = {};
    for (const key of LIST_KEYS) {
      if (!box[key]?.length) continue;
      const ownCount = own[key]?.length ?? 0;
      const inherited = box[key]!.length - ownCount;
      // Inherited items are reported where they were written: the defaults, or the includes.
      const inheritedAt = (i: number) => (own.include?.length ? `${pointer}/include` : `/defaults/${key}/${i}`);
      lists[key] = box[key]!.map((text, i) =>
        value(key, text, i >= inherited ? `${pointer}/${key}/${i - inherited}` : inheritedAt(i)),
      );
    }
    const booleans: Box['booleans'] = {};
    for (const key of BOOLEAN_KEYS) if (box[key] !== undefined) booleans[key] = box[key];
    return {
      name,
      description: own.description,
      template: own.template ?? false,
      ports: own.ports ?? [],
      booleans,
      strings,
      lists,
    };
  });

  if (problems.items.length > before) return undefined;
  return { id, source, description: config.description, boxes };
}
