// The compose target: an Environment (alone, or as a member of a stack) as one compose service,
// the container launch.sh up makes. Each key of the table becomes the compose key its row names
// (keys/table.ts, the compose column), as the compose importer reads it back; the rows marked as
// code have a function here of the same name. Variables stay compose's own (${NAME:-default}),
// so that compose reads them when it runs, as launch.sh does; secrets go by name, never by value.
import { posix } from 'node:path';
import { leftOut, modelValue } from '../keys/options.ts';
import { KEYS, type CodeOf, type Row } from '../keys/table.ts';
import { DEFAULT_PATH, publishSpec, type EnvVar, type Environment, type Mount } from '../model/environment.ts';
import type { Template } from '../template-string.ts';
import type { TargetReport } from './report.ts';
import { FEATURES_FILE, featuresContext } from './features.ts';
import {
  COMPOSE_NAME,
  type ComposeParts,
  type ComposePlace,
  composeText,
  type Context,
  environmentList,
  hostPath,
  keep,
  listAt,
  literal,
  type Obj,
  setPath,
} from './compose-parts.ts';
import { startup } from './compose-run.ts';
import { rootlessUser } from './rootless.ts';

export type { ComposeParts, ComposePlace, Obj };

export function composeService(env: Environment, place: ComposePlace, report: TargetReport): ComposeParts {
  const parts: ComposeParts = { service: {}, volumes: {}, networks: {}, secrets: {} };
  const context: Context = {
    env,
    place,
    report,
    text: composeText(env, place, report),
    parts,
    image: env.compose?.image ?? {},
  };
  const { service } = parts;
  service.image = context.text(env.image, '/image');
  build(context);
  service.container_name = context.text(env.name, '/name');
  for (const row of KEYS) {
    const entry = row.compose;
    if (typeof entry === 'object' && 'code' in entry) COMPOSE_CODE[entry.code](context);
    else if (typeof entry === 'object' && 'key' in entry) composeKey(context, row, entry);
  }
  service.labels = { ...(service.labels as Obj | undefined), 'io.boxwright.config': env.id };
  startup(context);
  envFile(context);
  // As launch.sh up: a long-lived container keeps its input open; a terminal only when asked.
  if (env.interactive !== false) service.stdin_open = true;
  if (env.interactive === true) service.tty = true;
  for (const { message, pointer } of leftOut(env, 'compose')) report.warn(message, pointer);
  // What only boxwright reads goes last.
  const kept = service['x-boxwright'];
  delete service['x-boxwright'];
  if (kept !== undefined) service['x-boxwright'] = kept;
  return parts;
}

/** A row that names a compose key: the model's value, as compose writes it. */
function composeKey(context: Context, row: Row, entry: { key: string; duration?: true }): void {
  const { key } = row;
  const value = modelValue(context.env, key);
  if (value === undefined || value === false || (Array.isArray(value) && value.length === 0)) return;
  const text = (template: Template) => context.text(template, key);
  let out: unknown;
  switch (row.model) {
    case 'template':
      out = text(value as Template);
      break;
    case 'number':
      out = entry.duration ? `${value as number}s` : value;
      break;
    case 'list':
      out = (value as string[]).map(literal);
      break;
    case 'map':
      out = Object.fromEntries((value as { name: string; value: Template }[]).map((p) => [p.name, text(p.value)]));
      break;
    case 'pairs':
      out = Object.fromEntries((value as { name: string; value: string }[]).map((p) => [p.name, literal(p.value)]));
      break;
    case 'boolean':
      out = value;
      break;
    default:
      out = literal(String(value));
  }
  setPath(context.parts.service, entry.key, out);
}

function build(context: Context): void {
  const { env, parts, text } = context;
  if (featuresContext(env) !== undefined) {
    featuresBuild(context);
    return;
  }
  if (!env.build) return;
  const { context: folder, containerfile, args, target } = env.build;
  parts.service.build = {
    context: text(folder, '/build/context'),
    // Left out, podman-compose looks for a Containerfile, then a Dockerfile, as launch.sh does.
    ...(containerfile ? { dockerfile: containerfile } : {}),
    ...(args.length ? { args: Object.fromEntries(args.map((a) => [a.name, text(a.value, '/build/args')])) } : {}),
    ...(target ? { target } : {}),
  };
}

/**
 * Local dev container features: their Containerfile, built on the config's image as launch.sh
 * builds it. compose cannot read the image's USER, which the container runs as again: stated
 * in compose.image.user, else root.
 */
