// The Quadlet target: an Environment (alone, or as a member of a stack) becomes the units of
// podman's Quadlet: <name>.container, a .volume per named volume, a .network per network it
// creates. The container is the one launch.sh up makes: each key of the table becomes the
// Quadlet key its row names, or PodmanArgs= with the same run option; the rows marked as code
// have a function here of the same name. Strings are resolved when the unit is written (see
// unitText), since a unit has no shell to read variables when it starts.
import { header } from '../header.ts';
import { DEVCONTAINER_ID, devcontainerId } from '../model/devcontainer-id.ts';
import { runWords, type OptionRow } from '../keys/options.ts';
import { isRunOption } from '../keys/row.ts';
import { KEYS, type CodeOf } from '../keys/table.ts';
import { CONTAINER_DIR, publishSpec, REPOSITORY, type Environment, type Mount } from '../model/environment.ts';
import type { GeneratedFile } from '../output.ts';
import type { Template } from '../template-string.ts';
import { rawValue, renderUnitFile, SPECIFIER, specifier, unitWords, UnitValueError } from '../unit/syntax.ts';
import { HOST_GID, HOST_UID } from './entrypoint.ts';
import type { TargetReport } from './report.ts';
import { rootlessUser } from './rootless.ts';

/** Where a unit is and what it joins: alone, `folder` is `.`; a stack's member says more. */
export interface QuadletPlace {
  /** The unit's name, without .container. */
  unit: string;
  /** The config the unit is written for, as its header names it. */
  source: string;
  /** The generated/<id>/ folder of the environment, relative to the unit's. */
  folder: string;
  /** The repository, relative to the unit's folder. */
  root: string;
  variables: ReadonlyMap<string, string>;
  wantedBy: string;
  /** Units this one starts after and needs (NAME.service), and the stack's .network units. */
  requires?: string[];
  /** Filled with the config's variables that the unit's text uses, when given. */
  used?: Set<string>;
  /** ExecStartPre= command lines that wait for the members this one needs healthy. */
  waitsHealthy?: string[];
  networks?: ReadonlyMap<string, string>;
}

type Entry = [string, string];

/** What a row marked as code gives: [Container] entries, and [Service] or [Unit] ones. */
interface Parts {
  container: Entry[];
  service: Entry[];
  /** Run options that Quadlet has no key for, each with its value: a PodmanArgs= line each. */
  podmanArgs: string[][];
  /** .volume and .network units this container uses, by file name. */
  units: Map<string, string>;
}

/**
 * The podman secret that holds a secret of this config: named after the container (as
 * launch.sh secrets makes it), so that two configs, or a config in two stacks, keep theirs.
 */
export function podmanSecretName(container: string, secret: { name: string }): string {
  return `${container}-${secret.name}`;
}

export function renderQuadlet(env: Environment, place: QuadletPlace, report: TargetReport): GeneratedFile[] {
  const text = unitText(env, place, report);
  const parts: Parts = { container: [], service: [], podmanArgs: [], units: new Map() };
  const context = { env, place, text, report, parts };
  const image = fromImage(env);
  parts.container.push(
    ['Image', value(context, env.image, '/image')],
    ['ContainerName', value(context, env.name, '/name')],
  );
  // As launch.sh up: a long-lived container keeps its input open (a shell as its command
  // waits on it); a terminal only when the config asks for one.
  if (env.interactive !== false) parts.podmanArgs.push(['--interactive']);
  if (env.interactive === true) parts.podmanArgs.push(['--tty']);
  for (const row of KEYS) {
    const entry = row.quadlet;
    if (typeof entry === 'object' && 'code' in entry) QUADLET_CODE[entry.code](context);
    else if (entry === 'PodmanArgs' && isRunOption(row.run)) podmanArgs(context, row as OptionRow);
    else if (typeof entry === 'object' && 'key' in entry && isRunOption(row.run))
      quadletKey(context, row as OptionRow, entry.key);
  }
  startup(context);
  for (const option of parts.podmanArgs) parts.container.push(['PodmanArgs', unitWords(option)]);
  const command = image.command ? [] : commandWords(env, report);
  if (command.length) parts.container.push(['Exec', unitWords(command)]);
  const { source } = place;
  const what = `Quadlet unit for ${env.id}`;
  const requires = place.requires ?? [];
  const content = renderUnitFile(header(source, 'hash', what), [
    {
      name: 'Unit',
      entries: [
        ['Description', rawValue(env.description?.split('\n')[0]?.trim() || env.id, { dollars: false })],
        ...requires.flatMap((unit): Entry[] => [
          ['Requires', unit],
          ['After', unit],
        ]),
      ],
    },
    {
      name: 'Container',
      comments: installAdds(image).length
        ? [`launch.sh install adds what it finds when it runs, as up does: ${installAdds(image).join('; ')}.`]
        : [],
      entries: parts.container,
    },
    {
      name: 'Service',
      comments: ['Pulling or building the image may take longer than systemd’s default 90 s.'],
      entries: [
        ['TimeoutStartSec', '900'],
        ...stopTime(env),
        ...(place.waitsHealthy ?? []).map((line): Entry => ['ExecStartPre', line]),
        ...parts.service,
      ],
    },
    { name: 'Install', entries: [['WantedBy', place.wantedBy]] },
  ]);
  const folder = place.folder === '.' ? env.id : undefined;
  const at = (name: string) => (folder ? `${folder}/${name}` : name);
  return [
    { path: at(`${place.unit}.container`), content, executable: false },
    ...[...parts.units].map(([name, body]) => ({
      path: at(name),
      content: `${header(source, 'hash', `Quadlet unit for ${env.id}`)}\n\n${body}`,
      executable: false,
    })),
  ];
}

