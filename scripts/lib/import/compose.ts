// Imports a compose file as a stack config and one environment config per service, named as
// podman-compose names what it makes (<project>_<service>_1, <project>_default,
// <project>_<volume>), so that the imported stack finds the containers' volumes and network
// where compose left them. ${VAR} and ${VAR:-default} become variables; a value that is only
// ${NAME} under a key that names a secret becomes a secret read from NAME. What has no
// boxwright key is left out with a comment saying why.
import { project as boxwright, schemaReference } from '../project.ts';
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
import { durationSeconds, interpolate, literal, mapOf, words } from './compose-text.ts';
import { keptBy, keptByBoxwright } from './compose-kept.ts';

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
  const named = { volumes: (document.volumes ?? {}) as Obj, networks: (document.networks ?? {}) as Obj };
  for (const [service, raw] of Object.entries(services)) {
    const config = raw as Obj;
    const memberName = `${project}-${service}`;
    // An included file's service reads its relative paths against that file's folder.
    const own = typeof config[FILE_MARK] === 'string' ? { ...place, file: config[FILE_MARK] } : place;
    const imported = importService(service, config, { project, network, source, place: own, declared, named });
    others.push({ name: memberName, imported });
    const dependsOn = config.depends_on;
    members[service] = {
      config: memberName,
      ...(dependsOn
        ? { dependsOn: dependencies(dependsOn, (text) => remark(stackRemarks.above, `/members/${service}`, text)) }
        : {}),
    };
  }
  const extraNetworks = Object.keys(named.networks).filter((n) => n !== 'default' && !isExternal(named.networks[n]));
  const stack: Obj = {
    $schema: schemaReference('stack'),
    kind: 'stack',
    network: { name: network },
    ...(extraNetworks.length
      ? { networks: extraNetworks.map((n) => ({ name: declaredName(named.networks, n, project) })) }
      : {}),
    members,
  };
  const modes = profileModes(services, (text) => remark(stackRemarks.above, '/modes', text));
  if (modes) stack.modes = modes;
  remark(stackRemarks.above, '/kind', `Imported from ${source} by ${boxwright().import}.`);
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

/** A volume's or network's name: its own (name:), else compose's, prefixed by the project. */
function declaredName(declared: Obj, key: string, project: string): string {
  const spec = declared[key] as Obj | null | undefined;
  const external = spec?.external;
  const externalName = typeof external === 'object' && external !== null ? (external as Obj).name : undefined;
  const own = spec?.name ?? externalName;
  if (typeof own === 'string') return own;
  return external ? key : `${project}_${key}`;
}

/** A network or volume compose does not create (external: true). */
function isExternal(spec: Json | undefined): boolean {
  return typeof spec === 'object' && spec !== null && Boolean((spec as Obj).external);
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
  /** The file's top-level volumes and networks, whose names (name:) a service's entries use. */
  named: { volumes: Obj; networks: Obj };
}

/** Where a service is, and what its file declares beside it. */
interface ServiceOf {
  project: string;
  network: string;
  source: string;
  place: Place;
  /** The top-level secrets: entries, which a service's secrets name. */
  declared: Obj;
  named: Service['named'];
}

