// The Environment model: a validated environment config, normalised (templates parsed,
// defaults applied) and checked for what the schema cannot express.
import type { ProblemList } from '../problems.ts';
import { suggestion } from '../problems.ts';
import type { Template } from '../template-string.ts';
import { scope, SHELL_NAME, type Locator, type Scope } from './kernel.ts';
import { buildKubernetes, checkGivenVariables, type Kubernetes, type KubernetesConfig } from './kubernetes.ts';
import {
  type Healthcheck,
  type KeyValues,
  type Pair,
  readKeys,
  type Resources,
  type TopLevelConfig,
} from '../keys/model.ts';
import {
  buildServices,
  buildStartup,
  type Service,
  type ServiceConfig,
  type Startup,
  type StartupConfig,
  type Workspace,
  type WorkspaceConfig,
} from './startup.ts';

/** The config as the schema guarantees it (see schemas/environment.schema.json). */
export interface EnvironmentConfig extends TopLevelConfig {
  kind: 'environment';
  abstract?: boolean;
  description?: string;
  notes?: string[];
  image: string;
  build?: { context: string; containerfile?: string; args?: Record<string, string>; target?: string };
  name?: string;
  runtime?: Runtime;
  remove?: boolean;
  interactive?: boolean | 'auto';
  detach?: boolean;
  variables?: Record<string, { description?: string; default?: string; required?: boolean; export?: boolean }>;
  envFile?: string;
  env?: Record<string, string | { prepend?: string; append?: string; separator?: string }>;
  secrets?: Record<string, { description?: string; required?: boolean; from?: string; file?: boolean | string }>;
  ports?: { container: number; host?: number; protocol?: 'tcp' | 'udp'; hostIp?: string; description?: string }[];
  mounts?: {
    type?: MountType;
    source?: string;
    target?: string;
    readOnly?: boolean;
    create?: boolean;
    options?: string[];
    description?: string;
  }[];
  devices?: { path: string; target?: string; optional?: boolean }[];
  capabilities?: { add?: string[]; drop?: string[] };
  logging?: { driver: string; options?: Record<string, string> };
  resources?: Resources;
  network?: { name: string; aliases?: string[]; create?: boolean };
  networks?: { name: string; aliases?: string[]; create?: boolean }[];
  gpu?: { mode: GpuMode; minCuda?: string; variable?: string };
  extraArgs?: string[];
  entrypoints?: Record<string, { description?: string; command: string[]; args?: 'append' | 'replace' }>;
  entrypointVariable?: string;
  defaultEntrypoint?: string;
  command?: 'image' | string[];
  imageEntrypoint?: string[];
  startup?: StartupConfig;
  services?: Record<string, ServiceConfig>;
  workspace?: WorkspaceConfig;
  jobs?: { directory: string };
  backup?: { image?: string };
  kubernetes?: KubernetesConfig;
  devcontainer?: { name?: string; extensions?: string[] };
}

export type Runtime = 'podman' | 'docker';
export type MountType = 'bind' | 'volume' | 'tmpfs' | 'workspace';

/** The launch script's variables for a workspace mount: the folder it runs from, and its name. */
export const WORKSPACE = 'bw_workspace';
export const WORKSPACE_FOLDER = 'bw_workspace_folder';
export type GpuMode = 'off' | 'auto' | 'required';
export type { Healthcheck, Resources };
export interface Variable {
  name: string;
  description?: string;
  default?: Template;
  required: boolean;
  export: boolean;
}
export interface Secret {
  /** The name in the container. */
  name: string;
  /** The name the launcher reads it by (environment, env file): `from`, else `name`. */
  hostName: string;
  description?: string;
  required: boolean;
  /** Where the container reads it as a file, instead of from its environment. */
  file?: string;
}
/**
 * An environment variable: a value, or text put before or after the image's own value of it
 * (`extend`), which the launcher reads from the image when it starts the container.
 */
export interface EnvVar {
  name: string;
  value: Template;
  extend?: { position: 'prepend' | 'append'; separator: string };
}
export interface Port {
  host: number;
  container: number;
  protocol: 'tcp' | 'udp';
  hostIp?: string;
  description?: string;
}