/** The container's stop timeout, and time for podman to remove it, before systemd kills it. */
function stopTime(env: Environment): Entry[] {
  return env.stopTimeout === undefined ? [] : [['TimeoutStopSec', String(env.stopTimeout + 10)]];
}

interface Context {
  env: Environment;
  place: QuadletPlace;
  text: (template: Template, pointer: string) => string | undefined;
  report: TargetReport;
  parts: Parts;
}

/** A template as a raw value of the unit, or a refusal at the key that holds it. */
function value(context: Context, template: Template, pointer: string): string {
  return raw(context, context.text(template, pointer) ?? '', pointer);
}

function raw(context: Context, resolved: string, pointer: string): string {
  try {
    return rawValue(resolved);
  } catch (error) {
    if (!(error instanceof UnitValueError)) throw error;
    context.report.refuse(`a unit cannot hold this value: it has ${error.message}`, undefined, pointer);
    return '';
  }
}

/**
 * Templates as the unit's text: ~ and ${HOME} are %h, ${USER} %u, a folder of the repository
 * is relative to the unit (Quadlet resolves a Volume= source that starts with . against the
 * unit's folder); another variable takes its value from quadlet.variables (or the stack's
 * mode), else its default.
 */
function unitText(
  env: Environment,
  place: QuadletPlace,
  report: TargetReport,
): (template: Template, pointer: string) => string | undefined {
  const values = new Map<string, string | undefined>();
  const fixed: Record<string, string> = {
    HOME: specifier('h'),
    USER: specifier('u'),
    [REPOSITORY]: place.root,
    [DEVCONTAINER_ID]: devcontainerId(env.id),
  };
  const valueFor = (name: string, pointer: string): string | undefined => {
    if (values.has(name)) return values.get(name);
    const variable = env.variables.find((v) => v.name === name);
    if (variable) place.used?.add(name);
    let found: string | undefined;
    if (place.variables.has(name)) found = place.variables.get(name);
    else if (name in fixed) found = fixed[name];
    else if (variable?.default) found = resolve(variable.default, `/variables/${name}`);
    else if (variable?.required)
      report.refuse(
        `variable ${name} is required and has no value for the unit`,
        `set quadlet.variables.${name}`,
        pointer,
      );
    else if (variable) found = '';
    else report.refuse(`a unit has no value for \${${name}}: it is set when launch.sh runs`, undefined, pointer);
    values.set(name, found);
    return found;
  };
  const resolve = (template: Template, pointer: string): string | undefined => {
    let out = '';
    for (const part of template) {
      // The character that marks a specifier cannot come from the config.
      const piece = 'literal' in part ? part.literal.replaceAll(SPECIFIER, '\uFFFD') : valueFor(part.variable, pointer);
      if (piece === undefined) return undefined;
      out += piece;
    }
    return out;
  };
  return resolve;
}

/**
 * The config's variables that the unit uses, with the value it was written with, where that
 * value is plain text (no specifier): launch.sh install warns when the environment has
 * another, since the unit will not follow it.
 */
