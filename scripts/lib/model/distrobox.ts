// The Fleet model: distrobox containers (seed 004), with defaults and includes resolved,
// and every value checked against what distrobox's manifest parser can carry.
import { shortDigest } from '../digest.ts';
import type { ProblemList } from '../problems.ts';
import { type Pin, pins, type VersionsConfig } from './distrobox-pins.ts';
import { suggestion } from '../problems.ts';
import type { WordPart } from '../shell/quote.ts';
import {
  BOOLEAN_KEYS,
  CARRIED,
  type Carried,
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
  notes?: string[];
  variables?: Record<string, { description?: string; default?: string }>;
  updates?: { every: string };
  cleanup?: { every?: string; keepSnapshots?: number };
  defaults?: BoxConfig;
  containers: Record<
    string,
    BoxConfig & {
      description?: string;
      template?: boolean;
      include?: string[];
      ports?: { port: number; description?: string }[];
      start_hooks?: string[];
      update_hooks?: string[];
      service?: { command: string; systemd?: { wantedBy?: string } };
      backup?: string[];
      versions?: VersionsConfig;
    }
  >;
}

/** A manifest value: text, where a leading ~ in a path became the host's $HOME. */
export type Value = WordPart[];

/** An init hook as the config wrote it: once per container (init_hooks) or at every start. */
export interface Hook {
  text: string;
  once: boolean;
}

export interface Box {
  name: string;
  description?: string;
  template: boolean;
  ports: { port: number; description?: string }[];
  /** The hooks as written; lists.init_hooks holds what distrobox receives for them. */
  hooks: Hook[];
  /** Paths relative to the shared home that backup.sh archives and restore.sh puts back. */
  backup: string[];
  /** A long-running command that service.sh starts and stops (and a user unit, at login). */
  service?: { command: string; systemd?: { wantedBy?: string } };
  /** Run by update.sh as root inside the container after the package upgrade. */
  updateHooks: string[];
  /**
   * Versions by command name, checked by status.sh and update.sh: pinned (update.sh fails
   * where another is found), put back by `install` after the update steps, or only noted (`why`).
   */
  versions: Pin[];
  booleans: Partial<Record<BooleanKey, boolean>>;
  strings: Partial<Record<StringKey, Value>>;
  lists: Partial<Record<ListKey, Value[]>>;
}

/** A host variable that values use: from the environment, else its default. */
export interface FleetVariable {
  name: string;
  description?: string;
  default?: string;
}

export interface Fleet {
  id: string;
  source: string;
  description?: string;
  notes: string[];
  variables: FleetVariable[];
  boxes: Box[];
  /** When update.sh runs by itself (systemd's OnCalendar=), when the config says. */
  updateEvery?: string;
  /** cleanup.sh: how many snapshots of each box it keeps, and when it prunes by itself. */
  cleanup?: { every?: string; keepSnapshots: number };
}

/**
 * Why distrobox's assemble parser would not read `text` back unchanged, if it would not.
 * Hooks travel base64-encoded from there on, so only the line clean-up and `echo` touch them;
 * other values are sourced between double quotes, and repeated ones split at "¤".
 */
