// The Environment model: a validated environment config, normalised (templates parsed,
// defaults applied) and checked for what the schema cannot express.
import type { ProblemList } from '../problems.ts';
import type { Feature, FeaturesConfig } from './features.ts';
import { buildHost, type Host, type HostConfig } from './host.ts';
import { suggestion } from '../problems.ts';
import type { Template } from '../template-string.ts';
import { scope, type Locator, type Scope } from './kernel.ts';
import { hostFolderOf, buildImageBuild, buildMounts } from './mounts.ts';
import { buildExtraNetworks, buildNetwork } from './networks.ts';
import { buildEnv, buildPorts, buildSecrets, buildVariables } from './settings.ts';
import {
  buildKubernetes,
  checkGivenVariables,
  type ImageFacts,
  type Kubernetes,
  type KubernetesConfig,
} from './kubernetes.ts';
import { type KeyValues, type Pair, readKeys, type TopLevelConfig, type GroupConfigs } from '../keys/model.ts';
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
export interface EnvironmentConfig extends TopLevelConfig, GroupConfigs {
  kind: 'environment';
  abstract?: boolean;
  description?: string;
  notes?: string[];
  image: string;
  build?: { context: string; containerfile?: string; args?: Record<string, string>; target?: string };
  features?: FeaturesConfig;
  name?: string;
  runtime?: Runtime;
  remove?: boolean;
  interactive?: boolean | 'auto';
  detach?: boolean;
  variables?: Record<string, { description?: string; default?: string; required?: boolean; export?: boolean }>;
  envFile?: string;
  envFileToContainer?: boolean;
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
  network?: { name: string; aliases?: string[]; create?: boolean };
  networks?: { name: string; aliases?: string[]; create?: boolean }[];
  gpu?: { mode: GpuMode; minCuda?: string; variable?: string };
  host?: HostConfig;
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
  quadlet?: { variables?: Record<string, string>; wantedBy?: string };
  compose?: { image?: ImageFacts };
  systemd?: { runtime?: Runtime; wantedBy?: string };
  devcontainer?: { name?: string; extensions?: string[] };
}

export type Runtime = 'podman' | 'docker';
export type MountType = 'bind' | 'volume' | 'tmpfs' | 'workspace';

/** The launch script's variables for a workspace mount: the folder it runs from, and its name. */
export const WORKSPACE = 'bw_workspace';
export const WORKSPACE_FOLDER = 'bw_workspace_folder';

/** The PATH podman and docker give a container whose image sets none. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export type GpuMode = 'off' | 'auto' | 'required';
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
  /** How launch.sh builds the image (baseImage, with features) when it is missing or its inputs changed. */
  build?: ImageBuild;
  /** Dev container features, in the order they are installed. */
  features: Feature[];
  /** With local features, the config's image, which they are built on (image is then theirs). */
  baseImage?: Template;
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
  /** The env file's other NAME=value lines go into the container too (a file, never argv). */
  envFileToContainer: boolean;
  env: EnvVar[];
  secrets: Secret[];
  ports: Port[];
  mounts: Mount[];
  devices: Device[];
  network?: Network;
  /** The networks joined besides network, each with its own aliases (podman only). */
  extraNetworks: Network[];
  gpu: Gpu;
  /** What the host must have: launch.sh warns where it has less. */
  host?: Host;
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
  /** The Quadlet target's settings, when units for podman's Quadlet are asked for. */
  quadlet?: { variables: ReadonlyMap<string, string>; wantedBy: string };
  /** The compose target's settings, when compose.yaml is asked for. */
  compose?: { image: ImageFacts };
  /** The plain systemd unit's settings, when it is asked for. */
  systemd?: { runtime?: Runtime; wantedBy: string };
  /** The devcontainer.json target's settings, when it is asked for. */
  devcontainer?: { name: string; extensions: string[] };
}

