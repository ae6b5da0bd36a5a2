// Reads config files (JSON with comments and trailing commas) into located trees and
// resolves `extends`, reporting every problem with the file, line and column it comes from.
import { isUtf8 } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { createScanner, parseTree, printParseErrorCode, SyntaxKind, type Node, type ParseError } from 'jsonc-parser';
import { merge, pointerOf, type Located, type MergeRule } from './located.ts';
import type { Location, ProblemList } from './problems.ts';

export interface SourceFile {
  path: string; // absolute
  shown: string; // as printed in messages
  text: string;
  /** Where the bytes stop being UTF-8, as an offset into `text`, and the byte found there. */
  invalidUtf8?: { offset: number; byte: number };
}

/**
 * Decodes a file's bytes; bytes that are not UTF-8 would silently become U+FFFD (and, say, a
 * different mount path), so the first of them is found and reported instead.
 */
function decode(bytes: Buffer): Pick<SourceFile, 'text' | 'invalidUtf8'> {
  if (isUtf8(bytes)) return { text: bytes.toString('utf8') };
  // The longest prefix that is UTF-8 (a sequence cut at its end still counts): a binary search.
  const validUpTo = (length: number) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, length), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let low = 0;
  let high = bytes.length;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (validUpTo(mid)) low = mid;
    else high = mid - 1;
  }
  // A streaming decoder holds back a sequence cut at the end: what it returns is every
  // character before the bad one, so its length is the bad character's offset in the text.
  const before = new TextDecoder('utf-8').decode(bytes.subarray(0, low), { stream: true });
  const byte = bytes[Buffer.byteLength(before, 'utf8')] ?? 0;
  return { text: bytes.toString('utf8'), invalidUtf8: { offset: before.length, byte } };
}

export interface LoadedConfig {
  file: SourceFile;
  own: Located; // the file as written
  merged: Located; // after `extends`, without the `extends` key itself
  sources: string[]; // every file that contributed, absolute, this one first
}

/**
 * Line and column of an offset, in time independent of the line's length (a minified config
 * is one long line, and every node of it is located).
 */
export class Positions {
  private readonly lineStarts: number[] = [0];
  /** Surrogate pairs before each offset, where the text has any: columns count characters. */
  private readonly pairsBefore: Uint32Array | undefined;
  constructor(readonly file: SourceFile) {
    const text = file.text;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    if (/[\uD800-\uDBFF]/.test(text)) {
      this.pairsBefore = new Uint32Array(text.length + 1);
      for (let i = 0; i < text.length; i++) {
        const high = text.charCodeAt(i) >= 0xd800 && text.charCodeAt(i) <= 0xdbff;
        this.pairsBefore[i + 1] = this.pairsBefore[i]! + (high ? 1 : 0);
      }
    }
  }
  at(offset: number, pointer: string): Location {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    // Columns count characters as editors do, not UTF-16 units.
    const start = this.lineStarts[low]!;
    const pairs = this.pairsBefore ? this.pairsBefore[offset]! - this.pairsBefore[start]! : 0;
    return { file: this.file.shown, pointer, line: low + 1, column: offset - start - pairs + 1 };
  }
}

/** Why a config file cannot be read, in a few words; thrown by readSource. */
export class UnreadableSource extends Error {}

const NOT_READABLE: Record<string, string> = {
  ENOENT: 'it does not exist (a dangling symbolic link?)',
  EACCES: 'permission denied',
  EISDIR: 'it is a folder',
  ELOOP: 'symbolic links loop',
};

/**
 * Reads a config file. Only a regular file is read: a FIFO would block for ever, a folder or
 * socket is no config.
 */
export function readSource(path: string, cwd: string): SourceFile {
  const shown = relative(cwd, path) || path;
  try {
    const stats = statSync(path);
    if (!stats.isFile())
      throw new UnreadableSource(
        `it is ${stats.isDirectory() ? 'a folder' : stats.isFIFO() ? 'a FIFO' : 'not a regular file'}`,
      );
    return { path, shown, ...decode(readFileSync(path)) };
  } catch (error) {
    if (error instanceof UnreadableSource) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new UnreadableSource(NOT_READABLE[code] ?? `${code || 'it cannot be read'}`);
  }
}

