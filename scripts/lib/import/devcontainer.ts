// Imports a devcontainer.json (JSONC) as an environment config: the README's "Coming from"
// table read backwards. Its ${localEnv:NAME:default} become variables; paths relative to
// the file become paths of the repository that holds it (./...); run flags become the keys
// boxwright has for them. What has no boxwright key is left out with a comment saying why.
import { project, schemaReference } from '../project.ts';
import { createScanner, parse, type ParseError, printParseErrorCode, SyntaxKind } from 'jsonc-parser';
import { ImportProblem } from './problem.ts';
import { emptyRemarks, type JsonValue, remark } from './jsonc.ts';
import type { Imported } from './distrobox.ts';
import { absolutePath, placedPath, type Place } from './paths.ts';
import { defaultLifecycle, LIFECYCLE, lifecycleWhen } from '../model/startup.ts';
import { publishedPort } from './ports.ts';
import { statedWorkspace, template } from './devcontainer-values.ts';
import { relative, sep } from 'node:path';
import { devicesRunArg } from '../keys/coded.ts';
import { OPTION_ROWS, type OptionRow, readOption, rowOfFlag, setKey, takesValue } from '../keys/options.ts';

type Json = JsonValue;
type Obj = { [key: string]: Json };

/** What the importer works with: the definition, the config it writes, and how. */
interface Definition {
  definition: Obj;
  config: Obj;
  variables: Obj;
  /** The container's environment, from containerEnv, remoteEnv and runArgs. */
  env: Obj;
  mounts: Json[];
  ports: Json[];
  drop: (key: string, why: string) => void;
  note: (pointer: string, text: string) => void;
  /** A value as boxwright writes it: devcontainer.json's variables as its own. */
  value: (input: Json | undefined, key: string) => string | undefined;
}

/** `source` is the file as shown; `place` locates it, and the repository its paths are written against. */
export function importDevcontainer(text: string, source: string, name: string, place: Place): Imported {
  const definition = parseDefinition(text);
  const remarks = emptyRemarks();
  const config: Obj = { $schema: schemaReference('environment'), kind: 'environment' };
  const variables: Obj = {};
  const drop = (key: string, why: string) => remark(remarks.left, '', `${key}: ${why}`);
  const d: Definition = {
    definition,
    config,
    variables,
    env: {},
    mounts: [],
    ports: [],
    drop,
    note: (pointer, text) => remark(remarks.above, pointer, text),
    value: (input, key) => template(input, variables, (why) => drop(key, why), statedWorkspace(definition)),
  };
  if (typeof definition.name === 'string') config.description = definition.name;
  importImage(definition, config, place, name, d.value, drop);
  importFeatures(definition, config, place, drop);
  importCommandAndUser(d);
  tableProperties(definition, config);
  importEnv(d);
  importWorkspace(definition, d.mounts, d.value);
  importMounts(d);
  importPorts(d);
  importRunArgs(d);
  if (Object.keys(d.env).length) config.env = d.env;
  if (d.mounts.length) config.mounts = d.mounts;
  if (d.ports.length) config.ports = d.ports;
  const runsAs = importStartup(d);
  importTools(d);
  leaveOutTheRest(d, runsAs);
  if (Object.keys(variables).length) config.variables = variables;
  remark(remarks.above, '/kind', `Imported from ${source} by ${project().import}.`);
  return { config: order(config), remarks };
}

/** Deeper than any devcontainer.json needs, and shallow enough for the parser's recursion. */
const MAX_DEPTH = 64;

/** Stops a file nested deeper than MAX_DEPTH before the parser recurses into it. */
function checkDepth(text: string): void {
  const scanner = createScanner(text, false);
  let depth = 0;
  for (let token = scanner.scan(); token !== SyntaxKind.EOF; token = scanner.scan()) {
    if (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.OpenBracketToken) depth++;
    else if (token === SyntaxKind.CloseBraceToken || token === SyntaxKind.CloseBracketToken) depth--;
    if (depth > MAX_DEPTH)
      throw new ImportProblem(
        `nested more than ${MAX_DEPTH} levels deep, which no devcontainer.json is`,
        scanner.getTokenStartLine() + 1,
        scanner.getTokenStartCharacter() + 1,
        '',
      );
  }
}