function importService(
  name: string,
  compose: Obj,
  { project, network, source, place, declared, named }: ServiceOf,
): Imported {
  const remarks = emptyRemarks();
  const config: Obj = { $schema: schemaReference('environment'), kind: 'environment' };
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
    named,
    drop,
    value: (input) => (input === undefined ? undefined : interpolate(String(input), variables)),
    literal: (text) => literal(text, variables, drop),
  };
  remark(remarks.above, '/kind', `Service ${name} of ${source}, imported by ${boxwright().import}.`);
  config.image = service.value(compose.image) ?? `localhost/${project}_${name}:latest`;
  config.name = String(compose.container_name ?? `${project}_${name}_1`);
  // A compose service runs in the background and stays, as up -d makes it; stdin_open keeps
  // its input open, as launch.sh does by default.
  config.detach = true;
  config.remove = false;
  if (compose.stdin_open !== true) config.interactive = false;
  if (compose.tty === true) drop('tty', 'a service that runs in the background has no terminal in boxwright');
  importBuild(service);
  tableKeys(compose, config, service.value, service.literal);
  for (const part of [importEnvironment, importPorts, importMounts, importNetworks]) part(service);
  importSecrets(service, declared);
  devicesCompose(compose, config);
  importDeploy(service);
  // boxwright's own labels: the scripts generated from the config add them again.
  const labels = config.labels as Obj | undefined;
  for (const label of Object.keys(labels ?? {})) if (label.startsWith('io.boxwright.')) delete labels![label];
  if (labels && Object.keys(labels).length === 0) delete config.labels;
  healthcheckCompose(compose, config, service.literal);
  if (compose.entrypoint !== undefined) config.imageEntrypoint = words(compose.entrypoint);
  if (compose.command !== undefined) config.command = words(compose.command);
  if (Object.keys(variables).length) config.variables = variables;
  keptByBoxwright(compose, config);
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

/** deploy's GPU reservation (nvidia, or the gpu capability) is gpu required; the rest is said. */
function importDeploy({ compose, config, drop }: Service): void {
  const deploy = compose.deploy as Obj | undefined;
  if (deploy === undefined) return;
  const found = getKey(deploy, '/resources/reservations/devices');
  const devices = Array.isArray(found) ? (found as Obj[]) : [];
  const isGpu = (d: Obj) => d.driver === 'nvidia' || (Array.isArray(d.capabilities) && d.capabilities.includes('gpu'));
  if (devices.some(isGpu)) config.gpu = { mode: 'required' };
  const resources = (deploy.resources ?? {}) as Obj;
  const reservations = (resources.reservations ?? {}) as Obj;
  const left = [
    ...Object.keys(deploy).filter((k) => k !== 'resources'),
    ...Object.keys(resources).filter((k) => k !== 'reservations'),
    ...Object.keys(reservations).filter((k) => k !== 'devices'),
    ...(devices.every(isGpu) ? [] : ['a device reservation other than a GPU']),
  ];
  if (left.length) drop('deploy', `${left.join(', ')}: no boxwright key (gpu takes a GPU reservation)`);
}

/**
 * environment and env_file: a value that is only ${NAME} under a key that names a secret
 * becomes a secret read from NAME; the others are env.
 */
