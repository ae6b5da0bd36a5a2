// Imports a compose file as a stack config and one environment config per service, named as
// podman-compose names what it makes (<project>_<service>_1, <project>_default,
// <project>_<volume>), so that the imported stack finds the containers' volumes and network
// where compose left them. ${VAR} and ${VAR:-default} become variables; a value that is only
// ${NAME} under a key that names a secret becomes a secret read from NAME. What has no
// boxwright key is left out with a comment saying why.
import { FILE_MARK, readCompose } from './compose-check.ts';
import type { Imported } from './distrobox.ts';
import { emptyRemarks, type JsonValue, remark } from './jsonc.ts';
import { readFileSync } from 'node:fs';
import { profileModes } from './compose-profiles.ts';
import { importSecrets } from './compose-secrets.ts';
import { absolutePath, placedPath, type Place } from './paths.ts';
import { publishedPort } from './ports.ts';
import { devicesCompose } from '../keys/coded.ts';
import { healthcheckCompose } from '../keys/coded.ts';
import { getKey, setKey } from '../keys/options.ts';
import type { ComposeEntry, ModelType } from '../keys/row.ts';
import { KEYS } from '../keys/table.ts';

type Json = JsonValue;
type Obj = { [key: string]: Json };

export interface ImportedSet {
  /** The stack's config, by its name. */
  main: Imported;
  /** The members' configs, by name. */
  others: { name: string; imported: Imported }[];
}

const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE/i;

/** `file`: the compose file, absolute (extends names files relative to it). */
export function importCompose(text: string, source: string, name: string, place: Place): ImportedSet {
  const { file } = place;
  const document = readCompose(text, file);
  const services = document.services as Obj;
  // podman-compose's project: the folder's name, as it is.
  const project = name;
  const network = `${project}_default`;
  const stackRemarks = emptyRemarks();
  const members: Obj = {};
  const others: ImportedSet['others'] = [];
  const declared = (document.secrets ?? {}) as Obj;
  for (const [service, raw] of Object.entries(services)) {
    const config = raw as Obj;
    const memberName = `${project}-${service}`;
    // An included file's service reads its relative paths against that file's folder.
    const own = typeof config[FILE_MARK] === 'string' ? { ...place, file: config[FILE_MARK] } : place;
    const imported = importService(service, config, { project, network, source, place: own, declared });
    others.push({ name: memberName, imported });
    const dependsOn = config.depends_on;
    members[service] = {
      config: memberName,
      ...(dependsOn
        ? { dependsOn: dependencies(dependsOn, (text) => remark(stackRemarks.above, `/members/${service}`, text)) }
        : {}),
    };
  }
  const extraNetworks = Object.keys((document.networks as Obj | undefined) ?? {}).filter((n) => n !== 'default');
  const stack: Obj = {
    $schema: '../schemas/stack.schema.json',
    kind: 'stack',
    network: { name: network },
    ...(extraNetworks.length ? { networks: extraNetworks.map((n) => ({ name: `${project}_${n}` })) } : {}),
    members,
  };
  const modes = profileModes(services, (text) => remark(stackRemarks.above, '/modes', text));
  if (modes) stack.modes = modes;
  remark(stackRemarks.above, '/kind', `Imported from ${source} by scripts/import.mjs.`);
  for (const key of Object.keys(document))
    if (!['services', 'volumes', 'networks', 'secrets', 'include', 'version', 'name'].includes(key))
      remark(stackRemarks.left, '', `${key}: not imported (no boxwright key)`);
  return { main: { config: stack, remarks: stackRemarks }, others };
}

/**
 * depends_on as a member's dependsOn: service_healthy waits for the health check; the others
 * start after. A condition the stack cannot wait for (a one-shot service finishing) is said.
 */
function dependencies(dependsOn: Json, note: (text: string) => void): Obj {
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((d) => [String(d), 'started']));
  return Object.fromEntries(
    Object.entries(dependsOn as Obj).map(([member, spec]) => {
      const condition = (spec as Obj | null)?.condition;
      if (condition === 'service_completed_successfully')
        note(
          `compose waits for ${member} to finish with exit code 0; the stack starts it first, without waiting for it to end`,
        );
      return [member, condition === 'service_healthy' ? 'healthy' : 'started'];
    }),
  );
}