function featuresBuild({ env, parts, place, text, image, report }: Context): void {
  if (env.build) {
    report.refuse(
      'compose builds one image for a service: with local features, it cannot build the config’s own first',
      'build the image with its Containerfile, then name it in image',
      '/features',
    );
    return;
  }
  // Both from the repository: compose reads the Containerfile's path against the context.
  const folder = featuresContext(env)!;
  parts.service.build = {
    context: `${place.root}/${folder}`,
    dockerfile: posix.relative(folder, `${place.output}/${env.id}/${FEATURES_FILE}`),
    args: {
      BOXWRIGHT_BASE: text(env.baseImage!, '/image'),
      ...(image.user ? { BOXWRIGHT_BASE_USER: literal(image.user) } : {}),
    },
  };
  if (!image.user)
    report.warn(
      "the image with the features runs as root: compose cannot read the image's USER (state it in compose.image.user)",
      '/features',
    );
}

/**
 * The env file, which launch.sh reads the secrets from: compose passes it whole (as launch.sh
 * does with envFileToContainer). Rootless podman's user mapping is launch.sh's finding when it
 * runs, which a file cannot make.
 */
function envFile(context: Context): void {
  const { env, parts, place, report } = context;
  if (env.envFile) {
    // launch.sh reads a relative env file against the folder it runs from: the repository's.
    const path = hostPath(context, env.envFile, '/envFile');
    parts.service.env_file = [/^[/~$]/.test(path) ? path : `${place.root}/${path.replace(/^\.\//, '')}`];
    const whole = env.envFileToContainer ? '' : ', and passes every line of it, not only the declared ones';
    report.warn(`compose needs the env file to be there (launch.sh reads it where it is)${whole}`, '/envFile');
  }
  if (rootlessUser(env) !== undefined)
    report.warn(
      'under rootless podman, compose does not map the container user to the host user as launch.sh does',
      '/mounts',
    );
}

// ---- the rows of the key table --------------------------------------------------------

const COMPOSE_CODE: Record<CodeOf<'compose'>, (context: Context) => void> = {
  variables,
  env: environment,
  secrets,
  ports,
  mounts,
  devices,
  network,
  gpu,
  healthcheck,
};

function variables({ env, parts, text }: Context): void {
  for (const variable of env.variables)
    if (variable.description && !variable.required) keep(parts, 'variables', variable.name, variable.description);
  for (const variable of env.variables.filter((v) => v.export))
    environmentList(parts.service).push(`${variable.name}=${text([{ variable: variable.name }], '/variables')}`);
}

function environment(context: Context): void {
  const { env, parts, text, image, report } = context;
  for (const variable of env.env) {
    const value = text(variable.value, `/env/${variable.name}`);
    if (variable.extend && image.env === undefined) {
      report.refuse(
        `env ${variable.name} ${variable.extend.position}s to the image's value, which compose cannot read from the image`,
        "state the image's own environment in compose.image.env, or give the whole value",
        `/env/${variable.name}`,
      );
      continue;
    }
    environmentList(parts.service).push(`${variable.name}=${joined(variable, value, image.env)}`);
  }
}

/** An env value joined with the image's own, as launch.sh joins what it reads from the image. */
function joined(variable: EnvVar, value: string, image: Record<string, string> | undefined): string {
  const own = image?.[variable.name] ?? (image && variable.name === 'PATH' ? DEFAULT_PATH : undefined);
  if (!variable.extend || own === undefined || own === '') return value;
  const { position, separator } = variable.extend;
  const ownText = literal(own);
  return position === 'prepend' ? `${value}${separator}${ownText}` : `${ownText}${separator}${value}`;
}

/**
 * Secrets by name: a variable passed from compose's environment (NAME alone, or NAME=${FROM}
 * where the host calls it otherwise), a file through compose's secrets: from that variable.
 * What compose cannot say of a secret (required, its description) is kept in x-boxwright.
 */
function secrets({ env, parts, report }: Context): void {
  for (const secret of env.secrets) {
    keep(parts, 'secrets', secret.name, {
      ...(secret.description ? { description: secret.description } : {}),
      ...(secret.required ? { required: true } : {}),
    });
    if (secret.file) {
      parts.secrets[secret.name] = { environment: secret.hostName };
      report.warn(
        `secret ${secret.name} is a file from the variable ${secret.hostName}: docker compose writes it; podman-compose 1.0 cannot pass it (its releases before secrets from the environment refuse the file)`,
        `/secrets/${secret.name}`,
      );
      listAt<unknown>(parts.service, 'secrets').push({ source: secret.name, target: secret.file });
    } else if (secret.hostName !== secret.name)
      environmentList(parts.service).push(`${secret.name}=\${${secret.hostName}}`);
    // compose reads NAME alone from its environment, and then leaves the env file's value out.
    else if (!env.envFile) environmentList(parts.service).push(secret.name);
  }
  if (env.envFile && env.secrets.some((s) => !s.file && s.hostName === s.name))
    report.warn('compose reads the secrets from the env file only, not from the environment it runs in', '/secrets');
}

function ports({ env, parts }: Context): void {
  // TCP is compose's default, which people leave out.
  if (env.ports.length) parts.service.ports = env.ports.map((port) => publishSpec(port).replace(/\/tcp$/, ''));
  for (const port of env.ports) if (port.description) keep(parts, 'ports', String(port.host), port.description);
}