export function manifestProblem(text: string, carried?: Carried, repeated = false): string | undefined {
  if (/[\r\n]/.test(text)) return 'a manifest value cannot span lines';
  // "\ " (a space kept inside a word, distrobox's own way to write one) echo leaves alone.
  if (/\\(?! )/.test(text)) return 'distrobox passes values through echo, which reads "\\" as an escape in dash';
  const evaluated = /[$`"]/.exec(text);
  if (evaluated && carried !== 'hooks')
    return `distrobox's parser evaluates values with the shell, so ${JSON.stringify(evaluated[0])} would not survive`;
  if (text.includes('\t')) return 'distrobox turns tabs into spaces';
  if (text.includes(' #')) return 'distrobox strips " #" and what follows as a comment';
  if (/\].*#/.test(text)) return 'distrobox strips from "]" to a later "#" as a comment';
  if (text.trim() !== text)
    return 'distrobox pads repeated values with spaces, so leading or trailing spaces would not survive';
  if (repeated && carried !== 'hooks') {
    if (text.includes('¤')) return 'distrobox joins repeated values with "¤", so a value cannot contain it';
    const cut = [...text].find((ch) => Buffer.from(ch).some((byte) => byte === 0xc2 || byte === 0xa4));
    if (cut)
      return `distrobox splits repeated values at the bytes of "¤" (0xC2, 0xA4) when /bin/sh is dash, which would cut ${JSON.stringify(cut)}`;
  }
  return undefined;
}

const UNQUOTED_SPECIAL = /[|&;<>()$`\\"'*?[\]{}\s]/;
const GLOB = /[*?[]/;

/**
 * Why distrobox's create step would change `text` on its way into the command line it
 * evaluates with the host shell (see Carried), if it would. `text` is what follows a `~`
 * that became $HOME, so a leading ~ here is a real one.
 */
export function evaluationProblem(text: string, carried: Carried): string | undefined {
  const pasted = 'distrobox pastes it into a command line that the host shell evaluates';
  const unquoted = (word: string): string | undefined => {
    const special = UNQUOTED_SPECIAL.exec(word);
    if (special)
      return special[0] === ' '
        ? `${pasted} unquoted, so a space would split it`
        : `${pasted} unquoted, so ${JSON.stringify(special[0])} would be shell syntax there`;
    if (/^[#~]/.test(word)) return `${pasted} unquoted, so a leading ${JSON.stringify(word[0])} would be shell syntax`;
    return undefined;
  };
  if (/\s\s/.test(text)) return 'distrobox splits its command line at spaces and rejoins it, so two spaces become one';
  switch (carried) {
    case 'word':
      return unquoted(text);
    case 'words':
      // "\ " keeps a space inside one word (a package group such as @Virtualization\ Host), as
      // the host shell reads it there: carried as written.
      for (const word of text.split(/(?<!\\) /)) {
        const problem = unquoted(word.replaceAll('\\ ', '_'));
        if (problem) return problem;
      }
      return undefined;
    case 'quoted-if-spaced':
      return text.includes(' ') ? evaluationProblem(text, 'double-quoted') : unquoted(text);
    case 'double-quoted': {
      const special = /[$`"]/.exec(text) ?? GLOB.exec(text);
      if (special)
        return `${pasted} between double quotes after splitting and globbing it, so ${JSON.stringify(special[0])} would not survive`;
      if (text.startsWith("'")) return 'distrobox leaves a value that starts with a quote unquoted';
      return undefined;
    }
    case 'hooks':
      if (text.includes("'"))
        return `distrobox pastes hooks between single quotes, so a "'" ends them early: write "..." instead of '...'`;
      if (text.startsWith('-')) return 'distrobox passes hooks through echo, which takes a leading "-" as an option';
      for (const field of text.split(' '))
        if (GLOB.test(field) && !field.includes('"'))
          return `distrobox expands ${JSON.stringify(field)} as a file pattern on the host before the container sees it: put it between double quotes`;
      return undefined;
  }
}

/**
 * The host's own variables that a manifest value may hold, which distrobox expands on the host
 * when it reads the manifest: $PATH too, as in the seeds' --env PATH=~/.local/bin/:$PATH.
 */
const HOST_VALUES = ['HOME', 'USER', 'PATH'];

/**
 * A value's text split at the host variables distrobox expands when it reads the manifest
 * ($HOME, $USER and $PATH, with or without braces); the rest stays literal.
 */
function hostValueParts(text: string, declared: readonly string[]): Value {
  const parts: Value = [];
  let last = 0;
  const names = [...HOST_VALUES, ...declared].join('|');
  for (const match of text.matchAll(new RegExp(`\\$(?:\\{(${names})\\}|(${names})\\b)`, 'g'))) {
    parts.push({ literal: text.slice(last, match.index) }, { variable: (match[1] ?? match[2])! });
    last = match.index + match[0].length;
  }
  parts.push({ literal: text.slice(last) });
  return parts.filter((p) => 'variable' in p || p.literal !== '');
}

/** Where a container keeps the markers of the init hooks that have run in it. */
export const HOOK_MARKERS = '/var/lib/boxwright/init-hooks';