/** The launch script's verbs, like compose's and distrobox's: the first word of its arguments. */
export const VERBS = ['up', 'run', 'shell', 'stop', 'restart', 'down', 'status', 'logs'] as const;
export type Verb = (typeof VERBS)[number];

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
    features: [],
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
    envFileToContainer: envFileToContainer(config, names),
    env: buildEnv(config, variables, secrets, names),
    secrets,
    ports: buildPorts(config, names),
    mounts,
    devices: (config.devices ?? []).map((d) => ({ path: d.path, target: d.target, optional: d.optional ?? false })),
    network: buildNetwork(config, names),
    extraNetworks: buildExtraNetworks(config, names),
    gpu: buildGpu(config, names),
    host: buildHost(config.host, names.at, names.problems),
    extraArgs: (config.extraArgs ?? []).map((arg, i) => names.template(arg, `/extraArgs/${i}`)),
    ...buildEntrypoints(config, names),
    command: config.command ?? 'image',
    imageEntrypoint: config.imageEntrypoint,
    services: buildServices(config.services ?? {}, at, problems),
    workspace: config.workspace,
    jobs: config.jobs && { ...config.jobs, hostDirectory: hostFolderOf(config.jobs.directory, mounts) },
  };
  addContainerSide(environment, config, names);
  addTargets(environment, config, names);
  checkCombinations(environment, config, at, problems);
  return problems.items.length === before ? environment : undefined;
}

/** Container-side setup (startup, services, a workspace) and the backups of named volumes. */
function addContainerSide(environment: Environment, config: EnvironmentConfig, names: Scope): void {
  const { secrets } = environment;
  const { at, problems } = names;
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
}

/** The settings of the targets a config opts in to: devcontainer.json, kube.yaml and the units. */
function addTargets(environment: Environment, config: EnvironmentConfig, { at, problems }: Scope): void {
  if (config.devcontainer)
    environment.devcontainer = {
      name: config.devcontainer.name ?? environment.id,
      extensions: config.devcontainer.extensions ?? [],
    };
  if (config.kubernetes) {
    environment.kubernetes = buildKubernetes(config.kubernetes, at, problems);
    checkGivenVariables(
      environment.kubernetes.variables,
      environment.variables.map((v) => v.name),
      at,
      problems,
    );
  }
  if (config.quadlet) {
    const variables = new Map(Object.entries(config.quadlet.variables ?? {}));
    environment.quadlet = { variables, wantedBy: config.quadlet.wantedBy ?? 'default.target' };
    checkGivenVariables(
      variables,
      environment.variables.map((v) => v.name),
      at,
      problems,
      '/quadlet/variables',
    );
  }
  if (config.compose) environment.compose = { image: config.compose.image ?? {} };
  if (config.systemd)
    environment.systemd = { runtime: config.systemd.runtime, wantedBy: config.systemd.wantedBy ?? 'default.target' };
}

/** Keys that each make sense alone but not together. */
function checkCombinations(
  environment: Environment,
  config: EnvironmentConfig,
  at: Locator,
  problems: ProblemList,
): void {
  if (config.imageEntrypoint && config.services)
    problems.add(
      at('/imageEntrypoint'),
      "imageEntrypoint has no effect: with services, the generated entrypoint runs supervisord, not the image's ENTRYPOINT",
      'remove one of them',
    );
  if (environment.detach && environment.interactive === true)
    problems.add(at('/detach'), 'detach and interactive: true cannot be combined', 'use interactive: false or auto');
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

/** envFileToContainer passes the env file's lines, so it needs one. */
function envFileToContainer(config: EnvironmentConfig, names: Scope): boolean {
  if (config.envFileToContainer && config.envFile === undefined)
    names.problems.add(
      names.at('/envFileToContainer'),
      "envFileToContainer passes the env file's other lines into the container, and there is no envFile",
      'name the file in envFile (".env")',
    );
  return config.envFileToContainer ?? false;
}