export function unitVariables(env: Environment, place: QuadletPlace): { name: string; value: string }[] {
  const used = new Set<string>();
  const silent = { refuse: () => {}, warn: () => {} };
  renderQuadlet(env, { ...place, used }, silent);
  const text = unitText(env, place, silent);
  return [...used].flatMap((name) => {
    const value = text([{ variable: name }], `/variables/${name}`);
    return value === undefined || value.includes(SPECIFIER) ? [] : [{ name, value }];
  });
}

/**
 * What launch.sh decides when it makes the container, which a unit written now cannot know:
 * the image's settings and, for gpu auto, whether the host has the GPU. `launch.sh install`
 * finds them as up does and adds them to the installed unit (a second [Container] section,
 * which Quadlet merges).
 */
export interface FromImage {
  /** Variables joined with the image's own value, and BOXWRIGHT_USER when it is the image's USER. */
  env: string[];
  /** The io.boxwright.user label, when it is the image's USER. */
  userLabel: boolean;
  /** The image's ENTRYPOINT and CMD, handed over to by the generated entrypoint. */
  command: boolean;
  /** The GPU, when the host has one (gpu auto). */
  gpu: boolean;
  /** The user mapping of rootless podman (targets/rootless.ts), when launch.sh finds it rootless. */
  userns: boolean;
  /** The env file's other lines (envFileToContainer), by the path of launch.sh's copy. */
  envFileRest: boolean;
  /** Optional secrets, passed (as podman secrets) when they are set, as launch.sh passes them. */
  optionalSecrets: string[];
}

export function fromImage(env: Environment): FromImage {
  const imageUser = env.startup !== undefined && env.startup.runAs === undefined && env.user === undefined;
  return {
    env: [...env.env.filter((e) => e.extend).map((e) => e.name), ...(imageUser ? ['BOXWRIGHT_USER'] : [])],
    userLabel: imageUser,
    command:
      env.startup !== undefined &&
      env.services.length === 0 &&
      env.command === 'image' &&
      env.imageEntrypoint === undefined &&
      env.entrypoints.length === 0,
    gpu: env.gpu.mode === 'auto',
    userns: rootlessUser(env) !== undefined,
    envFileRest: env.envFile !== undefined && env.envFileToContainer,
    optionalSecrets: env.secrets.filter((secret) => !secret.required).map((secret) => secret.name),
  };
}

/** What the install adds, in words: for the unit's comment and the README. */
export function installAdds(image: FromImage): string[] {
  return [
    ...image.env,
    ...(image.command ? ['the image’s ENTRYPOINT and CMD'] : []),
    ...(image.gpu ? ['the GPU, when the host has one'] : []),
    ...(image.userns ? ['the container user’s mapping to the host user, when podman runs rootless'] : []),
    ...(image.envFileRest ? ['the env file’s other lines (EnvironmentFile=, launch.sh’s copy of them)'] : []),
    ...(image.optionalSecrets.length
      ? [`the optional secrets that are set (${image.optionalSecrets.join(', ')})`]
      : []),
  ];
}

// ---- the rows of the key table --------------------------------------------------------

/** A row whose Quadlet key takes the value as the run option does. */
function quadletKey(context: Context, row: OptionRow, key: string): void {
  for (const word of runWords(context.env, row)) {
    if (word.value === undefined) context.parts.container.push([key, 'yes']);
    else if (row.run.form === 'pairs')
      context.parts.container.push([key, unitWords([resolved(context, word.value, row.key)])]);
    else context.parts.container.push([key, raw(context, resolved(context, word.value, row.key), row.key)]);
  }
}

/** A row that Quadlet has no key for: its run option, passed on with PodmanArgs=. */
function podmanArgs(context: Context, row: OptionRow): void {
  for (const word of runWords(context.env, row))
    context.parts.podmanArgs.push([
      word.flag,
      ...(word.value === undefined ? [] : [resolved(context, word.value, row.key)]),
    ]);
}

function resolved(context: Context, given: Template | string, pointer: string): string {
  return typeof given === 'string' ? given : (context.text(given, pointer) ?? '');
}

const QUADLET_CODE: Record<CodeOf<'quadlet'>, (context: Context) => void> = {
  user,
  restart,
  variables,
  env: environment,
  secrets,
  ports,
  mounts,
  devices,
  network,
  gpu,
  extraArgs,
};