/**
 * The hook distrobox runs at every start for an init hook that must run once per container:
 * it runs `text` in a subshell unless its marker (named by the text's digest, so an edited
 * hook runs again) exists, and marks it done only when it succeeds. A failure is reported
 * and does not stop the container: the hook runs again at the next start. No quote or `$`,
 * so that distrobox carries the wrapper as it carries the hook.
 */
export function onceHook(text: string): string {
  const marker = `${HOOK_MARKERS}/${shortDigest(text)}`;
  return (
    `{ test -e ${marker} || { ( ${text} ) && mkdir -p ${HOOK_MARKERS} && touch ${marker}; } ||` +
    ` echo boxwright: an init hook failed and runs again at the next start: ${marker} >&2; }`
  );
}

/**
 * Why assemble would expand a box's hooks on the host, if it would: it pastes them between
 * double quotes unless one of them holds a double quote.
 */
function hostExpansionProblem(
  hooks: string[],
  declared: readonly string[],
): { index: number; problem: string } | undefined {
  if (!expandedOnHost(hooks)) return undefined;
  // The host's own values and the fleet's variables are what the host is meant to expand.
  const carried = new RegExp(
    `\\$(?:\\{(?:${[...HOST_VALUES, ...declared].join('|')})\\}|(?:${[...HOST_VALUES, ...declared].join('|')})\\b)`,
    'g',
  );
  const index = hooks.findIndex((hook) => /[$`]/.test(hook.replace(carried, '')));
  if (index < 0) return undefined;
  const found = /\$\{?\w*|`/.exec(hooks[index]!.replace(carried, ''))![0];
  return {
    index,
    problem: `distrobox assemble pastes these hooks between double quotes, so ${JSON.stringify(found)} would be expanded on the host (only $HOME, $USER, $PATH and the fleet's variables are meant to be); quoting it ("$VAR") makes assemble use single quotes`,
  };
}

/** Whether assemble pastes a box's hooks between double quotes: when none holds one. */
function expandedOnHost(hooks: string[]): boolean {
  return !hooks.some((hook) => hook.includes('"'));
}

/** The backup paths relative to the home, each a plain path below it, or problems. */
function backupPaths(written: string[], at: (i: number) => ReturnType<Locator>, problems: ProblemList): string[] {
  return written.map((text, i) => {
    const path = text.slice(2).replace(/\/+$/, '');
    const parts = path.split('/');
    if (parts.some((part) => part === '' || part === '.' || part === '..'))
      problems.add(at(i), `${JSON.stringify(text)} is not a plain path below the home (no "//", "." or ".." parts)`);
    return path;
  });
}

/**
 * The fleet's host variables. $UID is not one: distrobox runs in sh, where only bash sets
 * it, so it would expand to nothing on Debian's dash.
 */
function buildFleetVariables(config: FleetConfig, at: Locator, problems: ProblemList): FleetVariable[] {
  return Object.entries(config.variables ?? {}).map(([name, variable]) => {
    if (['HOME', 'USER', 'UID', 'PATH', 'IFS', 'PWD'].includes(name) || /^(DBX|BW|bw)_/.test(name))
      problems.add(at('/variables', name), `"${name}" is distrobox's or the shell's own`, 'choose another name');
    return { name, description: variable.description, default: variable.default };
  });
}

export function buildFleet(
  id: string,
  source: string,
  config: FleetConfig,
  at: Locator,
  problems: ProblemList,
): Fleet | undefined {
  const before = problems.items.length;
  const variables = buildFleetVariables(config, at, problems);
  const names = Object.keys(config.containers);
  const fleet: FleetContext = {
    config,
    names,
    declared: variables.map((v) => v.name),
    at,
    problems,
    resolve: includes(config, names, at, problems),
  };
  const boxes = names.map((name) => buildBox(name, fleet));
  if (problems.items.length > before) return undefined;
  const { description, notes = [], updates, cleanup: asked } = config;
  const cleanup = asked && { every: asked.every, keepSnapshots: asked.keepSnapshots ?? 2 };
  return { id, source, description, notes, variables, boxes, updateEvery: updates?.every, cleanup };
}

/** What a box is built with: the fleet's config and names, and its boxes with includes merged. */
interface FleetContext {
  config: FleetConfig;
  names: string[];
  /** The fleet's host variables, which values may use as $NAME. */
  declared: string[];
  at: Locator;
  problems: ProblemList;
  resolve: (name: string) => BoxConfig;
}

/**
 * A value as distrobox carries it, with its host variables as parts; a problem at `pointer`
 * where distrobox would not pass it faithfully.
 */
function hostValue(fleet: FleetContext, key: string, written: string, pointer: string, repeated = false): Value {
  // distrobox-create strips a home's trailing slashes; the folder is the same without them.
  const text = key === 'home' ? written.replace(/(.)\/+$/, '$1') : written;
  const carried = CARRIED.get(key)!;
  // Hooks are shell code for the container, where $ is the container's: left as written.
  const parts: Value = carried === 'hooks' ? [{ literal: text }] : hostValueParts(text, fleet.declared);
  const home = PATH_KEYS.has(key) && (text === '~' || text.startsWith('~/'));
  const first = parts[0];
  if (home && first && 'literal' in first)
    parts.splice(0, 1, { variable: 'HOME' }, { literal: first.literal.slice(1) });
  // The checks read the value with each host variable as a plain word, as it is before the
  // host expands it; what the host puts there is the host's (like a ~).
  const placeholder = 'HOSTVALUE';
  const checked = parts.map((p) => ('variable' in p ? placeholder : p.literal)).join('');
  const carriedNames = [...HOST_VALUES, ...fleet.declared].join('|');
  const variable =
    carried === 'hooks' ? undefined : new RegExp(`\\$(?!\\{?(${carriedNames})\\b)(\\{?[A-Za-z_]\\w*)?`).exec(text);
  const problem = variable
    ? `${variable[0] === '$' ? 'a "$"' : JSON.stringify(variable[0])} would be expanded by distrobox's parser on the host; only $HOME, $USER, $PATH and the fleet's variables are carried (as distrobox expands them)`
    : (manifestProblem(checked, carried, repeated) ??
      // A ~ that became $HOME was never pasted: what follows it is checked as it was.
      evaluationProblem(home ? checked.slice(placeholder.length) : checked, carried));
  if (problem)
    fleet.problems.add(fleet.at(pointer), `this ${key} cannot be passed to distrobox faithfully: ${problem}`);
  return parts.filter((p) => 'variable' in p || p.literal !== '');
}

function mergeOnto(base: BoxConfig, own: BoxConfig): BoxConfig {
  const out: BoxConfig = { ...base };
  for (const key of BOOLEAN_KEYS) if (own[key] !== undefined) out[key] = own[key];
  for (const key of STRING_KEYS) if (own[key] !== undefined) out[key] = own[key];
  for (const key of LIST_KEYS) if (own[key] !== undefined) out[key] = [...(base[key] ?? []), ...own[key]!];
  return out;
}

/** Each box with the defaults, or what it includes, merged under its own keys (cycles refused). */
function includes(config: FleetConfig, names: string[], at: Locator, problems: ProblemList) {
  const resolved = new Map<string, BoxConfig>();
  const resolving: string[] = [];
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
  return resolve;
}

/** A container's start hooks: those of what it includes, in order, then its own. */
function startHooksOf(config: FleetConfig, name: string, seen: readonly string[] = []): string[] {
  const own = config.containers[name];
  if (!own || seen.includes(name)) return [];
  return [
    ...(own.include ?? []).flatMap((included) => startHooksOf(config, included, [...seen, name])),
    ...(own.start_hooks ?? []),
  ];
}

function buildBox(name: string, fleet: FleetContext): Box {
  const { config, names, at, problems } = fleet;
  const own = config.containers[name]!;
  const box = fleet.resolve(name);
  const pointer = `/containers/${name}`;
  // Inherited values are checked where they are written, once, below.
  const where = (key: string) => {
    if (own[key as keyof BoxConfig] !== undefined) return `${pointer}/${key}`;
    return config.defaults?.[key as keyof BoxConfig] !== undefined ? `/defaults/${key}` : pointer;
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
  for (const key of STRING_KEYS)
    if (box[key] !== undefined) strings[key] = hostValue(fleet, key, box[key]!, where(key));
  const { lists, listPointers } = boxLists(name, box, fleet);
  const hooks = boxHooks(name, box, listPointers, fleet);
  // Pasted between double quotes, the hooks' host values are the host's, as create.sh gives them too.
  const onHost = expandedOnHost(hooks.map((hook) => hook.text));
  if (hooks.length)
    lists.init_hooks = hooks.map((hook) => {
      const text = hook.once ? onceHook(hook.text) : hook.text;
      return onHost ? hostValueParts(text, fleet.declared) : [{ literal: text }];
    });
  else delete lists.init_hooks;
  const booleans: Box['booleans'] = {};
  for (const key of BOOLEAN_KEYS) if (box[key] !== undefined) booleans[key] = box[key];
  return {
    name,
    description: own.description,
    template: own.template ?? false,
    ports: own.ports ?? [],
    hooks,
    backup: backupPaths(own.backup ?? [], (i) => at(`${pointer}/backup/${i}`), problems),
    service: own.service,
    updateHooks: own.update_hooks ?? [],
    versions: pins(own.versions ?? {}, (command) => at(`${pointer}/versions/${command}`), problems),
    booleans,
    strings,
    lists,
  };
}

/** A box's lists, each item checked where it was written: its own, the defaults, the includes. */
function boxLists(name: string, box: BoxConfig, fleet: FleetContext) {
  const own = fleet.config.containers[name]!;
  const pointer = `/containers/${name}`;
  const lists: Box['lists'] = {};
  const listPointers = new Map<ListKey, string[]>();
  for (const key of LIST_KEYS) {
    if (!box[key]?.length) continue;
    const inherited = box[key]!.length - (own[key]?.length ?? 0);
    const inheritedAt = (i: number) => (own.include?.length ? `${pointer}/include` : `/defaults/${key}/${i}`);
    const pointers = box[key]!.map((_, i) => (i >= inherited ? `${pointer}/${key}/${i - inherited}` : inheritedAt(i)));
    lists[key] = box[key]!.map((text, i) => hostValue(fleet, key, text, pointers[i]!, true));
    listPointers.set(key, pointers);
  }
  return { lists, listPointers };
}

/**
 * The init hooks (run once) and the start hooks (at every start). Start hooks follow the rules
 * of the init hooks they are written among, and come with an include as distrobox's do.
 */
function boxHooks(name: string, box: BoxConfig, listPointers: Map<ListKey, string[]>, fleet: FleetContext): Hook[] {
  const { at, problems } = fleet;
  const own = fleet.config.containers[name]!;
  const pointer = `/containers/${name}`;
  const startHooks = startHooksOf(fleet.config, name);
  const inheritedStart = startHooks.length - (own.start_hooks ?? []).length;
  const startAt = (i: number) =>
    i < inheritedStart ? `${pointer}/include` : `${pointer}/start_hooks/${i - inheritedStart}`;
  for (const [i, text] of startHooks.entries()) hostValue(fleet, 'init_hooks', text, startAt(i), true);
  const onceHooks = box.init_hooks ?? [];
  const hookAt = (i: number) =>
    i < onceHooks.length ? listPointers.get('init_hooks')![i]! : startAt(i - onceHooks.length);
  onceHooks.forEach((text, i) => {
    if (text.startsWith('#') || /(&&|\|\||\|)\s*$/.test(text))
      problems.add(
        at(hookAt(i)),
        'an init hook runs once, on its own, so it must be a whole command (not a comment, nor ending in &&, || or |)',
      );
  });
  const hooks: Hook[] = [
    ...onceHooks.map((text) => ({ text, once: true })),
    ...startHooks.map((text) => ({ text, once: false })),
  ];
  const expanded = hostExpansionProblem(
    hooks.map((hook) => hook.text),
    fleet.declared,
  );
  if (expanded)
    problems.add(
      at(hookAt(expanded.index)),
      `this init_hooks cannot be passed to distrobox faithfully: ${expanded.problem}`,
    );
  return hooks;
}