function parseDefinition(text: string): Obj {
  checkDepth(text);
  const errors: ParseError[] = [];
  const definition = parse(text, errors, { allowTrailingComma: true }) as Obj | undefined;
  if (errors.length || !definition || typeof definition !== 'object' || Array.isArray(definition)) {
    const first = errors[0];
    const before = text.slice(0, first?.offset ?? 0).split('\n');
    throw new ImportProblem(
      first ? `not JSONC: ${printParseErrorCode(first.error)}` : 'not an object',
      before.length,
      before.at(-1)!.length + 1,
      '',
    );
  }
  if (definition.dockerComposeFile !== undefined)
    throw new Error('a dev container made from a compose file: import the compose services instead');
  return definition;
}

/**
 * What a dev container runs to stay up, as the devcontainer CLI's own: a shell that ends at
 * TERM or INT, which plain `sleep infinity` as PID 1 would ignore (down then waits for the
 * stop timeout), and that needs no `sleep infinity`, which busybox's sleep may lack.
 */
export const KEEP_ALIVE = ['/bin/sh', '-c', "trap 'exit 0' TERM INT; while sleep 1000 & wait $!; do :; done"];

/** A dev container stays up for its terminals (unless overrideCommand is false): up, then shell. */
function importCommandAndUser({ definition, config, note, value }: Definition): void {
  config.detach = true;
  if (definition.overrideCommand !== false) {
    config.command = [...KEEP_ALIVE];
    note('/command', 'A dev container stays up for its terminals: launch.sh up, then launch.sh shell.');
  }
  const user = definition.containerUser ?? definition.remoteUser;
  if (typeof user === 'string') config.user = value(user, 'containerUser') ?? user;
  if (definition.containerUser === undefined && definition.remoteUser !== undefined)
    note('/user', 'remoteUser: boxwright runs the container and its terminals as one user.');
}

function importEnv({ definition, env, note, value }: Definition): void {
  for (const key of ['containerEnv', 'remoteEnv'] as const) {
    const record = definition[key];
    if (record && typeof record === 'object' && !Array.isArray(record))
      for (const [name, text] of Object.entries(record)) {
        const carried = value(text, `${key}.${name}`);
        if (carried !== undefined) env[name] = carried;
      }
  }
  if (definition.remoteEnv !== undefined) note('/env', 'remoteEnv too: boxwright sets it for the whole container.');
}

function importMounts({ definition, mounts, value }: Definition): void {
  for (const [i, mount] of (Array.isArray(definition.mounts) ? definition.mounts : []).entries()) {
    const parsed = typeof mount === 'string' ? mountFields(mount) : (mount as Obj);
    const source = parsed.source === undefined ? undefined : value(parsed.source, `mounts[${i}]`);
    const target = value(parsed.target ?? parsed.destination ?? parsed.dst, `mounts[${i}]`);
    if (target === undefined) continue;
    mounts.push({
      ...(parsed.type && parsed.type !== 'bind' ? { type: parsed.type } : {}),
      ...(source !== undefined ? { source } : {}),
      target,
      ...(parsed.readonly !== undefined || parsed.ro !== undefined ? { readOnly: true } : {}),
    });
  }
}

function importPorts({ definition, ports, drop, note }: Definition): void {
  for (const key of ['forwardPorts', 'appPort'] as const) {
    const list = definition[key];
    for (const port of Array.isArray(list) ? list : list === undefined ? [] : [list]) {
      const spec = String(port);
      const match = /^(?:(\d+):)?(\d+)$/.exec(spec);
      if (match) ports.push({ host: Number(match[1] ?? match[2]), container: Number(match[2]) });
      else drop(`${key} ${spec}`, 'a port of another container (host:port) has no boxwright key');
    }
  }
  if (definition.forwardPorts !== undefined)
    note('/ports', 'forwardPorts: published on the host, where a dev container tool forwards them.');
}

/**
 * Lifecycle commands as startup hooks, run as the remote user, whom the image has: declared
 * as the image's, with the host user's ids unless updateRemoteUserUID is false (as a dev
 * container tool gives them). Returns that user.
 */