function user(context: Context): void {
  const { env, parts } = context;
  if (!env.startup) {
    if (env.user) parts.container.push(['User', value(context, env.user, '/user')]);
    return;
  }
  // As launch.sh: the generated entrypoint needs root, and drops to the user it is told.
  parts.container.push(['User', '0'], ['Group', '0']);
  if (env.startup.runAs === undefined && !fromImage(env).userLabel)
    parts.container.push(['Environment', unitWords([`BOXWRIGHT_USER=${handedOverTo(context)}`])]);
  if (env.startup.users.some((u) => u.uid === 'host' || u.gid === 'host'))
    parts.container.push([
      'Environment',
      unitWords([`${HOST_UID}=${specifier('U')}`, `${HOST_GID}=${specifier('G')}`]),
    ]);
}

/** The user the generated entrypoint hands over to, when the config names one. */
function handedOverTo(context: Context): string {
  const { env } = context;
  return env.startup?.runAs ? env.startup.runAs.name : (context.text(env.user ?? [], '/user') ?? '');
}

/** systemd restarts the container: podman's --restart would fight Quadlet's --rm. */
function restart({ env, parts }: Context): void {
  if (env.restart === undefined) return;
  const policy: Record<string, string> = { no: 'no', always: 'always', 'unless-stopped': 'always' };
  const name = env.restart.split(':')[0]!;
  parts.service.push(['Restart', policy[name] ?? 'on-failure']);
}

function variables(context: Context): void {
  for (const variable of context.env.variables.filter((v) => v.export)) {
    const found = context.text([{ variable: variable.name }], `/variables/${variable.name}`);
    if (found !== undefined && !(found === '' && variable.default === undefined && !variable.required))
      context.parts.container.push(['Environment', unitWords([`${variable.name}=${found}`])]);
  }
}

function environment(context: Context): void {
  for (const [i, variable] of context.env.env.entries()) {
    if (variable.extend) continue;
    const found = context.text(variable.value, `/env/${i}`) ?? '';
    context.parts.container.push(['Environment', unitWords([`${variable.name}=${found}`])]);
  }
}

/**
 * Podman secrets, made by launch.sh secrets: by name, never the value. The optional ones are
 * added by launch.sh install when they are set.
 */
function secrets(context: Context): void {
  const container = context.text(context.env.name, '/name') ?? '';
  for (const secret of context.env.secrets.filter((s) => s.required))
    context.parts.container.push([
      'Secret',
      unitWords([`${podmanSecretName(container, secret)}${secretTarget(secret)}`]),
    ]);
}

/** How the container reads a podman secret: as a variable, or a file. */
export function secretTarget(secret: { name: string; file?: string }): string {
  return secret.file ? `,type=mount,target=${secret.file}` : `,type=env,target=${secret.name}`;
}

function ports(context: Context): void {
  for (const port of context.env.ports) context.parts.container.push(['PublishPort', publishSpec(port)]);
}

function mounts(context: Context): void {
  for (const [i, mount] of context.env.mounts.entries()) mountEntry(context, mount, `/mounts/${i}`);
}

function mountEntry(context: Context, mount: Mount, pointer: string): void {
  const { parts, report } = context;
  const target = context.text(mount.target, pointer) ?? '';
  const options = [...(mount.readOnly ? ['ro'] : []), ...mount.options];
  if (mount.type === 'tmpfs') {
    parts.container.push(['Tmpfs', raw(context, options.length ? `${target}:${options.join(',')}` : target, pointer)]);
    return;
  }
  if (mount.type === 'workspace') {
    report.refuse('a unit has no current folder to mount as the workspace', 'mount a folder by its path', pointer);
    return;
  }
  const source = context.text(mount.source ?? [], pointer) ?? '';
  const suffix = options.length ? `:${options.join(',')}` : '';
  if (mount.type === 'volume') {
    // A .volume unit creates it first; VolumeName keeps the name launch.sh and backup.sh use.
    parts.units.set(`${source}.volume`, `[Volume]\nVolumeName=${raw(context, source, pointer)}\n`);
    parts.container.push(['Volume', raw(context, `${source}.volume:${target}${suffix}`, pointer)]);
    return;
  }
  if (mount.create) {
    if (source.startsWith('.'))
      report.warn('the unit does not create a folder of the repository: make it before the unit starts', pointer);
    else parts.service.push(['ExecStartPre', `/bin/mkdir -p ${unitWords([source])}`]);
  }
  parts.container.push(['Volume', raw(context, `${source}:${target}${suffix}`, pointer)]);
}