function mounts(context: Context): void {
  for (const [i, mount] of context.env.mounts.entries()) mountEntry(context, mount, `/mounts/${i}`);
}

function mountEntry(context: Context, mount: Mount, pointer: string): void {
  const { parts, report, text } = context;
  const target = text(mount.target, pointer);
  if (mount.description) keep(parts, 'mounts', target, mount.description);
  const options = [...(mount.readOnly ? ['ro'] : []), ...mount.options];
  if (mount.type === 'tmpfs') {
    listAt<string>(parts.service, 'tmpfs').push(options.length ? `${target}:${options.join(',')}` : target);
    return;
  }
  if (mount.type === 'workspace') {
    report.refuse('compose has no current folder to mount as the workspace', 'mount a folder by its path', pointer);
    return;
  }
  const source = hostPath(context, mount.source ?? [], pointer);
  if (mount.type === 'volume') {
    if (!COMPOSE_NAME.test(source)) {
      report.refuse(`compose names a volume by a fixed name, not "${source}"`, undefined, pointer);
      return;
    }
    // name: keeps the volume launch.sh and backup.sh use, which compose would prefix.
    parts.volumes[source] = { name: source };
  }
  const suffix = options.length ? `:${options.join(',')}` : '';
  if (mount.type === 'bind' && !mount.create) {
    // The short form creates a missing folder; launch.sh stops instead, as docker compose does here.
    listAt<unknown>(parts.service, 'volumes').push({
      type: 'bind',
      source,
      target,
      ...(mount.readOnly ? { read_only: true } : {}),
      bind: { create_host_path: false, ...selinux(mount.options) },
    });
    for (const option of mount.options.filter((o) => !/^[zZ]$/.test(o)))
      report.warn(`mount option ${option} has no place in compose's long form of a mount`, pointer);
    return;
  }
  listAt<string>(parts.service, 'volumes').push(`${source}:${target}${suffix}`);
}

/** A bind's relabelling (z, Z) in compose's long form. */
function selinux(options: string[]): Obj {
  const label = options.find((o) => /^[zZ]$/.test(o));
  return label ? { selinux: label } : {};
}

/** compose fails where a device is missing: an optional one is kept, and said. */
function devices({ env, parts, report }: Context): void {
  if (!env.devices.length) return;
  parts.service.devices = env.devices.map((d) => (d.target ? `${d.path}:${d.target}` : d.path));
  for (const [i, device] of env.devices.entries())
    if (device.optional)
      report.warn(`device ${device.path} is optional here, but compose fails where it is missing`, `/devices/${i}`);
}

/**
 * The networks it joins, each by its own name (name:, so that compose does not prefix it); one
 * launch.sh does not create is external. compose makes the service's name an alias on each:
 * other aliases are listed, which podman-compose 1.0 cannot read. Without one, the runtime's
 * default network.
 */
function network({ env, parts, place, text, report }: Context): void {
  const all = [env.network, ...env.extraNetworks].filter((n) => n !== undefined);
  if (!all.length) {
    parts.service.network_mode = 'bridge';
    return;
  }
  const joined: [string, string[]][] = [];
  for (const [i, net] of all.entries()) {
    const pointer = i === 0 ? '/network' : `/networks/${i - 1}`;
    const name = text(net.name, pointer);
    if (!COMPOSE_NAME.test(name)) {
      report.refuse(`compose names a network by a fixed name, not "${name}"`, undefined, pointer);
      continue;
    }
    parts.networks[name] = net.create ? { name } : { name, external: true };
    joined.push([name, net.aliases.map((alias) => text(alias, pointer)).filter((a) => a !== place.service)]);
  }
  if (joined.every(([, aliases]) => aliases.length === 0)) {
    parts.service.networks = joined.map(([name]) => name);
    return;
  }
  parts.service.networks = Object.fromEntries(
    joined.map(([name, aliases]) => [name, aliases.length ? { aliases } : null]),
  );
  report.warn(
    `podman-compose 1.0 cannot read the aliases of networks (it refuses the file); docker compose does`,
    '/network',
  );
}

/** gpu required as compose's device reservation; auto needs the host's answer when it runs. */
function gpu({ env, parts, report }: Context): void {
  if (env.gpu.mode === 'required')
    setPath(parts.service, 'deploy/resources/reservations/devices', [
      { driver: 'nvidia', count: 'all', capabilities: ['gpu'] },
    ]);
  if (env.gpu.mode === 'auto')
    report.warn('gpu auto is not carried: compose cannot ask the host whether it has the GPU', '/gpu');
}

/** compose's test in its shell form, as the runtime runs --health-cmd. */
function healthcheck({ env, parts }: Context): void {
  if (env.healthcheck) setPath(parts.service, 'healthcheck/test', ['CMD-SHELL', literal(env.healthcheck.command)]);
}