/** What the importer of one service works with: the service, the config it writes, and how. */
interface Service {
  name: string;
  compose: Obj;
  config: Obj;
  project: string;
  /** The project's default network, podman-compose's name for it. */
  network: string;
  /** Variables met in interpolated values (${VAR:-default}), declared at the end. */
  variables: Obj;
  drop: (key: string, why: string) => void;
  /** A value that boxwright expands: compose's variables become its own. */
  value: (input: Json | undefined) => string | undefined;
  /** A value that boxwright passes as written: compose's $$ is its $. */
  literal: (text: string) => string;
  /** The compose file and the repository: relative paths are the file's folder's. */
  place: Place;
}

/** Where a service is, and what its file declares beside it. */
interface ServiceOf {
  project: string;
  network: string;
  source: string;
  place: Place;
  /** The top-level secrets: entries, which a service's secrets name. */
  declared: Obj;
}

function importService(name: string, compose: Obj, { project, network, source, place, declared }: ServiceOf): Imported {
  const remarks = emptyRemarks();
  const config: Obj = { $schema: '../schemas/environment.schema.json', kind: 'environment' };
  const variables: Obj = {};
  const drop = (key: string, why: string) => remark(remarks.left, '', `${key}: ${why}`);
  const service: Service = {
    name,
    compose,
    config,
    project,
    network,
    variables,
    place,
    drop,
    value: (input) => (input === undefined ? undefined : interpolate(String(input), variables)),
    literal: (text) => literal(text, variables, drop),
  };
  remark(remarks.above, '/kind', `Service ${name} of ${source}, imported by scripts/import.mjs.`);
  config.image = service.value(compose.image) ?? `localhost/${project}_${name}:latest`;
  config.name = String(compose.container_name ?? `${project}_${name}_1`);
  // A compose service runs in the background and stays, as up -d makes it.
  config.detach = true;
  config.remove = false;
  config.interactive = false;
  importBuild(service);
  tableKeys(compose, config, service.value, service.literal);
  for (const part of [importEnvironment, importPorts, importMounts, importNetworks]) part(service);
  importSecrets(service, declared);
  devicesCompose(compose, config);
  healthcheckCompose(compose, config, service.literal);
  if (compose.entrypoint !== undefined) config.imageEntrypoint = words(compose.entrypoint);
  if (compose.command !== undefined) config.command = words(compose.command);
  if (Object.keys(variables).length) config.variables = variables;
  const known = new Set([...CODED, ...tableComposeKeys()]);
  // x- keys are extensions, which compose leaves to the tools that know them.
  for (const key of Object.keys(compose))
    if (!known.has(key) && !key.startsWith('x-')) drop(key, 'no boxwright key (extraArgs takes run flags)');
  return { config, remarks };
}

function importBuild({ compose, config, value, place }: Service): void {
  if (compose.build === undefined) return;
  const build = typeof compose.build === 'string' ? { context: compose.build } : (compose.build as Obj);
  const context = value(build.context ?? '.') ?? '.';
  config.build = {
    // A remote context (a git URL) is the runtime's to fetch; a folder is the file's folder's.
    context: /^[a-z][a-z0-9+.-]*:\/\/|^git@/.test(context) ? context : placedPath(context, place),
    ...(build.dockerfile ? { containerfile: String(build.dockerfile) } : {}),
    ...(build.args ? { args: mapOf(build.args, value) } : {}),
    ...(build.target ? { target: String(build.target) } : {}),
  };
}

/**
 * environment and env_file: a value that is only ${NAME} under a key that names a secret
 * becomes a secret read from NAME; the others are env.
 */
function importEnvironment({ compose, config, value, drop, place, variables }: Service): void {
  const env: Obj = {};
  const secrets: Obj = {};
  for (const [key, text] of Object.entries(
    mapOf(compose.environment, (v) => (v === undefined ? undefined : String(v))),
  )) {
    const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$|^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(String(text));
    const from = whole?.[1] ?? whole?.[2];
    if (from && SECRET_NAME.test(key)) secrets[key] = from === key ? { required: true } : { from, required: true };
    else {
      const carried = value(text);
      if (carried !== undefined) env[key] = carried;
    }
  }
  if (Object.keys(env).length) config.env = env;
  if (compose.env_file !== undefined) {
    // Each is a path, or {path, required} (compose 2.24): boxwright's env file is optional.
    const files = (Array.isArray(compose.env_file) ? compose.env_file : [compose.env_file]).map((entry) =>
      String(typeof entry === 'object' && entry !== null ? (entry as Obj).path : entry),
    );
    const first = value(files[0]) ?? '';
    config.envFile = placedPath(first, place);
    if (files.length > 1) drop('env_file', `only the first is read (${files.slice(1).join(', ')} left out)`);
    exportEnvFile(first, { place, env, secrets, variables, drop });
  }
  if (Object.keys(secrets).length) config.secrets = secrets;
}