/** How a port reads everywhere: `--publish`, --help and the README ([IP:]HOST:CONTAINER/PROTO). */
export function publishSpec(port: Port): string {
  const hostIp = port.hostIp === undefined ? '' : port.hostIp.includes(':') ? `[${port.hostIp}]:` : `${port.hostIp}:`;
  return `${hostIp}${port.host}:${port.container}/${port.protocol}`;
}
export interface Mount {
  type: MountType;
  source?: Template;
  sourceText?: string;
  target: Template;
  targetText: string;
  readOnly: boolean;
  create: boolean;
  options: string[];
  description?: string;
}
export interface ImageBuild {
  /** The context folder: a ./ path of the repository starts with the REPOSITORY variable. */
  context: Template;
  /** As written: relative to the context unless absolute; undefined for Containerfile, else Dockerfile. */
  containerfile?: string;
  args: { name: string; value: Template }[];
  target?: string;
}
export interface Device {
  path: string;
  target?: string;
  optional: boolean;
}
export interface Network {
  name: Template;
  aliases: Template[];
  create: boolean;
}
export interface Gpu {
  mode: GpuMode;
  minCuda?: { major: number; minor: number };
  variable: string;
}
export type Label = Pair<Template>;
export interface Entrypoint {
  name: string;
  description?: string;
  command: string[];
  args: 'append' | 'replace';
}

/** An environment: the key table's keys as keys/model.ts reads them, and the rest. */
export interface Environment extends KeyValues {
  /** The config's name: its file name without extension, and its folder in generated/. */
  id: string;
  /** The config file as shown in headers, relative to the repository. */
  source: string;
  description?: string;
  notes: string[];
  image: Template;
  /** How launch.sh builds the image when it is missing or its build inputs changed. */
  build?: ImageBuild;
  /** The container's name: the config's, else its id. --instance adds "-NAME" at run time. */
  name: Template;
  runtime?: Runtime;
  remove: boolean;
  interactive: boolean | 'auto';
  detach: boolean;
  /** What launch.sh does without a verb: up for long-lived (detached) configs, else run. */
  defaultVerb: Verb;
  variables: Variable[];
  envFile?: Template;
  envFileText?: string;
  env: EnvVar[];
  secrets: Secret[];
  ports: Port[];
  mounts: Mount[];
  devices: Device[];
  network?: Network;
  /** The networks joined besides network, each with its own aliases (podman only). */
  extraNetworks: Network[];
  gpu: Gpu;
  healthcheck?: Healthcheck;
  extraArgs: Template[];
  entrypoints: Entrypoint[];
  entrypointVariable?: string;
  defaultEntrypoint?: string;
  /** What runs when nothing is chosen: the image's CMD, or this command. */
  command: 'image' | string[];
  /** The ENTRYPOINT that replaces the image's own (which also sets its CMD aside). */
  imageEntrypoint?: string[];
  /** Container-side setup; present when the config has startup, services or a workspace. */
  startup?: Startup;
  services: Service[];
  workspace?: Workspace;
  /**
   * The job runner's records: `directory` in the container and, when a bind mount holds it,
   * `hostDirectory`, the same folder on the host (launch.sh jobs reads it there).
   */
  jobs?: { directory: string; hostDirectory?: Template };
  /** The image that archives the named volumes, when backups are asked for. */
  backupImage?: Template;
  /** The Kubernetes target's settings, when kube.yaml is asked for. */
  kubernetes?: Kubernetes;
  /** The devcontainer.json target's settings, when it is asked for. */
  devcontainer?: { name: string; extensions: string[] };
}

/** The launch script's verbs, like compose's and distrobox's: the first word of its arguments. */
export const VERBS = ['up', 'run', 'shell', 'stop', 'restart', 'down', 'status', 'logs'] as const;
export type Verb = (typeof VERBS)[number];

/** The host folder of `directory` in the container, when a bind mount holds it. */
function hostFolderOf(directory: string, mounts: Mount[]): Template | undefined {
  // The deepest mount wins, as it does in the container.
  const holding = mounts
    .filter(
      (m) => m.type === 'bind' && m.source && (directory === m.targetText || directory.startsWith(`${m.targetText}/`)),
    )
    .sort((a, b) => b.targetText.length - a.targetText.length)[0];
  if (!holding) return undefined;
  return [...holding.source!, { literal: directory.slice(holding.targetText.length) }];
}