/** Parses one file; on syntax errors reports them all and returns undefined. */
export function parseLocated(file: SourceFile, problems: ProblemList): Located | undefined {
  const errors: ParseError[] = [];
  const positions = new Positions(file);
  if (file.invalidUtf8) {
    const { offset, byte } = file.invalidUtf8;
    problems.add(
      positions.at(offset, ''),
      `invalid UTF-8: byte 0x${byte.toString(16).padStart(2, '0')} here is not part of a character`,
      'save the file as UTF-8',
    );
    return undefined;
  }
  if (file.text.startsWith('\uFEFF')) {
    // Editors on Windows may add one; JSON forbids it, and the parser would only say "invalid symbol".
    problems.add(
      positions.at(0, ''),
      'the file starts with a byte order mark (U+FEFF), which JSON does not allow',
      'save it as UTF-8 without a BOM',
    );
    return undefined;
  }
  const tooDeep = nestingBeyond(file.text, MAX_NESTING);
  if (tooDeep !== undefined) {
    // The parser and every later stage recurse: thousands of levels would exhaust the stack.
    problems.add(positions.at(tooDeep, ''), `nested more than ${MAX_NESTING} levels deep`, 'no config needs that many');
    return undefined;
  }
  const tree = parseTree(file.text, errors, { allowTrailingComma: true, disallowComments: false });
  for (const error of errors) {
    problems.add(positions.at(error.offset, ''), `invalid JSON: ${syntaxMessage(printParseErrorCode(error.error))}`);
  }
  if (errors.length > 0) return undefined;
  if (!tree) {
    problems.add(positions.at(0, ''), 'invalid JSON: the file is empty');
    return undefined;
  }
  return fromNode(tree, [], positions, problems);
}

const MAX_NESTING = 64;

/** The offset of the first bracket that opens level `limit + 1`, if any: one pass, no recursion. */
function nestingBeyond(text: string, limit: number): number | undefined {
  const scanner = createScanner(text, false);
  let depth = 0;
  for (let token = scanner.scan(); token !== SyntaxKind.EOF; token = scanner.scan()) {
    if (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.OpenBracketToken) {
      if (++depth > limit) return scanner.getTokenOffset();
    } else if (token === SyntaxKind.CloseBraceToken || token === SyntaxKind.CloseBracketToken) depth--;
  }
  return undefined;
}