/**
 * compose passes every variable of an env_file into the container; launch.sh reads its env
 * file for the names a config declares. So each name the file has now is declared, as a
 * secret: passed by name (an env file often holds passwords, which stay off the command
 * line), its value read from the file, or the environment, at each launch and never written
 * into the config. A name the file's own values interpolate is a variable already: exported.
 * What the service's environment sets wins, as in compose.
 */
function exportEnvFile(
  path: string,
  {
    place,
    env,
    secrets,
    variables,
    drop,
  }: { place: Place; env: Obj; secrets: Obj; variables: Obj; drop: Service['drop'] },
): void {
  let text: string;
  try {
    text = readFileSync(absolutePath(path, place), 'utf8');
  } catch {
    drop('env_file', `${path} was not there to read: its variables are not passed into the container`);
    return;
  }
  for (const line of text.split(/\r?\n/)) {
    const name = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    if (name === undefined || name in env || name in secrets) continue;
    if (name in variables) variables[name] = { ...(variables[name] as Obj), export: true };
    else secrets[name] = { description: `from ${path}` };
  }
}

function importPorts({ compose, config, drop }: Service): void {
  const ports = (Array.isArray(compose.ports) ? compose.ports : []).flatMap((written): Json[] => {
    const long = typeof written === 'object' && written ? (written as Obj) : undefined;
    const spec = String(long ? `${long.published}:${long.target}` : written);
    const port = publishedPort(spec);
    if (port === undefined) drop(`ports ${spec}`, 'a range or a random host port has no boxwright key');
    return port === undefined ? [] : [port];
  });
  if (ports.length) config.ports = ports;
}

/** volumes (named volumes by the project's name for them, host folders) and tmpfs. */
function importMounts({ compose, config, project, name, value, place }: Service): void {
  const mounts = (Array.isArray(compose.volumes) ? compose.volumes : []).flatMap((volume): Json[] => {
    const long = typeof volume === 'object' && volume !== null ? (volume as Obj) : undefined;
    const [sourceText, target, options] = long
      ? [long.source === undefined ? undefined : String(long.source), String(long.target), long.read_only ? 'ro' : '']
      : String(volume).split(':');
    if (target === undefined) return [{ type: 'volume', source: `${project}_${name}_anonymous`, target: sourceText! }];
    const readOnly = (options ?? '').split(',').includes('ro');
    if (sourceText && /^[./~]/.test(sourceText))
      return [
        {
          source: placedPath(value(sourceText)!, place),
          target,
          ...(readOnly ? { readOnly } : {}),
        },
      ];
    return [{ type: 'volume', source: `${project}_${sourceText}`, target, ...(readOnly ? { readOnly } : {}) }];
  });
  for (const path of Array.isArray(compose.tmpfs) ? compose.tmpfs : compose.tmpfs ? [compose.tmpfs] : [])
    mounts.push({ type: 'tmpfs', target: String(path) });
  if (mounts.length) config.mounts = mounts;
}

/** The service's networks, by the project's names, each with the service's name as an alias. */
function importNetworks({ compose, config, project, name, network }: Service): void {
  const networks = Array.isArray(compose.networks)
    ? compose.networks.map(String)
    : Object.keys((compose.networks as Obj | undefined) ?? {});
  const joined = networks.length ? networks.map((n) => (n === 'default' ? network : `${project}_${n}`)) : [network];
  config.network = { name: joined[0]!, aliases: [name] };
  if (joined.length > 1) config.networks = joined.slice(1).map((n) => ({ name: n, aliases: [name] }));
}

/** The service keys that code of this importer reads; the table's rows give the others. */
const CODED = [
  'image',
  'container_name',
  'build',
  'environment',
  'env_file',
  'ports',
  'volumes',
  'tmpfs',
  'networks',
  'devices',
  'healthcheck',
  'entrypoint',
  'command',
  'depends_on',
  'secrets',
  // The stack's modes (compose-profiles.ts).
  'profiles',
];

/** The first key of each compose entry of the table (healthcheck for healthcheck/interval). */
function tableComposeKeys(): string[] {
  return KEYS.flatMap((row) => {
    const entry: ComposeEntry = row.compose;
    return 'key' in entry ? [entry.key.split('/')[0]!] : [];
  });
}

