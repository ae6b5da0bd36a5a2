// The pipeline for a set of configs: load (with positions and extends) → validate against
// the kind's schema → build the model (semantic checks) → render targets. Reports every
// problem in every file; produces files only when there are none.
import { readdirSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { KINDS, type Kind } from './kinds.ts';
import { type LoadedConfig, loadConfig, parseOwn } from './load.ts';
import { SCHEMAS_DIR } from './paths.ts';
import { locate, toPlain, type Located } from './located.ts';
import { buildEnvironment, type EnvironmentConfig } from './model/environment.ts';
import type { ConfigLookup } from './model/stack.ts';
import type { GeneratedFile } from './output.ts';
import { ProblemList, suggestion, type Problem } from './problems.ts';
import { compileSchema, validateLocated, type CompiledSchema } from './validate.ts';

export interface CompileOptions {
  cwd: string;
  configsDir: string;
  /** Where the files will be written; scripts that refer to the repository need the path. */
  outDir?: string;
  /** Where a config's own files (local features) are read: cwd unless said (the importer's scratch). */
  repository?: string;
  only?: readonly string[];
}

export interface Compilation {
  problems: Problem[];
  /** What a target leaves out or says differently: shown, but it stops nothing. */
  warnings: Problem[];
  files: GeneratedFile[];
  /** The config ids that were compiled (their folders in the output). */
  ids: string[];
  /** Entries of the configs folder that look meant as configs but are not read, and why. */
  ignored: string[];
}

export class UsageError extends Error {}

const schemas = new Map<string, CompiledSchema>();
const CONFIG_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function schemaOf(kind: Kind): CompiledSchema {
  const cached = schemas.get(kind.name);
  if (cached) return cached;
  const compiled = compileSchema(join(SCHEMAS_DIR, kind.schemaFile));
  schemas.set(kind.name, compiled);
  return compiled;
}

export function listConfigs(configsDir: string, ignored: string[] = []): Map<string, string> {
  const configs = new Map<string, string>();
  const byLowerCase = new Map<string, string>();
  for (const entry of readdirSync(configsDir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const name = entry.name;
    if (!/\.jsonc?$/.test(name)) {
      if (entry.isDirectory() && !name.startsWith('.'))
        ignored.push(`${name}/: a folder (only configs directly in it are read)`);
      else if (/\.json[c5]?$/i.test(name)) ignored.push(`${name}: not read (configs end in .json or .jsonc)`);
      continue;
    }
    const id = basename(name).replace(/\.jsonc?$/, '');
    // The name becomes a folder in generated/ and a word in scripts and hooks.
    if (!CONFIG_NAME.test(id))
      throw new UsageError(`config file name "${name}" must be letters, digits, ".", "_" or "-"`);
    if (configs.has(id)) throw new UsageError(`two configs are named ${id}: rename one of them`);
    // Their folders in generated/ would be one folder on macOS and Windows.
    const twin = byLowerCase.get(id.toLowerCase());
    if (twin !== undefined)
      throw new UsageError(
        `configs ${twin} and ${id} differ only in case, and would collide on a case-insensitive disk`,
      );
    byLowerCase.set(id.toLowerCase(), id);
    configs.set(id, join(configsDir, name));
  }
  return configs;
}

export function compileConfigs(options: CompileOptions): Compilation {
  const ignored: string[] = [];
  const all = listConfigs(options.configsDir, ignored);
  for (const id of options.only ?? []) {
    if (!all.has(id))
      throw new UsageError(
        `no config named "${id}" in ${relative(options.cwd, options.configsDir) || '.'}: ${suggestion(id, [...all.keys()])}`,
      );
  }
  const ids = [...all.keys()].filter((id) => !options.only?.length || options.only.includes(id));
  const problems = new ProblemList();
  const warnings = new ProblemList();
  const parsed = new Map<string, Located | null>();
  const files: GeneratedFile[] = [];
  const lookup = lookupIn(all, options.cwd, parsed, problems);
  const inQuadletStacks = quadletMembers(all, options.cwd);
  for (const id of ids) {
    const root =
      relative(join(options.outDir ?? join(options.cwd, 'generated'), id), options.cwd)
        .split(sep)
        .join('/') || '.';
    const output =
      relative(options.cwd, options.outDir ?? join(options.cwd, 'generated'))
        .split(sep)
        .join('/') || '.';
    const produced = compileOne(id, all.get(id)!, options.cwd, root, problems, warnings, parsed, lookup, {
      configNames: [...all.keys()],
      inQuadletStack: inQuadletStacks.has(id),
      output,
      repository: options.repository ?? options.cwd,
    });
    if (produced) files.push(...produced);
  }
  return { problems: problems.items, warnings: warnings.items, files: problems.empty ? files : [], ids, ignored };
}

/**
 * Another config by name, merged and checked against its kind's schema, for kinds that
 * refer to other configs. Its own problems join the run's, so that they show with
 * `--only STACK` too; when it is compiled itself as well, the list keeps one of each.
 */
function lookupIn(
  all: Map<string, string>,
  cwd: string,
  parsed: Map<string, Located | null>,
  problems: ProblemList,
): ConfigLookup {
  return (name) => {
    const path = all.get(name);
    if (!path) return undefined;
    const quiet = new ProblemList();
    const found = lookUp(name, path, cwd, parsed, quiet);
    for (const problem of quiet.items) problems.add(problem.location, problem.message, problem.hint);
    return found;
  };
}

function lookUp(
  name: string,
  path: string,
  cwd: string,
  parsed: Map<string, Located | null>,
  quiet: ProblemList,
): ReturnType<ConfigLookup> {
  const found = loadByKind(path, cwd, quiet, parsed);
  if (!found) return { kind: 'invalid', valid: false, abstract: false };
  const { kind, schema, loaded } = found;
  const valid = validateLocated(schema, loaded.merged, quiet) && quiet.empty;
  if (!valid || kind.name !== 'environment') return { kind: kind.name, valid, abstract: isAbstract(loaded.own) };
  // The member as its own compilation sees it: templates parsed, defaults applied.
  const source = relative(cwd, path).split(sep).join('/');
  const environment = buildEnvironment(
    name,
    source,
    toPlain(loaded.merged) as unknown as EnvironmentConfig,
    (pointer, key) => locate(loaded.merged, pointer, key),
    quiet,
  );
  return { kind: kind.name, valid: environment !== undefined, abstract: isAbstract(loaded.own), environment };
}

function compileOne(
  id: string,
  path: string,
  cwd: string,
  root: string,
  problems: ProblemList,
  warnings: ProblemList,
  parsed: Map<string, Located | null>,
  lookup: ConfigLookup,
  {
    configNames,
    inQuadletStack,
    output,
    repository,
  }: { configNames: string[]; inQuadletStack: boolean; output: string; repository: string },
): GeneratedFile[] | undefined {
  const found = loadByKind(path, cwd, problems, parsed);
  if (!found) return undefined;
  const { kind, schema, loaded } = found;

  let valid = true;
  for (const source of loaded.sources) {
    const own = parsed.get(source);
    if (own) valid = validateLocated(schema, own, problems, true) && valid;
  }
  if (isAbstract(loaded.own)) return valid ? [] : undefined;
  valid = validateLocated(schema, loaded.merged, problems) && valid;
  valid = rejectNul(loaded.merged, problems) && valid;
  if (!valid) return undefined;

  const source = relative(cwd, path).split(sep).join('/');
  return kind.compile(toPlain(loaded.merged), {
    id,
    source,
    root,
    repository,
    output,
    lookup,
    configNames,
    inQuadletStack,
    at: (pointer, key) => locate(loaded.merged, pointer, key),
    problems,
    warnings,
  });
}

/**
 * The configs that a stack with Quadlet units has as members: their launch.sh installs the
 * stack's unit for them (it knows what up decides when it runs). Read aside, with problems
 * and parses of their own, so that each config's problems are still reported once, by its
 * own compilation.
 */
function quadletMembers(all: Map<string, string>, cwd: string): Set<string> {
  const members = new Set<string>();
  const parsed = new Map<string, Located | null>();
  for (const path of all.values()) {
    const found = loadByKind(path, cwd, new ProblemList(), parsed);
    if (found?.kind.name !== 'stack') continue;
    const stack = toPlain(found.loaded.merged) as { quadlet?: unknown; members?: Record<string, { config?: unknown }> };
    if (stack.quadlet === undefined) continue;
    for (const member of Object.values(stack.members ?? {}))
      if (typeof member?.config === 'string') members.add(member.config);
  }
  return members;
}

/**
 * The config merged by the rules of its kind's schema. The kind picks the schema, so it is
 * found first: in the file itself (then the file is merged once), else through its extends
 * (merged plainly to find it, then by the rules).
 */
function loadByKind(
  path: string,
  cwd: string,
  problems: ProblemList,
  parsed: Map<string, Located | null>,
): { kind: Kind; schema: CompiledSchema; loaded: LoadedConfig } | undefined {
  const own = parseOwn(path, cwd, problems, parsed);
  const named = own?.kind === 'object' && own.entries.has('kind');
  const probe = named ? own : loadConfig(path, cwd, () => 'replace', problems, parsed)?.merged;
  const kind = probe && kindOf(probe, problems);
  if (!kind) return undefined;
  const schema = schemaOf(kind);
  const loaded = loadConfig(path, cwd, schema.ruleAt, problems, parsed);
  return loaded && { kind, schema, loaded };
}

function kindOf(config: Located, problems: ProblemList): Kind | undefined {
  const names = KINDS.map((k) => k.name);
  const entry = config.kind === 'object' ? config.entries.get('kind') : undefined;
  if (!entry) {
    problems.add(config.at, 'missing required key "kind"', `one of: ${names.join(', ')}`);
    return undefined;
  }
  const value = entry.value.kind === 'scalar' ? entry.value.value : undefined;
  const kind = KINDS.find((k) => k.name === value);
  if (!kind) problems.add(entry.value.at, `unknown kind ${JSON.stringify(value)}`, suggestion(String(value), names));
  return kind;
}

function isAbstract(own: Located): boolean {
  const entry = own.kind === 'object' ? own.entries.get('abstract') : undefined;
  return entry?.value.kind === 'scalar' && entry.value.value === true;
}

/** A NUL cannot travel through argv or shell variables, so no string may hold one. */
function rejectNul(node: Located, problems: ProblemList): boolean {
  if (node.kind === 'scalar') {
    if (typeof node.value === 'string' && node.value.includes('\0')) {
      problems.add(node.at, 'contains a NUL character, which no shell can carry');
      return false;
    }
    return true;
  }
  const children = node.kind === 'array' ? node.items : [...node.entries.values()].map((e) => e.value);
  return children.map((child) => rejectNul(child, problems)).every(Boolean);
}