function importStartup({ definition, config, drop, note }: Definition): string | undefined {
  const remoteUser = typeof definition.remoteUser === 'string' ? definition.remoteUser : definition.containerUser;
  const runsAs = typeof remoteUser === 'string' && remoteUser !== 'root' ? remoteUser : undefined;
  const hooks = importHooks(definition, runsAs, drop);
  const ids = definition.updateRemoteUserUID === false ? 'image' : 'host';
  if (!hooks.length && !runsAs) return runsAs;
  config.startup = { ...(runsAs ? { users: { [runsAs]: { uid: ids } } } : {}), ...(hooks.length ? { hooks } : {}) };
  if (runsAs)
    note(
      '/startup',
      `${runsAs} is the image's own user (its home /home/${runsAs} is checked at start)${ids === 'host' ? ', with the ids of the host user, as updateRemoteUserUID does' : ''}.`,
    );
  return runsAs;
}

/** What the tools read: VS Code's extensions, the GPU a host must have. */
function importTools({ definition, config, drop }: Definition): void {
  const customizations = (definition.customizations as Obj | undefined) ?? {};
  for (const [tool, settings] of Object.entries(customizations))
    for (const key of Object.keys((settings as Obj | null) ?? {}))
      if (!(tool === 'vscode' && key === 'extensions'))
        drop(`customizations.${tool}.${key}`, `${tool}'s own, which boxwright does not carry`);
  const requirements = (definition.hostRequirements as Obj | undefined) ?? {};
  const gpu = requirements.gpu;
  if (gpu === true || gpu === 'optional') config.gpu = { mode: gpu === true ? 'required' : 'auto' };
  else if (gpu !== undefined && gpu !== false)
    drop('hostRequirements.gpu', 'GPU cores and memory are the host’s: gpu.mode required needs any NVIDIA GPU');
  // What the host must have, which launch.sh says when the host has less.
  const host = Object.fromEntries(
    ['cpus', 'memory', 'storage'].flatMap((key) =>
      requirements[key] === undefined ? [] : [[key, requirements[key]!]],
    ),
  );
  if (Object.keys(host).length) config.host = host;
  const extensions = (customizations.vscode as Obj | undefined)?.extensions;
  config.devcontainer = {
    ...(typeof definition.name === 'string' ? { name: definition.name } : {}),
    ...(Array.isArray(extensions) ? { extensions } : {}),
  };
}

/**
 * features: one from a registry as it is; a local one (./x, against the file's folder) by its
 * folder in the repository, which launch.sh builds into the image. One outside the repository
 * is named in a comment: the build copies it from the repository.
 */
function importFeatures(definition: Obj, config: Obj, place: Place, drop: Definition['drop']): void {
  const features = definition.features;
  if (typeof features !== 'object' || features === null || Array.isArray(features)) return;
  const out: Obj = {};
  for (const [id, options] of Object.entries(features)) {
    if (!id.startsWith('./') && !id.startsWith('../')) {
      out[id] = options;
      continue;
    }
    const folder = placedPath(id, place);
    if (folder.startsWith('./')) out[folder] = options;
    else drop(`features ${id}`, `${folder} is outside the repository: copy the feature into it`);
  }
  if (Object.keys(out).length) config.features = out;
}

/** The properties read by the steps above; the others are left out with a comment. */
const KNOWN = [
  'name',
  'image',
  'build',
  'dockerFile',
  'context',
  'overrideCommand',
  'containerUser',
  'remoteUser',
  'containerEnv',
  'remoteEnv',
  'mounts',
  'workspaceMount',
  'workspaceFolder',
  'forwardPorts',
  'appPort',
  'runArgs',
  ...LIFECYCLE,
  'hostRequirements',
  'customizations',
  'features',
  '$schema',
];

function leaveOutTheRest({ definition, drop }: Definition, runsAs: string | undefined): void {
  for (const key of Object.keys(WHY))
    if (definition[key] !== undefined && !(key === 'updateRemoteUserUID' && runsAs)) drop(key, WHY[key]!);
  const known = new Set([...KNOWN, ...PROPERTY_ROWS.map((row) => row.devcontainer.property), ...Object.keys(WHY)]);
  for (const key of Object.keys(definition))
    if (!known.has(key)) drop(key, 'not a devcontainer.json key boxwright knows');
}