function importEnvironment({ compose, config, value, drop, place, variables }: Service): void {
  const env: Obj = {};
  const secrets: Obj = {};
  const kept = keptBy(compose, 'secrets');
  // NAME alone is passed from compose's own environment, as boxwright passes a secret.
  for (const key of passedByName(compose.environment)) secrets[key] = {};
  for (const [key, text] of Object.entries(
    mapOf(compose.environment, (v) => (v === undefined ? undefined : String(v))),
  )) {
    const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$|^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(String(text));
    const from = whole?.[1] ?? whole?.[2];
    if (from && (SECRET_NAME.test(key) || key in kept))
      secrets[key] = from === key ? { required: true } : { from, required: true };
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

/** The names an environment list or map gives without a value. */
function passedByName(environment: Json | undefined): string[] {
  if (Array.isArray(environment)) return environment.map(String).filter((item) => !item.includes('='));
  if (typeof environment !== 'object' || environment === null) return [];
  return Object.entries(environment as Obj).flatMap(([key, v]) => (v === null ? [key] : []));
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

/**
 * volumes (named volumes by their names, host folders) and tmpfs. compose makes a missing host
 * folder (both its short form and, unless create_host_path is false, its long form).
 */
function importMounts(service: Service): void {
  const { compose, config } = service;
  const mounts = (Array.isArray(compose.volumes) ? compose.volumes : []).map((volume) =>
    typeof volume === 'object' && volume !== null
      ? longMount(service, volume as Obj)
      : shortMount(service, String(volume)),
  );
  for (const path of Array.isArray(compose.tmpfs) ? compose.tmpfs : compose.tmpfs ? [compose.tmpfs] : []) {
    const [target, options] = String(path).split(/:(.*)/s);
    mounts.push({ type: 'tmpfs', target: target!, ...(options ? { options: options.split(',') } : {}) });
  }
  if (mounts.length) config.mounts = mounts;
}

/** SOURCE:TARGET[:OPTIONS], TARGET alone (an anonymous volume). */
function shortMount(service: Service, text: string): Json {
  const [sourceText, target, options] = text.split(':');
  if (target === undefined)
    return { type: 'volume', source: `${service.project}_${service.name}_anonymous`, target: sourceText! };
  const flags = (options ?? '').split(',').filter(Boolean);
  return mountOf(service, sourceText!, target, flags, true);
}

function longMount(service: Service, long: Obj): Json {
  const target = String(long.target);
  if (long.type === 'tmpfs') return { type: 'tmpfs', target };
  const source = long.source === undefined ? undefined : String(long.source);
  if (source === undefined) return { type: 'volume', source: `${service.project}_${service.name}_anonymous`, target };
  const bind = (long.bind ?? {}) as Obj;
  const flags = [...(long.read_only ? ['ro'] : []), ...(typeof bind.selinux === 'string' ? [bind.selinux] : [])];
  return mountOf(service, source, target, flags, bind.create_host_path !== false, long.type as string | undefined);
}

/** A mount by what its source is: a host folder has a / (${HOME}/x as well as ./x), a volume's name none. */
function mountOf(
  service: Service,
  sourceText: string,
  target: string,
  flags: string[],
  create: boolean,
  type?: string,
): Json {
  const readOnly = flags.includes('ro');
  const options = flags.filter((f) => f !== 'ro' && f !== 'rw');
  const rest = { ...(readOnly ? { readOnly } : {}), ...(options.length ? { options } : {}) };
  if (type === 'bind' || (type === undefined && (/^[./~]/.test(sourceText) || sourceText.includes('/')))) {
    const source = placedPath(service.value(sourceText)!, service.place).replace(/^\$\{HOME\}(?=\/|$)/, '~');
    return { source, target, ...rest, ...(create ? { create } : {}) };
  }
  return { type: 'volume', source: declaredName(service.named.volumes, sourceText, service.project), target, ...rest };
}

/** The service's networks, by the project's names, each with the service's name as an alias. */
function importNetworks({ compose, config, project, name, network, named, drop }: Service): void {
  // bridge is the runtime's own network, where launch.sh puts a config without one.
  if (compose.network_mode === 'bridge') return;
  if (compose.network_mode !== undefined) {
    config.extraArgs = [...((config.extraArgs as Json[] | undefined) ?? []), `--network=${compose.network_mode}`];
    return;
  }
  const given = (compose.networks ?? {}) as Obj;
  const networks = Array.isArray(given) ? given.map(String) : Object.keys(given);
  const joined = (networks.length ? networks : ['default']).map((n) => {
    const aliases = (Array.isArray(given) ? undefined : (given[n] as Obj | null)?.aliases) as Json[] | undefined;
    return {
      name: n === 'default' && !(n in named.networks) ? network : declaredName(named.networks, n, project),
      // compose's service name is an alias on every network it joins; boxwright says them all.
      aliases: [...new Set([name, ...(aliases ?? []).map(String)])],
    };
  });
  config.network = joined[0]!;
  if (joined.length > 1) config.networks = joined.slice(1);
  if (!Array.isArray(given))
    for (const [n, spec] of Object.entries(given))
      for (const key of Object.keys((spec as Obj | null) ?? {}))
        if (key !== 'aliases') drop(`networks ${n} ${key}`, 'no boxwright key for it');
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
  'stdin_open',
  'tty',
  'deploy',
  'network_mode',
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