/** What follows the repository's folder for a ./ path: "" for ".", "/x" for "./x", "/../x" for "../x". */
function inRepositoryPath(source: string): string {
  if (source === '.') return '';
  return source.startsWith('./') ? source.slice(1) : `/${source}`;
}

/** The launch script's variable holding the repository's folder, found from its own. */
export const REPOSITORY = 'bw_root';

/** Where the launch script mounts generated/<name>/ inside the container. */
export const CONTAINER_DIR = '/opt/boxwright';

/**
 * Whether a command starts with a generated script of CONTAINER_DIR, which runs through
 * /bin/sh: it then runs whatever mode its mount gives it (podman kube play 4.3 mounts a
 * ConfigMap without its defaultMode).
 */
export function runsThroughShell(command: string): boolean {
  return new RegExp(`^${CONTAINER_DIR}/[A-Za-z0-9._-]+\\.sh(\\s|$)`).test(command);
}

const ENTRYPOINT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function buildEnvironment(
  id: string,
  source: string,
  config: EnvironmentConfig,
  at: Locator,
  problems: ProblemList,
): Environment | undefined {
  const before = problems.items.length;
  const names = scope(at, problems);
  // Variables first: every other string may refer to them, a default only to earlier ones.
  const variables = buildVariables(config, names);
  const secrets = buildSecrets(config, names);
  const mounts = buildMounts(config, names);
  checkWorkdir(config, names);
  const keys = readKeys(config as unknown as Record<string, unknown>, names);
  const environment: Environment = {
    id,
    source,
    description: config.description,
    notes: config.notes ?? [],
    image: names.template(config.image, '/image'),
    build: config.build && buildImageBuild(config, names),
    name: config.name === undefined ? [{ literal: id }] : names.template(config.name, '/name'),
    ...keys,
    workdir: keys.workdir ?? mounts.find((m) => m.type === 'workspace')?.target,
    runtime: config.runtime,
    remove: config.remove ?? true,
    interactive: config.interactive ?? 'auto',
    detach: config.detach ?? false,
    defaultVerb: config.detach ? 'up' : 'run',
    variables,
    envFile: config.envFile === undefined ? undefined : names.template(config.envFile, '/envFile', { tilde: true }),
    envFileText: config.envFile,
    env: buildEnv(config, variables, secrets, names),
    secrets,
    ports: buildPorts(config, names),
    mounts,
    devices: (config.devices ?? []).map((d) => ({ path: d.path, target: d.target, optional: d.optional ?? false })),
    network: config.network && {
      name: names.template(config.network.name, '/network/name'),
      // Other containers on the network reach it by its hostname too, as compose's do by the
      // service name (not on the runtime's own networks, which take no aliases).
      aliases: [
        ...(config.hostname !== undefined &&
        !['host', 'bridge', 'none', 'podman'].includes(config.network.name) &&
        !(config.network.aliases ?? []).includes(config.hostname)
          ? [names.template(config.hostname, '/hostname')]
          : []),
        ...(config.network.aliases ?? []).map((alias, i) => names.template(alias, `/network/aliases/${i}`)),
      ],
      create: config.network.create ?? false,
    },
    extraNetworks: buildExtraNetworks(config, names),
    gpu: buildGpu(config, names),
    extraArgs: (config.extraArgs ?? []).map((arg, i) => names.template(arg, `/extraArgs/${i}`)),
    ...buildEntrypoints(config, names),
    command: config.command ?? 'image',
    imageEntrypoint: config.imageEntrypoint,
    services: buildServices(config.services ?? {}, at, problems),
    workspace: config.workspace,
    jobs: config.jobs && { ...config.jobs, hostDirectory: hostFolderOf(config.jobs.directory, mounts) },
  };
  if (config.startup || config.services || config.workspace) {
    environment.startup = buildStartup(
      config.startup ?? {},
      secrets.filter((s) => !s.file).map((s) => s.name),
      at,
      problems,
      secrets.filter((s) => s.file).map((s) => s.name),
    );
    checkUsersDeclared(
      config,
      environment.startup.users.map((u) => u.name),
      at,
      problems,
    );
  }
  if (config.backup) {
    environment.backupImage =
      config.backup.image === undefined ? environment.image : names.template(config.backup.image, '/backup/image');
    if (!environment.mounts.some((m) => m.type === 'volume'))
      problems.add(at('/backup'), 'backup is set but the config has no named volumes');
  }
  if (config.devcontainer)
    environment.devcontainer = {
      name: config.devcontainer.name ?? id,
      extensions: config.devcontainer.extensions ?? [],
    };
  if (config.kubernetes) {
    environment.kubernetes = buildKubernetes(config.kubernetes, at, problems);
    checkGivenVariables(
      environment.kubernetes.variables,
      variables.map((v) => v.name),
      at,
      problems,
    );
  }
  if (config.imageEntrypoint && config.services)
    problems.add(
      at('/imageEntrypoint'),
      "imageEntrypoint has no effect: with services, the generated entrypoint runs supervisord, not the image's ENTRYPOINT",
      'remove one of them',
    );
  if (environment.detach && environment.interactive === true)
    problems.add(at('/detach'), 'detach and interactive: true cannot be combined', 'use interactive: false or auto');
  return problems.items.length === before ? environment : undefined;
}

