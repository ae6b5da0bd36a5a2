// JSON values that remember where they were written, so that a problem found after
// `extends` merged several files still points at the file and line that caused it.
import type { Location } from './problems.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type Located =
  | { kind: 'object'; at: Location; entries: Map<string, { keyAt: Location; value: Located }> }
  | { kind: 'array'; at: Location; items: Located[] }
  | { kind: 'scalar'; at: Location; value: string | number | boolean | null };

export function toPlain(node: Located): JsonValue {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'array':
      return node.items.map(toPlain);
    case 'object': {
      const out: { [key: string]: JsonValue } = {};
      for (const [key, { value }] of node.entries) out[key] = toPlain(value);
      return out;
    }
  }
}

/** JSON pointer segments, unescaped. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

export function pointerOf(segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/**
 * Where the value at `pointer` (in the merged document) was written. With `key`, the
 * location of the property name instead of its value, which is where an unknown key is.
 */
export function locate(root: Located, pointer: string, key?: string): Location {
  let node = root;
  for (const segment of pointerSegments(pointer)) {
    const next = child(node, segment);
    if (!next) return node.at;
    node = next;
  }
  if (key !== undefined && node.kind === 'object') {
    const entry = node.entries.get(key);
    if (entry) return entry.keyAt;
  }
  return node.at;
}

export function child(node: Located, segment: string): Located | undefined {
  if (node.kind === 'object') return node.entries.get(segment)?.value;
  if (node.kind === 'array') return node.items[Number(segment)];
  return undefined;
}

export type MergeRule = 'append' | 'replace';

/**
 * Merges `over` onto `base`: objects merge key by key, scalars and arrays from `over` win,
 * except arrays whose rule (from the schema) is `append`. Locations travel with the values.
 */
export function merge(
  base: Located,
  over: Located,
  ruleAt: (path: readonly string[]) => MergeRule,
  path: string[] = [],
): Located {
  if (base.kind === 'object' && over.kind === 'object') {
    const entries = new Map(base.entries);
    for (const [key, entry] of over.entries) {
      const previous = entries.get(key);
      entries.set(
        key,
        previous ? { keyAt: entry.keyAt, value: merge(previous.value, entry.value, ruleAt, [...path, key]) } : entry,
      );
    }
    return { kind: 'object', at: over.at, entries };
  }
  if (base.kind === 'array' && over.kind === 'array' && ruleAt(path) === 'append') {
    return { kind: 'array', at: over.at, items: [...base.items, ...over.items] };
  }
  return over;
}