/** An optional device is skipped where the host lacks it, as Quadlet does for AddDevice=-. */
function devices({ env, parts }: Context): void {
  for (const device of env.devices) {
    const spec = device.target ? `${device.path}:${device.target}` : device.path;
    parts.container.push(['AddDevice', `${device.optional ? '-' : ''}${spec}`]);
  }
}

function network(context: Context): void {
  const { env, parts, place } = context;
  const all = [env.network, ...env.extraNetworks].filter((n) => n !== undefined);
  for (const [i, net] of all.entries()) {
    const pointer = i === 0 ? '/network' : `/networks/${i - 1}`;
    const name = context.text(net.name, pointer) ?? '';
    const aliases = net.aliases.map((alias) => context.text(alias, pointer) ?? '');
    // A network the stack or this config creates is a .network unit, which the container needs.
    const unit = place.networks?.get(name) ?? (net.create ? `${name}.network` : undefined);
    if (net.create && !place.networks?.has(name))
      parts.units.set(`${name}.network`, `[Network]\nNetworkName=${raw(context, name, pointer)}\n`);
    if (all.length === 1) {
      parts.container.push(['Network', raw(context, unit ?? name, pointer)]);
      parts.podmanArgs.push(...aliases.map((alias) => ['--network-alias', alias]));
    } else {
      const spec = aliases.map((alias, j) => `${j === 0 ? ':' : ','}alias=${alias}`).join('');
      parts.container.push(['Network', raw(context, `${unit ?? name}${spec}`, pointer)]);
    }
  }
}

/** gpu required as a CDI device; auto is added by launch.sh install where the host has it. */
function gpu({ env, parts }: Context): void {
  if (env.gpu.mode === 'required') parts.container.push(['AddDevice', 'nvidia.com/gpu=all']);
}

/** boxwright's labels (the lifecycle verbs find the container by them), then extraArgs. */
function extraArgs(context: Context): void {
  const { env, parts } = context;
  parts.container.push(['Label', unitWords([`io.boxwright.config=${env.id}`])]);
  if (env.startup && !fromImage(env).userLabel)
    parts.container.push(['Label', unitWords([`io.boxwright.user=${handedOverTo(context)}`])]);
  const extra = env.extraArgs.map((arg, i) => context.text(arg, `/extraArgs/${i}`) ?? '');
  if (extra.length) parts.podmanArgs.push(extra);
}

/** The generated entrypoint, job runner and the rest, from the environment's folder. */
function startup(context: Context): void {
  const { env, parts, place } = context;
  if (env.imageEntrypoint !== undefined && !env.startup)
    parts.podmanArgs.push(['--entrypoint', env.imageEntrypoint[0] ?? '']);
  if (!env.startup && !env.jobs) return;
  parts.container.push(['Volume', raw(context, `${place.folder}:${CONTAINER_DIR}:ro,z`, '/startup')]);
  if (env.startup) parts.podmanArgs.push(['--entrypoint', `${CONTAINER_DIR}/entrypoint.sh`]);
  if (env.jobs) parts.container.push(['Environment', unitWords([`BOXWRIGHT_JOB_DIR=${env.jobs.directory}`])]);
  if (env.jobs?.hostDirectory)
    parts.container.push([
      'Environment',
      unitWords([`BOXWRIGHT_JOB_HOST_DIR=${context.text(env.jobs.hostDirectory, '/jobs') ?? ''}`]),
    ]);
}

/** What runs after the image: as launch.sh up runs it without arguments. */
function commandWords(env: Environment, report: TargetReport): string[] {
  const before = (env.startup ? env.imageEntrypoint : env.imageEntrypoint?.slice(1)) ?? [];
  if (env.entrypoints.length) {
    const chosen = env.entrypoints.find((e) => e.name === env.defaultEntrypoint);
    if (!chosen) {
      report.refuse(
        'the unit needs a defaultEntrypoint: launch.sh asks for one when it runs',
        undefined,
        '/entrypoints',
      );
      return before;
    }
    return [...before, ...chosen.command];
  }
  return [...before, ...(env.command === 'image' ? [] : env.command)];
}