/**
 * With users declared, a service or the workspace must run as one of them (or root): another
 * name is most likely a typo, which supervisord or setpriv would only report at start.
 */
function checkUsersDeclared(config: EnvironmentConfig, declared: string[], at: Locator, problems: ProblemList): void {
  if (declared.length === 0) return;
  const known = ['root', ...declared];
  const check = (user: string | undefined, pointer: string) => {
    if (user !== undefined && !known.includes(user))
      problems.add(at(pointer), `no user named "${user}" is declared in startup.users`, suggestion(user, known));
  };
  for (const [name, service] of Object.entries(config.services ?? {})) check(service.user, `/services/${name}/user`);
  check(config.workspace?.user, '/workspace/user');
}

function buildVariables(config: EnvironmentConfig, names: Scope): Variable[] {
  return Object.entries(config.variables ?? {}).map(([name, variable]) => {
    names.checkName(name, '/variables', 'variable');
    const pointer = `/variables/${name}`;
    const defaultValue =
      variable.default === undefined
        ? undefined
        : names.template(variable.default, `${pointer}/default`, { tilde: true });
    if (variable.required && variable.default !== undefined)
      names.problems.add(
        names.at(`${pointer}/required`),
        `variable "${name}" is required but has a default`,
        'drop one of them',
      );
    names.declare(name);
    return {
      name,
      description: variable.description,
      default: defaultValue,
      required: variable.required ?? false,
      export: variable.export ?? false,
    };
  });
}

function buildSecrets(config: EnvironmentConfig, names: Scope): Secret[] {
  return Object.entries(config.secrets ?? {}).map(([name, secret]) => {
    names.checkName(name, '/secrets', 'secret');
    if (names.isDeclared(name))
      names.problems.add(
        names.at('/secrets', name),
        `"${name}" is declared both as a variable and as a secret`,
        'a value is one or the other',
      );
    const hostName = secret.from ?? name;
    if (secret.from !== undefined) {
      names.checkName(secret.from, `/secrets/${name}/from`, 'secret source', false);
      if (names.isDeclared(secret.from) && secret.from !== name)
        names.problems.add(
          names.at(`/secrets/${name}`, 'from'),
          `"${secret.from}" is declared as a variable: a secret cannot be read from it`,
        );
    }
    const file = secret.file === true ? `/run/secrets/${name}` : secret.file === false ? undefined : secret.file;
    return { name, hostName, description: secret.description, required: secret.required ?? false, file };
  });
}