const WHY: Record<string, string> = {
  initializeCommand: 'it runs on the host before the container is made: run it before launch.sh',
  shutdownAction: 'launch.sh stop and down say when it stops',
  waitFor: 'the hooks run before the container runs its command',
  userEnvProbe: 'the terminal is a login shell of its user',
  portsAttributes: 'the port descriptions are ports[].description',
  otherPortsAttributes: 'only the ports the config names are published',
  updateRemoteUserUID: 'with no remote user but root, there is no user to give the host ids to',
  overrideFeatureInstallOrder: 'launch.sh installs the local features in their installsAfter order',
  secrets: 'declare them under secrets, by name',
};

/** The rows whose key is a devcontainer.json property (capAdd, securityOpt...). */
const PROPERTY_ROWS = OPTION_ROWS.filter(
  (row): row is OptionRow & { devcontainer: { property: string } } =>
    typeof row.devcontainer === 'object' && 'property' in row.devcontainer,
);

/** Those properties, read back as the run options they stand for. */
function tableProperties(definition: Obj, config: Obj): void {
  for (const row of PROPERTY_ROWS) {
    const value = definition[row.devcontainer.property];
    if (row.run.form === 'switch' && typeof value === 'boolean') setKey(config, row.key, value);
    else if (Array.isArray(value)) for (const item of value) readOption(config, row, String(item));
  }
}

/** Keys in the order boxwright's configs write them. */
function order(config: Obj): Obj {
  const first = [
    '$schema',
    'kind',
    'description',
    'image',
    'build',
    'features',
    'user',
    'detach',
    'variables',
    'env',
    'ports',
    'mounts',
  ];
  return Object.fromEntries([
    ...first.filter((k) => k in config).map((k) => [k, config[k]!] as const),
    ...Object.entries(config).filter(([k]) => !first.includes(k)),
  ]);
}

function importImage(
  definition: Obj,
  config: Obj,
  place: Place,
  name: string,
  value: (input: Json | undefined, key: string) => string | undefined,
  drop: (key: string, why: string) => void,
): void {
  const build = (definition.build as Obj | undefined) ?? {};
  const dockerfile = build.dockerfile ?? definition.dockerFile;
  if (dockerfile === undefined) {
    const image = value(definition.image, 'image');
    if (image !== undefined) config.image = image;
    return;
  }
  // Both are relative to devcontainer.json's folder; boxwright's Containerfile, to the context.
  const context = String(build.context ?? definition.context ?? '.');
  const containerfile = relative(absolutePath(context, place), absolutePath(String(dockerfile), place))
    .split(sep)
    .join('/');
  // The image built for it is tagged with the config's name.
  config.image = `localhost/${name.toLowerCase()}:dev`;
  const args = build.args as Obj | undefined;
  config.build = {
    context: placedPath(context, place),
    containerfile,
    ...(args
      ? {
          args: Object.fromEntries(Object.entries(args).map(([k, v]) => [k, value(v, `build.args.${k}`) ?? String(v)])),
        }
      : {}),
    ...(typeof build.target === 'string' ? { target: build.target } : {}),
  };
  for (const key of ['cacheFrom', 'options'])
    if (build[key] !== undefined) drop(`build.${key}`, "no boxwright key: build options are the Containerfile's");
}

/** The folder opened is the workspace; devcontainer.json mounts it even when it says nothing. */
function importWorkspace(
  definition: Obj,
  mounts: Json[],
  value: (input: Json | undefined, key: string) => string | undefined,
): void {
  const folder =
    typeof definition.workspaceFolder === 'string' ? value(definition.workspaceFolder, 'workspaceFolder') : undefined;
  const mount = typeof definition.workspaceMount === 'string' ? mountFields(definition.workspaceMount) : undefined;
  const target = mount?.target !== undefined ? value(mount.target, 'workspaceMount') : folder;
  const fixed = target === undefined || target === '/workspaces/${bw_workspace_folder}';
  mounts.push(fixed ? { type: 'workspace' } : { type: 'workspace', target });
}

