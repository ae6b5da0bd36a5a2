// Writes an imported config as JSONC, the way boxwright's own configs are written: two-space
// indents, and // comments where the importer has something to say (above a key, or at the
// end of an object for what it could not carry there).

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Comments by JSON pointer: `above` a key's line; `left` at the end of an object. */
export interface Remarks {
  above: Map<string, string[]>;
  left: Map<string, string[]>;
}

export function emptyRemarks(): Remarks {
  return { above: new Map(), left: new Map() };
}

export function remark(map: Map<string, string[]>, pointer: string, text: string): void {
  map.set(pointer, [...(map.get(pointer) ?? []), text]);
}

export function pointerOf(parent: string, key: string | number): string {
  return `${parent}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

export function writeJsonc(value: JsonValue, remarks: Remarks, header: string[]): string {
  const lines = [...header.map((line) => `// ${line}`), ...render(value, '', '', remarks)];
  return `${lines.join('\n')}\n`;
}

function comments(texts: string[] | undefined, indent: string): string[] {
  return (texts ?? []).flatMap((text) => text.split('\n').map((line) => `${indent}// ${line}`.trimEnd()));
}

function render(value: JsonValue, pointer: string, indent: string, remarks: Remarks): string[] {
  if (value === null || typeof value !== 'object') return [JSON.stringify(value)];
  const inner = `${indent}  `;
  const isArray = Array.isArray(value);
  const entries: [string | number, JsonValue][] = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
  const left = comments(remarks.left.get(pointer), inner);
  if (entries.length === 0 && left.length === 0) return [isArray ? '[]' : '{}'];
  // Short lists of scalars stay on one line, as people write them.
  if (isArray && left.length === 0 && value.every((v) => v === null || typeof v !== 'object')) {
    const line = `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    if (line.length <= 80 && !entries.some(([key]) => remarks.above.has(pointerOf(pointer, key)))) return [line];
  }
  const out = [isArray ? '[' : '{'];
  for (const [key, item] of entries) {
    const at = pointerOf(pointer, key);
    out.push(...comments(remarks.above.get(at), inner));
    const [first, ...rest] = render(item, at, inner, remarks);
    out.push(`${inner}${isArray ? '' : `${JSON.stringify(key)}: `}${first}`, ...rest);
    out[out.length - 1] += ',';
  }
  out.push(...left, `${indent}${isArray ? ']' : '}'}`);
  return out;
}