function buildEnv(config: EnvironmentConfig, variables: Variable[], secrets: Secret[], names: Scope): EnvVar[] {
  const { at, problems } = names;
  const env: EnvVar[] = [];
  for (const [name, value] of Object.entries(config.env ?? {})) {
    if (!SHELL_NAME.test(name))
      problems.add(
        at('/env', name),
        `environment variable "${name}" is not a valid shell variable name`,
        'use letters, digits and _, not starting with a digit',
      );
    if (secrets.some((s) => s.name === name))
      problems.add(
        at('/env', name),
        `"${name}" is a secret and cannot also be set in env`,
        'a secret is passed by name only',
      );
    if (variables.some((v) => v.name === name && v.export))
      problems.add(at('/env', name), `"${name}" is already exported from variables`, 'set it in one place');
    if (typeof value === 'string') {
      env.push({ name, value: names.template(value, `/env/${name}`) });
      continue;
    }
    const position = value.prepend !== undefined ? 'prepend' : 'append';
    if (value.prepend !== undefined && value.append !== undefined)
      problems.add(at(`/env/${name}`), `"${name}" both prepends and appends`, 'choose one of prepend and append');
    const text = value[position];
    if (text === undefined) {
      problems.add(
        at(`/env/${name}`),
        `"${name}" needs prepend or append`,
        "the text to put before or after the image's value",
      );
      continue;
    }
    env.push({
      name,
      value: names.template(text, `/env/${name}/${position}`),
      extend: { position, separator: value.separator ?? ':' },
    });
  }
  return env;
}

function buildPorts(config: EnvironmentConfig, { at, problems }: Scope): Port[] {
  const seen = new Map<string, string>();
  return (config.ports ?? []).map((port, i) => {
    const normalised: Port = {
      host: port.host ?? port.container,
      container: port.container,
      protocol: port.protocol ?? 'tcp',
      hostIp: port.hostIp,
      description: port.description,
    };
    const key = `${normalised.hostIp ?? '*'}:${normalised.host}/${normalised.protocol}`;
    const first = seen.get(key);
    if (first !== undefined) {
      const firstAt = at(first);
      problems.add(
        at(`/ports/${i}`),
        `host port ${normalised.host}/${normalised.protocol} is published twice`,
        `first at ${firstAt.file}:${firstAt.line}:${firstAt.column}`,
      );
    } else seen.set(key, `/ports/${i}`);
    return normalised;
  });
}

/** A folder of the repository (./x, found from the script's place at run time) as a template. */
function inRepository(text: string, pointer: string, names: Scope): Template {
  return [{ variable: REPOSITORY }, ...names.template(inRepositoryPath(text), pointer)];
}

const REPOSITORY_PATH = /^\.\.?(\/|$)/;

