// Reads a compose file as compose does before the importer looks at it: YAML with positions,
// services as a mapping of valid names, each with an image or a build, `extends` merged in
// (from the same file or another, relative to this one), depends_on naming services that
// exist and never waiting in a circle. Bad input stops here with compose's own words, the
// file, its line and column.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { JsonValue } from './jsonc.ts';
import { ImportProblem, yamlPlace, yamlProblem } from './problem.ts';

type Obj = { [key: string]: JsonValue };

/** compose-spec's pattern for a service's name. */
const SERVICE_NAME = /^[a-zA-Z0-9._-]+$/;

interface Parsed {
  file: string;
  document: Document;
  lines: LineCounter;
  plain: Obj;
}

function parse(text: string, file: string): Parsed {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines });
  const error = document.errors[0];
  if (error) {
    const { line, col } = lines.linePos(error.pos[0]);
    throw new ImportProblem(`not YAML: ${error.message.split('\n')[0]}`, line, col, '', file);
  }
  const plain = document.toJS({ maxAliasCount: 1000 }) as unknown;
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain))
    throw new ImportProblem('not a compose file: its top level is not a mapping', 1, 1, '', file);
  return { file, document, lines, plain: plain as Obj };
}

function problem(parsed: Parsed, path: (string | number)[], message: string): ImportProblem {
  const found = yamlProblem(parsed.document, parsed.lines, path, message);
  return new ImportProblem(found.message, found.line, found.column, found.pointer, parsed.file);
}

/**
 * The compose file's content, checked, with each service's extends merged in, and the files
 * it includes merged beside it (each of their services marked with its file, whose folder its
 * relative paths are read against).
 */
export function readCompose(text: string, file: string, chain: string[] = []): Obj {
  const parsed = parse(text, file);
  const included = readIncludes(parsed, [...chain, file]);
  const services = parsed.plain.services ?? (Object.keys(included.services).length ? {} : undefined);
  if (Array.isArray(services))
    throw problem(parsed, ['services'], 'services is a list: compose reads a mapping from service names to services');
  if (
    services === null ||
    typeof services !== 'object' ||
    Object.keys({ ...services, ...included.services }).length === 0
  )
    throw problem(parsed, services === undefined ? [] : ['services'], 'no services');
  const merged: Obj = { ...included.services };
  for (const name of Object.keys(services)) {
    if (!SERVICE_NAME.test(name))
      throw problem(
        parsed,
        ['services', name],
        `service name "${name}": compose names a service with letters, digits, ".", "_" and "-"`,
      );
    if (name in included.services)
      throw problem(
        parsed,
        ['services', name],
        `service "${name}" is also in an included file: compose refuses it too`,
      );
    merged[name] = resolveService(parsed, name, [], new Map([[file, parsed]]));
    const resolved = merged[name] as Obj;
    if (resolved.image === undefined && resolved.build === undefined)
      throw problem(parsed, ['services', name], `service "${name}" has neither an image nor build context specified`);
  }
  const declared = { ...included.secrets, ...(isObj(parsed.plain.secrets) ? parsed.plain.secrets : {}) };
  checkDependencies(parsed, merged);
  checkSecrets(parsed, merged, declared);
  checkMountTargets(parsed, merged);
  const top = (key: 'volumes' | 'networks') => ({
    ...included[key],
    ...(isObj(parsed.plain[key]) ? parsed.plain[key] : {}),
  });
  return { ...parsed.plain, services: merged, secrets: declared, volumes: top('volumes'), networks: top('networks') };
}

/** The services, secrets, volumes and networks of the files that include: names, merged. */
function readIncludes(parsed: Parsed, chain: string[]): Record<'services' | 'secrets' | 'volumes' | 'networks', Obj> {
  const out = { services: {} as Obj, secrets: {} as Obj, volumes: {} as Obj, networks: {} as Obj };
  const list = parsed.plain.include;
  for (const [i, entry] of (Array.isArray(list) ? list : []).entries()) {
    const spec = isObj(entry) ? entry.path : entry;
    for (const path of Array.isArray(spec) ? spec.map(String) : [String(spec)]) {
      const absolute = resolve(dirname(parsed.file), path);
      if (chain.includes(absolute))
        throw problem(parsed, ['include', i], `include goes round in a circle: ${[...chain, absolute].join(' → ')}`);
      let text: string;
      try {
        text = readFileSync(absolute, 'utf8');
      } catch {
        throw problem(parsed, ['include', i], `include names ${path}, which cannot be read`);
      }
      const document = readCompose(text, absolute, chain);
      for (const [name, service] of Object.entries(document.services as Obj))
        out.services[name] = { [FILE_MARK]: absolute, ...(service as Obj) };
      for (const key of ['secrets', 'volumes', 'networks'] as const) Object.assign(out[key], document[key]);
    }
  }
  return out;
}

/** The services a service's depends_on names, in its list or its mapping form. */
export function dependencyNames(service: Obj): string[] {
  const dependsOn = service.depends_on;
  return Array.isArray(dependsOn) ? dependsOn.map(String) : isObj(dependsOn) ? Object.keys(dependsOn) : [];
}