/** A --mount string (type=bind,source=...,target=...,readonly) as fields. */
function mountFields(text: string): Obj {
  return Object.fromEntries(
    text.split(',').map((field) => {
      const at = field.indexOf('=');
      return at < 0 ? [field, 'true'] : [field.slice(0, at), field.slice(at + 1)];
    }),
  );
}

/** A run flag that needs code to become config keys; `value` is its argument. */
type FlagReader = (d: Definition, value: string, flag: string) => void;

const FLAG_READERS: Record<string, FlagReader> = {
  '--device': ({ config }, value) => devicesRunArg(config, value),
  '--network': ({ config }, value) => {
    config.network = { ...((config.network as Obj) ?? {}), name: value };
  },
  '--network-alias': ({ config }, value) => {
    config.network ??= { name: 'bridge' };
    const network = config.network as Obj;
    network.aliases = [...((network.aliases as Json[]) ?? []), value];
  },
  '--gpus': ({ config }) => {
    config.gpu = { mode: 'required' };
  },
  '--env': ({ config, env, value: expand }, text) => {
    const at = text.indexOf('=');
    if (at < 0) config.secrets = { ...((config.secrets as Obj) ?? {}), [text]: {} };
    else {
      const carried = expand(text.slice(at + 1), `runArgs ${text}`);
      if (carried !== undefined) env[text.slice(0, at)] = carried;
    }
  },
  '--publish': ({ ports, drop }, spec, flag) => {
    const port = publishedPort(spec);
    if (port !== undefined) ports.push(port);
    else drop(`runArgs ${flag} ${spec}`, 'a range or a random host port has no boxwright key');
  },
  '--volume': ({ mounts, value: expand }, text, flag) => {
    const [source, target, options] = text.split(':');
    const src = expand(source!, `runArgs ${flag}`);
    if (src === undefined || target === undefined) return;
    mounts.push({
      ...(src.startsWith('/') || src.startsWith('.') || src.startsWith('$') ? {} : { type: 'volume' }),
      source: src,
      target,
      ...(options?.split(',').includes('ro') ? { readOnly: true } : {}),
    });
  },
};
const SHORT_FLAGS: Record<string, string> = {
  '--net': '--network',
  '-e': '--env',
  '-p': '--publish',
  '-v': '--volume',
};

/**
 * Run flags as boxwright's keys: the key table's run options by their rows, the others by
 * FLAG_READERS; a flag it has no key for goes on as extraArgs.
 */
function importRunArgs(d: Definition): void {
  const { runArgs } = d.definition;
  if (!Array.isArray(runArgs)) return;
  const args = runArgs.map(String);
  const extra: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [written, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const flag = SHORT_FLAGS[written] ?? written;
    const takes = (): string => inline ?? args[++i] ?? '';
    const reader = FLAG_READERS[flag];
    const row = rowOfFlag(flag);
    if (reader) reader(d, takes(), written);
    else if (row) {
      const raw = takesValue(row) ? takes() : undefined;
      // A key that expands takes devcontainer.json's variables as boxwright's.
      const expands = raw !== undefined && (row.model === 'template' || row.model === 'map');
      const carried = expands ? d.value(raw, `runArgs ${written}`) : raw;
      if (raw === undefined || carried !== undefined) readOption(d.config, row, carried);
    } else extra.push(arg);
  }
  if (extra.length) d.config.extraArgs = extra;
}

/** Lifecycle commands as startup hooks: once per container, or at every start. */
function importHooks(definition: Obj, user: string | undefined, drop: (key: string, why: string) => void): Json[] {
  const hooks: Json[] = [];
  for (const key of LIFECYCLE) {
    const when = lifecycleWhen(key);
    const command = definition[key];
    if (command === undefined) continue;
    if (typeof command === 'string' ? command.trim() === '' : false) {
      drop(key, 'empty');
      continue;
    }
    // Each keeps the lifecycle command it came from (the default one needs no saying).
    const named = key !== defaultLifecycle(when);
    hooks.push({
      description: key,
      ...(user ? { user } : {}),
      ...(when === 'create' ? { when } : {}),
      ...(named ? { lifecycle: key } : {}),
      command,
    });
  }
  return hooks;
}