function syntaxMessage(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function fromNode(node: Node, path: (string | number)[], positions: Positions, problems: ProblemList): Located {
  const at = positions.at(node.offset, pointerOf(path));
  if (node.type === 'object') {
    const entries = new Map<string, { keyAt: Location; value: Located }>();
    for (const property of node.children ?? []) {
      const [keyNode, valueNode] = property.children ?? [];
      if (!keyNode || !valueNode) continue;
      const key = String(keyNode.value);
      const keyAt = positions.at(keyNode.offset, pointerOf([...path, key]));
      if (entries.has(key)) {
        problems.add(keyAt, `duplicate key "${key}"`, `it is already set at line ${entries.get(key)!.keyAt.line}`);
      }
      entries.set(key, { keyAt, value: fromNode(valueNode, [...path, key], positions, problems) });
    }
    return { kind: 'object', at, entries };
  }
  if (node.type === 'array') {
    return {
      kind: 'array',
      at,
      items: (node.children ?? []).map((item, i) => fromNode(item, [...path, i], positions, problems)),
    };
  }
  if (typeof node.value === 'string' && LONE_SURROGATE.test(node.value)) {
    problems.add(
      at,
      'a \\u escape here is half of a character (a lone surrogate), which UTF-8 cannot hold',
      'write the character itself, or both halves of its pair',
    );
  }
  return { kind: 'scalar', at, value: node.value as string | number | boolean | null };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Loads `path` and everything it extends, in order, merging later over earlier and the file
 * itself last. Files are read once per run through `cache`.
 */
export function loadConfig(
  path: string,
  cwd: string,
  ruleAt: (path: readonly string[]) => MergeRule,
  problems: ProblemList,
  cache: Map<string, Located | null> = new Map(),
): LoadedConfig | undefined {
  let file: SourceFile;
  try {
    file = readSource(path, cwd);
  } catch (error) {
    if (!(error instanceof UnreadableSource)) throw error;
    problems.add(
      { file: relative(cwd, path) || path, pointer: '', line: 1, column: 1 },
      `cannot read this config: ${error.message}`,
    );
    return undefined;
  }
  const own = parseCached(file, cache, problems);
  if (!own) return undefined;
  const sources: string[] = [];
  const merged = resolveExtends(file, own, [file.path], ruleAt, problems, cache, cwd, sources);
  return merged ? { file, own, merged, sources: [file.path, ...sources.filter((s) => s !== file.path)] } : undefined;
}

/**
 * The file's own document (before extends), parsed once per run: a config that names its
 * kind is then merged once, by its kind's rules.
 */
export function parseOwn(
  path: string,
  cwd: string,
  problems: ProblemList,
  cache: Map<string, Located | null>,
): Located | undefined {
  if (cache.has(path)) return cache.get(path) ?? undefined;
  let file: SourceFile;
  try {
    file = readSource(path, cwd);
  } catch (error) {
    if (!(error instanceof UnreadableSource)) throw error;
    return undefined; // loadConfig reports it
  }
  return parseCached(file, cache, problems);
}

function parseCached(file: SourceFile, cache: Map<string, Located | null>, problems: ProblemList): Located | undefined {
  if (!cache.has(file.path)) cache.set(file.path, parseLocated(file, problems) ?? null);
  return cache.get(file.path) ?? undefined;
}

function resolveExtends(
  file: SourceFile,
  own: Located,
  chain: string[],
  ruleAt: (path: readonly string[]) => MergeRule,
  problems: ProblemList,
  cache: Map<string, Located | null>,
  cwd: string,
  sources: string[],
): Located | undefined {
  if (own.kind !== 'object') return own; // the schema reports the wrong type
  const entry = own.entries.get('extends');
  const withoutExtends: Located = { ...own, entries: new Map([...own.entries].filter(([key]) => key !== 'extends')) };
  if (!entry) return withoutExtends;
  const references = entry.value.kind === 'array' ? entry.value.items : [entry.value];
  if (references.length === 0) {
    // An empty list would leave nothing to merge onto: the config would silently vanish.
    problems.add(entry.value.at, 'extends is an empty list', 'name the configs this one builds on, or remove extends');
    return undefined;
  }
  let result: Located | undefined;
  let failed = false;
  for (const reference of references) {
    if (reference.kind !== 'scalar' || typeof reference.value !== 'string') {
      problems.add(reference.at, 'extends must name a config file (a string or a list of strings)');
      failed = true;
      continue;
    }
    const target = resolve(dirname(file.path), reference.value);
    if (chain.includes(target)) {
      const cycle = [...chain.slice(chain.indexOf(target)), target].map((p) => relative(cwd, p)).join(' → ');
      problems.add(reference.at, `extends cycle: ${cycle}`, 'remove one of these extends');
      failed = true;
      continue;
    }
    let base: Located | undefined;
    try {
      const baseFile = readSource(target, cwd);
      const baseOwn = parseCached(baseFile, cache, problems);
      // Its own problems are located in it; say here too why this config cannot be built.
      if (!baseOwn)
        problems.add(reference.at, `extends ${reference.value}, which is not valid JSON (see its problems)`);
      base = baseOwn && resolveExtends(baseFile, baseOwn, [...chain, target], ruleAt, problems, cache, cwd, sources);
      sources.push(target);
    } catch (error) {
      if (!(error instanceof UnreadableSource)) throw error;
      problems.add(reference.at, `cannot read extended config ${reference.value}: ${error.message}`);
    }
    if (!base) {
      failed = true;
      continue;
    }
    // What a file extends never makes it abstract: only its own flag counts.
    result = result ? merge(result, stripOwnOnly(base), ruleAt) : stripOwnOnly(base);
  }
  if (failed || !result) return undefined;
  return merge(result, withoutExtends, ruleAt);
}

const OWN_ONLY_KEYS = new Set(['$schema', 'abstract', 'description', 'notes']);

function stripOwnOnly(node: Located): Located {
  if (node.kind !== 'object') return node;
  return { ...node, entries: new Map([...node.entries].filter(([key]) => !OWN_ONLY_KEYS.has(key))) };
}