/** The key that marks an included service with its file (an x- key, which compose leaves to tools). */
export const FILE_MARK = 'x-boxwright-file';

/** A service with its extends chain merged in, base first. */
function resolveService(parsed: Parsed, name: string, chain: string[], files: Map<string, Parsed>): Obj {
  const services = parsed.plain.services as Obj;
  const service = services[name];
  if (service === null || typeof service !== 'object' || Array.isArray(service))
    throw problem(parsed, ['services', name], `service "${name}" is not a mapping`);
  const here = `${parsed.file}#${name}`;
  if (chain.includes(here))
    throw problem(
      parsed,
      ['services', name, 'extends'],
      `extends goes round in a circle: ${[...chain, here].map((c) => c.replace(/^.*#/, '')).join(' → ')}`,
    );
  const { extends: base, ...own } = service as Obj;
  if (base === undefined) return own;
  const spec = typeof base === 'string' ? { service: base } : (base as Obj);
  const baseName = String(spec.service ?? '');
  let from = parsed;
  if (typeof spec.file === 'string') {
    const path = resolve(dirname(parsed.file), spec.file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw problem(parsed, ['services', name, 'extends', 'file'], `extends names ${spec.file}, which cannot be read`);
    }
    from = files.get(path) ?? parse(text, path);
    files.set(path, from);
  }
  const baseServices = from.plain.services as Obj | undefined;
  if (!baseServices || typeof baseServices !== 'object' || !(baseServices as Obj)[baseName])
    throw problem(
      parsed,
      ['services', name, 'extends'],
      `extends names service "${baseName}", which ${from === parsed ? 'this file' : spec.file} does not have`,
    );
  return merge(resolveService(from, baseName, [...chain, here], files), own) as Obj;
}

/** compose's merge: mappings key by key; command, entrypoint and a health check's test replaced; other lists joined. */
function merge(base: JsonValue, over: JsonValue, key = ''): JsonValue {
  if (over === undefined) return base;
  if (Array.isArray(base) && Array.isArray(over)) {
    if (['command', 'entrypoint', 'test'].includes(key)) return over;
    const seen = new Set(base.map((item) => JSON.stringify(item)));
    return [...base, ...over.filter((item) => !seen.has(JSON.stringify(item)))];
  }
  if (isObj(base) && isObj(over)) {
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = merge(base[k] as JsonValue, v, k);
    return out;
  }
  return over;
}

function isObj(value: JsonValue | undefined): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** depends_on names services that exist, and no service waits, through others, for itself. */
function checkDependencies(parsed: Parsed, services: Obj): void {
  const needs = new Map<string, string[]>();
  for (const [name, service] of Object.entries(services)) {
    const names = dependencyNames(service as Obj);
    for (const other of names)
      if (!(other in services))
        throw problem(
          parsed,
          ['services', name, 'depends_on'],
          `service "${name}" depends on undefined service "${other}"`,
        );
    needs.set(name, names);
  }
  const done = new Set<string>();
  const visit = (name: string, path: string[]): void => {
    if (path.includes(name)) {
      const cycle = [...path.slice(path.indexOf(name)), name];
      throw problem(parsed, ['services', cycle[0]!, 'depends_on'], `dependency cycle: ${cycle.join(' → ')}`);
    }
    if (done.has(name)) return;
    for (const other of needs.get(name) ?? []) visit(other, [...path, name]);
    done.add(name);
  };
  for (const name of needs.keys()) visit(name, []);
}

/** Each secret a service uses is declared at the top, with where its value comes from. */
function checkSecrets(parsed: Parsed, services: Obj, declared: Obj): void {
  for (const [name, spec] of Object.entries(declared)) {
    const entry = isObj(spec) ? spec : {};
    if (!['file', 'environment', 'external', 'name'].some((key) => entry[key] !== undefined))
      throw problem(parsed, ['secrets', name], `secret "${name}" must declare either "file" or "environment"`);
  }
  for (const [name, service] of Object.entries(services)) {
    const used = (service as Obj).secrets;
    for (const [i, entry] of (Array.isArray(used) ? used : []).entries()) {
      const secret = String(isObj(entry) ? entry.source : entry);
      if (!(secret in declared))
        throw problem(
          parsed,
          ['services', name, 'secrets', i],
          `service "${name}" refers to undefined secret ${secret}`,
        );
    }
  }
}

/** No two mounts of a service on one target (compose refuses it too): both lines named. */
function checkMountTargets(parsed: Parsed, services: Obj): void {
  for (const [name, service] of Object.entries(services)) {
    const volumes = (service as Obj).volumes;
    const seen = new Map<string, number>();
    for (const [i, volume] of (Array.isArray(volumes) ? volumes : []).entries()) {
      const target = isObj(volume) ? String(volume.target) : (String(volume).split(':')[1] ?? String(volume));
      const first = seen.get(target);
      if (first === undefined) {
        seen.set(target, i);
        continue;
      }
      const { line } = yamlPlace(parsed.document, parsed.lines, ['services', name, 'volumes', first]);
      throw problem(
        parsed,
        ['services', name, 'volumes', i],
        `service "${name}" mounts two volumes on ${target} (the other on line ${line}): compose refuses it too`,
      );
    }
  }
}
