// Imports a distrobox assemble manifest (distrobox.ini) as a `kind: distrobox` config. The
// manifest is read the way assemble 1.8 reads it (parse_file: comments, sections, keys,
// repeated keys, true/false), and each value as assemble hands it to the shell: a value in
// quotes loses them, hooks lose one pair of surrounding quotes. What it cannot carry is left
// out with a comment that says why.
import { project, schemaReference } from '../project.ts';
import { BOOLEAN_KEYS, LIST_KEYS, STRING_KEYS } from '../model/distrobox.ts';
import { ImportProblem } from './problem.ts';
import { emptyRemarks, type JsonValue, pointerOf, remark, type Remarks } from './jsonc.ts';

export interface Imported {
  config: { [key: string]: JsonValue };
  remarks: Remarks;
}

/** The lines of each section, as assemble's parse_file cleans them. */
export function readManifest(
  text: string,
): { name: string; line: number; entries: { key: string; value: string; line: number }[] }[] {
  const sections: { name: string; line: number; entries: { key: string; value: string; line: number }[] }[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw
      .replace(/\r$/, '')
      .replaceAll('\t', ' ')
      .replace(/^#.*/, '')
      .replace(/].*#.*/, '')
      .replace(/ #.*/, '')
      .replace(/\s*$/, '');
    if (line === '') continue;
    if (line.startsWith('[')) {
      sections.push({ name: line.replace(/[\][ ]/g, ''), line: index + 1, entries: [] });
      continue;
    }
    const equals = line.indexOf('=');
    const key = (equals < 0 ? line : line.slice(0, equals)).replaceAll(' ', '');
    const value = equals < 0 ? line : line.slice(equals + 1);
    if (key !== '' && value !== '' && sections.length) sections.at(-1)!.entries.push({ key, value, line: index + 1 });
  }
  return sections;
}

/**
 * A value as the shell that sources assemble's variables leaves it: one pair of quotes
 * removed (with \", \\, \$ and \` inside double quotes). Undefined when the shell would do
 * more than that with it (expand a variable, run a command, split or glob it), which
 * boxwright would not reproduce.
 */
function shellValue(raw: string): string | undefined {
  if (/^'[^']*'$/.test(raw)) return raw.slice(1, -1);
  if (/^".*"$/.test(raw)) {
    const inner = raw.slice(1, -1);
    if (/(^|[^\\])["`]|\$(?!HOME\b|USER\b|PATH\b|\{HOME\}|\{USER\}|\{PATH\})/.test(inner.replace(/\\[\\"$`]/g, '')))
      return undefined;
    return inner.replace(/\\([\\"$`])/g, '$1');
  }
  // A value with a space is sourced between double quotes, where "\ " stays as written.
  const plain = raw.includes(' ') ? raw.replaceAll('\\ ', '') : raw;
  if (/["'`\\]|\$(?!HOME\b|USER\b|PATH\b|\{HOME\}|\{USER\}|\{PATH\})/.test(plain)) return undefined;
  return raw;
}

/** A hook as assemble passes it on: without one pair of surrounding quotes, nothing else. */
function hookValue(raw: string): string {
  for (const quote of ['"', "'"]) if (raw.startsWith(quote)) return raw.slice(1).replace(new RegExp(`${quote}$`), '');
  return raw;
}

const BOOLEANS: Record<string, boolean> = { true: true, '1': true, false: false, '0': false };

export function importDistrobox(text: string, source: string): Imported {
  const remarks = emptyRemarks();
  const containers: { [name: string]: JsonValue } = {};
  const manifest = readManifest(text);
  checkIncludes(manifest);
  for (const section of manifest) {
    const box: { [key: string]: JsonValue } = {};
    const at = pointerOf('/containers', section.name);
    const drop = (key: string, value: string, why: string) => remark(remarks.left, at, `${key}=${value}: ${why}`);
    const lists = new Map<string, JsonValue[]>();
    const push = (key: string, value: JsonValue) => lists.set(key, [...(lists.get(key) ?? []), value]);
    for (const { key, value } of section.entries) {
      if ((BOOLEAN_KEYS as readonly string[]).includes(key)) {
        if (value in BOOLEANS) box[key] = BOOLEANS[value]!;
        else drop(key, value, 'not a boolean (true, false, 1 or 0)');
      } else if (key === 'init_hooks') push('start_hooks', hookValue(value));
      else if (key === 'pre_init_hooks') push(key, hookValue(value));
      else if ((STRING_KEYS as readonly string[]).includes(key) || (LIST_KEYS as readonly string[]).includes(key)) {
        const carried = shellValue(value);
        if (carried === undefined)
          drop(key, value, 'the shell would expand or split it, which boxwright does not repeat');
        else if ((LIST_KEYS as readonly string[]).includes(key)) push(key, carried);
        else {
          if (key in box)
            remark(remarks.above, pointerOf(at, key), `${key} was given more than once: the last one is kept`);
          box[key] = carried;
        }
      } else if (key === 'include') push('include', value);
      else drop(key, value, 'not a key of distrobox assemble 1.8');
    }
    for (const [key, values] of lists) box[key] = values;
    if (lists.has('start_hooks'))
      remark(
        remarks.above,
        pointerOf(at, 'start_hooks'),
        "distrobox's init_hooks run at every start: here they are start_hooks. Move to init_hooks\nthe ones meant to run once per container.",
      );
    containers[section.name] = box;
  }
  return {
    config: { $schema: schemaReference('distrobox'), kind: 'distrobox', containers },
    remarks: withHeader(remarks, source),
  };
}

/**
 * Includes name containers of the manifest and never go round in a circle, which distrobox
 * assemble would follow until it runs out of stack.
 */
function checkIncludes(manifest: ReturnType<typeof readManifest>): void {
  const sections = new Map(manifest.map((s) => [s.name, s]));
  const includes = (name: string) => sections.get(name)?.entries.filter((e) => e.key === 'include') ?? [];
  const visit = (name: string, path: string[]): void => {
    for (const entry of includes(name)) {
      const other = entry.value.replace(/^(["'])(.*)\1$/, '$2');
      const at = pointerOf(pointerOf('/containers', name), 'include');
      if (!sections.has(other))
        throw new ImportProblem(
          `[${name}] includes "${other}", which the manifest has no section for`,
          entry.line,
          1,
          at,
        );
      if (path.includes(other))
        throw new ImportProblem(
          `include cycle: ${[...path.slice(path.indexOf(other)), other].join(' → ')}`,
          entry.line,
          1,
          at,
        );
      visit(other, [...path, other]);
    }
  };
  for (const section of manifest) visit(section.name, [section.name]);
}

function withHeader(remarks: Remarks, source: string): Remarks {
  remark(remarks.above, '/kind', `Imported from ${source} by ${project().import}.`);
  return remarks;
}