/**
 * The key table read backwards: each row that names a compose key takes its value, read as
 * the row's model reads the key. Values of keys that boxwright expands keep compose's
 * variables as its own (`expand`); the others are taken as the runtime takes them (`literal`).
 */
function tableKeys(compose: Obj, config: Obj, expand: Text, literal: (text: string) => string): void {
  for (const row of KEYS) {
    const entry: ComposeEntry = row.compose;
    if (!('key' in entry)) continue;
    const value = getKey(compose, `/${entry.key}`);
    if (value === undefined || value === null) continue;
    const seconds = 'duration' in entry ? durationSeconds(String(value)) : undefined;
    setKey(config, row.key, seconds ?? composeValue(row.model, value, expand, literal));
  }
  // compose's logging may leave the driver out; the config names it.
  const logging = config.logging as Obj | undefined;
  if (logging && logging.driver === undefined) config.logging = { driver: 'json-file', ...logging };
}

type Text = (input: Json | undefined) => string | undefined;

/** A compose duration (1m30s, 10s, 500ms) in whole seconds, rounded up; a bare number is seconds. */
export function durationSeconds(text: string): number | undefined {
  if (/^[0-9]+$/.test(text)) return Number(text);
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9 };
  const parts = [...text.matchAll(/([0-9.]+)(h|ms|m|s|us|ns)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return Math.ceil(parts.reduce((total, [, amount, unit]) => total + Number(amount) * units[unit!]!, 0));
}

function composeValue(model: ModelType, value: Json, expand: Text, literal: (text: string) => string): Json {
  switch (model) {
    case 'boolean':
      return Boolean(value);
    case 'number':
      return Number(value);
    case 'list':
      return (Array.isArray(value) ? value : [value]).map((item) => literal(String(item)));
    case 'map':
      return mapOf(value, (v) => (v === undefined ? '' : expand(v)));
    case 'pairs':
      return mapOf(value, (v) => literal(v === undefined ? '' : String(v)));
    case 'template':
      return expand(value) ?? '';
    default:
      return literal(String(value));
  }
}

/**
 * A value boxwright passes as written: compose's $$ is a $, and a compose variable is fixed to
 * its default (compose would read it from the environment), which a comment says.
 */
function literal(text: string, variables: Obj, drop: (key: string, why: string) => void): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced, dash, fallback, bare) => {
      if (whole === '$$') return '$';
      const name = (braced ?? bare) as string;
      const fixed = dash?.endsWith('-') ? (fallback as string) : '';
      if (!(name in variables))
        drop(whole, `fixed to ${JSON.stringify(fixed)}: boxwright passes this value as written`);
      return fixed;
    },
  );
}

/** A compose list (KEY=value) or map as an object. */
function mapOf(input: Json | undefined, value: (v: Json | undefined) => string | undefined): Obj {
  if (input === undefined || input === null) return {};
  const entries: [string, Json | undefined][] = Array.isArray(input)
    ? input.map((item) => {
        const text = String(item);
        const at = text.indexOf('=');
        return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
      })
    : Object.entries(input as Obj);
  return Object.fromEntries(
    entries.flatMap(([key, v]) => {
      const carried = value(v);
      return carried === undefined ? [] : [[key, carried]];
    }),
  );
}

/** compose's ${VAR}, ${VAR:-default} and $$ as boxwright's ${VAR} (a variable) and $$. */
function interpolate(text: string, variables: Obj): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced, operator, after, bare) => {
      if (whole === '$$') return '$$';
      const name = (braced ?? bare) as string;
      if (!(name in variables)) variables[name] = declared(operator as string | undefined, after as string);
      return `\${${name}}`;
    },
  );
}

/** ${NAME:-default} has a default; ${NAME:?message} is required, and says why. */
function declared(operator: string | undefined, after: string): Obj {
  if (operator?.endsWith('?')) return { required: true, ...(after ? { description: after } : {}) };
  return operator ? { default: after } : {};
}

/** A compose command: a list as it is, a string split as compose splits it (shlex). */
function words(command: Json): string[] {
  if (Array.isArray(command)) return command.map(String);
  const out: string[] = [];
  let word = '';
  let quote: string | undefined;
  let started = false;
  for (const char of String(command)) {
    if (quote) {
      if (char === quote) quote = undefined;
      else word += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      started = true;
    } else if (/\s/.test(char)) {
      if (started) out.push(word);
      word = '';
      started = false;
    } else {
      word += char;
      started = true;
    }
  }
  if (started) out.push(word);
  return out;
}