function buildImageBuild(config: EnvironmentConfig, names: Scope): ImageBuild {
  const build = config.build!;
  const { at, problems } = names;
  if (config.image.includes('@'))
    problems.add(at('/image'), 'an image that is built here is tagged, so it cannot name a digest (@sha256:...)');
  const relative = REPOSITORY_PATH.test(build.context);
  if (!relative && !/^(\/|~$|~\/|\$\{)/.test(build.context))
    problems.add(
      at('/build/context'),
      `build context "${build.context}" is not an absolute path`,
      'start it with /, ~/, ${VARIABLE}, or ./ for a folder of this repository',
    );
  return {
    context: relative
      ? inRepository(build.context, '/build/context', names)
      : names.template(build.context, '/build/context', { tilde: true }),
    containerfile: build.containerfile,
    args: Object.entries(build.args ?? {}).map(([name, value]) => {
      if (name === '' || name.includes('='))
        problems.add(at('/build/args', name), `build argument "${name}" must be non-empty and contain no "="`);
      return { name, value: names.template(value, `/build/args/${name}`) };
    }),
    target: build.target,
  };
}

/**
 * The folder launch.sh is run from, as devcontainer's workspace: at /workspaces/<its name>
 * unless a target is given. The launch script sets both variables before it runs.
 */
function workspaceMount(mount: NonNullable<EnvironmentConfig['mounts']>[number], pointer: string, names: Scope): Mount {
  if (mount.source !== undefined)
    names.problems.add(
      names.at(`${pointer}/source`),
      'a workspace mount has no source: it is the folder launch.sh is run from',
    );
  if (mount.create)
    names.problems.add(names.at(`${pointer}/create`), 'only bind mounts can create their host directory');
  if (mount.target !== undefined && !/^(\/|\$\{)/.test(mount.target))
    names.problems.add(
      names.at(`${pointer}/target`),
      `mount target "${mount.target}" is not an absolute path`,
      'paths inside the container start with /',
    );
  return {
    type: 'workspace',
    source: [{ variable: WORKSPACE }],
    target:
      mount.target === undefined
        ? [{ literal: '/workspaces/' }, { variable: WORKSPACE_FOLDER }]
        : names.template(mount.target, `${pointer}/target`),
    targetText: mount.target ?? '/workspaces/<folder>',
    readOnly: mount.readOnly ?? false,
    create: false,
    options: mount.options ?? [],
    description: mount.description,
  };
}

function buildMounts(config: EnvironmentConfig, names: Scope): Mount[] {
  const { at, problems } = names;
  const seenTargets = new Map<string, string>();
  if ((config.mounts ?? []).filter((m) => m.type === 'workspace').length > 1)
    problems.add(at('/mounts'), 'only one mount can be the workspace');
  return (config.mounts ?? []).map((mount, i) => {
    const pointer = `/mounts/${i}`;
    const type = mount.type ?? 'bind';
    if (type === 'workspace') return workspaceMount(mount, pointer, names);
    const target = mount.target!;
    if (!target.startsWith('/') && !target.startsWith('${')) {
      problems.add(
        at(`${pointer}/target`),
        `mount target "${target}" is not an absolute path`,
        'paths inside the container start with /',
      );
    }
    if (target.includes(':') || mount.source?.includes(':'))
      problems.add(at(pointer), 'mount paths cannot contain ":"', 'the runtime splits --volume at ":"');
    const first = seenTargets.get(target);
    if (first !== undefined)
      problems.add(at(`${pointer}/target`), `"${target}" is mounted twice`, `first at line ${at(first).line}`);
    else seenTargets.set(target, `${pointer}/target`);
    if (type === 'tmpfs' && mount.source !== undefined)
      problems.add(at(`${pointer}/source`), 'a tmpfs mount has no source', 'remove source');
    if (type !== 'tmpfs' && mount.source === undefined) problems.add(at(pointer), `a ${type} mount needs a source`);
    const repositoryFolder = type === 'bind' && mount.source !== undefined && REPOSITORY_PATH.test(mount.source);
    if (type === 'bind' && mount.source !== undefined && !repositoryFolder && !/^(\/|~$|~\/|\$\{)/.test(mount.source)) {
      problems.add(
        at(`${pointer}/source`),
        `bind source "${mount.source}" is not an absolute path`,
        'start it with /, ~/, ${VARIABLE}, or ./ for a folder of this repository',
      );
    }
    if (type === 'volume' && mount.source !== undefined && !/^[A-Za-z0-9$]/.test(mount.source)) {
      problems.add(
        at(`${pointer}/source`),
        `volume name "${mount.source}" must start with a letter or digit`,
        'for a host path use type "bind"',
      );
    }
    if (mount.create && type !== 'bind')
      problems.add(at(`${pointer}/create`), 'only bind mounts can create their host directory');
    return {
      type,
      source:
        mount.source === undefined
          ? undefined
          : repositoryFolder
            ? // ./x is a folder of the repository that holds the config, wherever it is run from.
              inRepository(mount.source, `${pointer}/source`, names)
            : names.template(mount.source, `${pointer}/source`, { tilde: type === 'bind' }),
      sourceText: mount.source,
      target: names.template(target, `${pointer}/target`),
      targetText: target,
      readOnly: mount.readOnly ?? false,
      create: mount.create ?? false,
      options: mount.options ?? [],
      description: mount.description,
    };
  });
}

function buildExtraNetworks(config: EnvironmentConfig, names: Scope): Network[] {
  const { at, problems } = names;
  const networks = config.networks ?? [];
  if (networks.length && !config.network)
    problems.add(at('/networks'), 'networks adds to network, which is not set', 'name the first one under network');
  // podman reads NAME:alias=A,alias=B, so no name or alias may hold "," or ":".
  const separatorFree = (texts: [string, string][], where: string) => {
    for (const [text, pointer] of texts)
      if (/[,:]/.test(text)) problems.add(at(pointer), `"${text}" cannot hold "," or ":" ${where}`);
  };
  // With more than one network, the first is written NAME:alias=... too.
  if (networks.length && config.network)
    separatorFree(
      [
        [config.network.name, '/network/name'],
        [config.hostname ?? '', '/hostname'],
        ...(config.network.aliases ?? []).map((alias, j): [string, string] => [alias, `/network/aliases/${j}`]),
      ],
      'beside more networks',
    );
  const seen = new Set([config.network?.name]);
  return networks.map((network, i) => {
    const pointer = `/networks/${i}`;
    if (seen.has(network.name)) problems.add(at(`${pointer}/name`), `network "${network.name}" is joined twice`);
    seen.add(network.name);
    if (['host', 'none', 'bridge'].includes(network.name))
      problems.add(at(`${pointer}/name`), `"${network.name}" cannot be joined beside another network`);
    separatorFree(
      [
        [network.name, `${pointer}/name`],
        ...(network.aliases ?? []).map((alias, j): [string, string] => [alias, `${pointer}/aliases/${j}`]),
      ],
      'here',
    );
    return {
      name: names.template(network.name, `${pointer}/name`),
      aliases: (network.aliases ?? []).map((alias, j) => names.template(alias, `${pointer}/aliases/${j}`)),
      create: network.create ?? false,
    };
  });
}

function buildEntrypoints(
  config: EnvironmentConfig,
  names: Scope,
): Pick<Environment, 'entrypoints' | 'entrypointVariable' | 'defaultEntrypoint'> {
  const { at, problems } = names;
  const entrypoints: Entrypoint[] = Object.entries(config.entrypoints ?? {}).map(([name, entrypoint]) => {
    if (!ENTRYPOINT_NAME.test(name))
      problems.add(
        at('/entrypoints', name),
        `entrypoint name "${name}" must be letters, digits, ".", "_" or "-"`,
        'it is typed as an argument',
      );
    else if ((VERBS as readonly string[]).includes(name))
      problems.add(
        at('/entrypoints', name),
        `entrypoint name "${name}" is one of launch.sh's verbs`,
        `rename it: ${VERBS.join(', ')} are verbs`,
      );
    return {
      name,
      description: entrypoint.description,
      command: entrypoint.command,
      args: entrypoint.args ?? 'append',
    };
  });
  const entrypointNames = entrypoints.map((e) => e.name);
  if (config.defaultEntrypoint !== undefined && !entrypointNames.includes(config.defaultEntrypoint)) {
    problems.add(
      at('/defaultEntrypoint'),
      `no entrypoint named "${config.defaultEntrypoint}"`,
      entrypointNames.length ? suggestion(config.defaultEntrypoint, entrypointNames) : 'declare it under entrypoints',
    );
  }
  if (config.entrypointVariable !== undefined) {
    names.checkName(config.entrypointVariable, '/entrypointVariable', 'entrypointVariable');
    if (entrypoints.length === 0)
      problems.add(at('/entrypointVariable'), 'entrypointVariable is set but there are no entrypoints');
  }
  return { entrypoints, entrypointVariable: config.entrypointVariable, defaultEntrypoint: config.defaultEntrypoint };
}

function buildGpu(config: EnvironmentConfig, names: Scope): Gpu {
  const variable = config.gpu?.variable ?? 'BOXWRIGHT_GPU';
  if (config.gpu?.variable !== undefined) names.checkName(variable, '/gpu/variable', 'gpu variable');
  const [major, minor] = (config.gpu?.minCuda ?? '').split('.').map(Number);
  return {
    mode: config.gpu?.mode ?? 'off',
    minCuda: config.gpu?.minCuda === undefined ? undefined : { major: major!, minor: minor! },
    variable,
  };
}

function checkWorkdir(config: EnvironmentConfig, names: Scope): void {
  if (config.workdir !== undefined && !/^(\/|\$\{)/.test(config.workdir))
    names.problems.add(
      names.at('/workdir'),
      `workdir "${config.workdir}" is not an absolute path`,
      'paths inside the container start with /',
    );
}
