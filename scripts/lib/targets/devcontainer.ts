// The devcontainer.json target: an Environment as a dev container definition, so that VS
// Code, Codespaces, DevPod and the devcontainer CLI open the same environment. The file is
// JSONC (what those tools read), with boxwright's header as // comments. A dev container
// tool runs its own entrypoint and keeps the container up itself, so what needs
// launch.sh's or the generated entrypoint's work is refused; what it reads differently is
// warned about. One function per part, so that a field is found here by its name.
import { fromRegistry } from '../model/features.ts';
import { FEATURES_FILE, featuresContext } from './features.ts';
import { requirementText } from '../model/host.ts';
import { DEVCONTAINER_ID } from '../model/devcontainer-id.ts';
import { header } from '../header.ts';
import {
  type Environment,
  type Mount,
  publishSpec,
  REPOSITORY,
  WORKSPACE,
  WORKSPACE_FOLDER,
} from '../model/environment.ts';
import { LIFECYCLE, type HookCommand } from '../model/startup.ts';
import type { GeneratedFile } from '../output.ts';
import { literalText, type Template } from '../template-string.ts';
import { hookArgv } from './entrypoint.ts';
import { pruneEmpty } from './data.ts';
import type { TargetReport } from './report.ts';
import { CODED } from '../keys/coded.ts';
import { OPTION_ROWS, runWords, type OptionRow } from '../keys/options.ts';
import type { DevcontainerEntry } from '../keys/row.ts';
import { KEYS, type CodeOf } from '../keys/table.ts';
import { quote } from '../shell/quote.ts';

type Json = string | number | boolean | Json[] | { [key: string]: Json };

/** `root`: the repository's folder relative to generated/<id>/, where the file is. */
export function renderDevcontainer(env: Environment, root: string, report: TargetReport): GeneratedFile {
  const text = devText(env, report);
  const definition: Record<string, Json | undefined> = {
    name: env.devcontainer!.name,
    ...imageOrBuild(env, root, text, report),
    features: registryFeatures(env),
    runArgs: runArgs(env, text, report),
    containerEnv: containerEnv(env, text),
    mounts: mounts(env, text, report),
    ...workspace(env, text),
    initializeCommand: createdFolders(env, text),
    ...properties(env),
    // A long-lived container that runs its image's command keeps it; any other stays up for
    // its terminals, as the tool's own keep-alive command does.
    overrideCommand: !(env.detach && env.command === 'image'),
    containerUser: env.user && text(env.user, '/user'),
    remoteUser: env.user && text(env.user, '/user'),
    // A dev container tool gives the remote user the host user's ids unless told not to.
    updateRemoteUserUID: env.startup?.users.some((u) => u.uid === 'image' && isRemoteUser(env, u.name))
      ? false
      : undefined,
    ...lifecycle(env, report),
    hostRequirements: hostRequirements(env),
    customizations: env.devcontainer!.extensions.length
      ? { vscode: { extensions: env.devcontainer!.extensions } }
      : undefined,
  };
  leftOut(env, report);
  pruneEmpty(definition);
  const body = JSON.stringify(definition, null, 2);
  return {
    path: `${env.id}/devcontainer.json`,
    content: `${header(env.source, 'slash', `Dev container definition for ${env.id}`)}\n${body}\n`,
    executable: false,
  };
}

function isRemoteUser(env: Environment, name: string): boolean {
  return env.user !== undefined && literalText(env.user) === name;
}

/**
 * A template as devcontainer.json writes it: a variable is ${localEnv:NAME:default} (read
 * when the container is made, its default fixed now), ~ is ${localEnv:HOME}, and a folder of
 * the repository is under ${localWorkspaceFolder}, the folder opened. `${` of its own would be
 * read as a variable there, which it has no way to escape: it is refused.
 */
function devText(env: Environment, report: TargetReport) {
  const fixed = new Set<string>();
  const fix = (name: string, why: string) => {
    if (!fixed.has(name))
      report.warn(`${name} is fixed to its default in devcontainer.json, ${why}`, `/variables/${name}`);
    fixed.add(name);
  };
  const text = (template: Template, pointer: string, repository = '${localWorkspaceFolder}'): string => {
    let out = '';
    for (const part of template) {
      if ('literal' in part) {
        if (part.literal.includes('${'))
          report.refuse('devcontainer.json reads "${" as the start of its own variables', 'leave it out', pointer);
        out += part.literal;
        continue;
      }
      const name = part.variable;
      if (name === REPOSITORY || name === WORKSPACE)
        out += name === REPOSITORY ? repository : '${localWorkspaceFolder}';
      else if (name === WORKSPACE_FOLDER) out += '${localWorkspaceFolderBasename}';
      else if (name === 'HOME') out += '${localEnv:HOME}';
      // The CLI's own id of the container, as stable as boxwright's (another number).
      else if (name === DEVCONTAINER_ID) out += '${devcontainerId}';
      else {
        const fallback = env.variables.find((v) => v.name === name)?.default;
        const literal = fallback && literalText(fallback);
        if (fallback === undefined || literal === '') out += `\${localEnv:${name}}`;
        else if (literal === undefined) {
          // ${localEnv:NAME:default} takes a plain default: one made of variables is written out.
          fix(name, 'which cannot give a default made of other variables');
          out += text(fallback, pointer, repository);
        } else if (/[:}]/.test(literal)) {
          // ${localEnv:NAME:default} ends its default at the next ":" or "}", with no escape.
          fix(name, 'which cannot write a default holding ":" or "}"');
          out += literal;
        } else out += `\${localEnv:${name}:${literal}}`;
      }
    }
    return out;
  };
  return text;
}

type Text = ReturnType<typeof devText>;

function imageOrBuild(env: Environment, root: string, text: Text, report: TargetReport): Record<string, Json> {
  const featuresFolder = featuresContext(env);
  if (featuresFolder !== undefined) return featuresBuild(env, root, featuresFolder, text, report);
  if (!env.build) return { image: text(env.image, '/image') };
  const { build } = env;
  if (build.containerfile === undefined) {
    report.refuse(
      'devcontainer.json names its Dockerfile: the build needs a containerfile',
      'set build.containerfile',
      '/build',
    );
    return {};
  }
  // Paths of a build are relative to the folder of devcontainer.json, generated/<id>/.
  const context = text(build.context, '/build/context', root);
  const file = build.containerfile.startsWith('/') ? build.containerfile : `${context}/${build.containerfile}`;
  const args = Object.fromEntries(build.args.map((arg) => [arg.name, text(arg.value, `/build/args/${arg.name}`)]));
  return {
    build: {
      dockerfile: file,
      context,
      ...(build.args.length ? { args } : {}),
      ...(build.target ? { target: build.target } : {}),
    },
  };
}

/**
 * With local features, the image is their Containerfile's, built on the config's image as
 * launch.sh builds it (a local feature of devcontainer.json must be under its own folder, which
 * generated/<id>/ is not). The base's USER is the CLI's to keep: root, unless the image's.
 */
function featuresBuild(
  env: Environment,
  root: string,
  context: string,
  text: Text,
  report: TargetReport,
): Record<string, Json> {
  if (env.build) {
    report.refuse(
      'devcontainer.json builds one image: with local features, it cannot build the config’s own first',
      'build the image with its Containerfile, then name it in image',
      '/features',
    );
    return {};
  }
  return {
    build: {
      dockerfile: FEATURES_FILE,
      context: `${root}/${context}`,
      args: { BOXWRIGHT_BASE: text(env.baseImage!, '/image') },
    },
  };
}

/** The features devcontainer.json installs itself: those from a registry, with their options. */
function registryFeatures(env: Environment): Record<string, Json> | undefined {
  const remote = fromRegistry(env);
  return remote.length ? Object.fromEntries(remote.map((f) => [f.id, f.options])) : undefined;
}

/** What the host must have: the config's host, and the GPU (required, or optional for auto). */
function hostRequirements(env: Environment): Record<string, Json> | undefined {
  const { host, gpu } = env;
  const out: Record<string, Json> = {
    ...(host?.cpus !== undefined ? { cpus: host.cpus } : {}),
    ...(host?.memory !== undefined ? { memory: requirementText(host.memory) } : {}),
    ...(host?.storage !== undefined ? { storage: requirementText(host.storage) } : {}),
    ...(gpu.mode === 'off' ? {} : { gpu: gpu.mode === 'required' ? true : 'optional' }),
  };
  return Object.keys(out).length ? out : undefined;
}

/**
 * The run options that devcontainer.json has no property for, in the key table's order, as
 * launch.sh passes them: a row that says runArgs by its form, a coded row by its function here.
 */
function runArgs(env: Environment, text: Text, report: TargetReport): string[] {
  const args: string[] = [];
  for (const row of KEYS) {
    const entry: DevcontainerEntry = row.devcontainer;
    if (entry === 'runArgs')
      for (const { flag, value } of runWords(env, row as OptionRow))
        args.push(flag, ...(value === undefined ? [] : [typeof value === 'string' ? value : text(value, row.key)]));
    else if ('code' in entry) args.push(...(RUN_ARGS[entry.code as CodeOf<'devcontainer'>]?.(env, text, report) ?? []));
  }
  return args;
}

/** The properties that some rows name (capAdd, securityOpt...), in the table's order. */
function properties(env: Environment): Record<string, Json | undefined> {
  const out: Record<string, Json | undefined> = {};
  for (const row of OPTION_ROWS) {
    const entry: DevcontainerEntry = row.devcontainer;
    if (typeof entry !== 'object' || !('property' in entry)) continue;
    const words = runWords(env, row).map((w) => (typeof w.value === 'string' ? w.value : true));
    out[entry.property] = row.run.form === 'switch' ? words[0] : words.length ? (words as string[]) : undefined;
  }
  return out;
}

type RunArgsCode = (env: Environment, text: Text, report: TargetReport) => string[];

/**
 * The coded rows that put run options into runArgs; the others are properties written by the
 * functions of their names below (user, containerEnv, mounts, hostRequirements).
 */
const RUN_ARGS: Partial<Record<CodeOf<'devcontainer'>, RunArgsCode>> = {
  workdir: (env, text) =>
    env.workdir && !env.mounts.some((m) => m.type === 'workspace') ? ['--workdir', text(env.workdir, '/workdir')] : [],
  secrets: secretArgs,
  ports: (env) => env.ports.flatMap((port) => ['--publish', publishSpec(port)]),
  mounts: (env) =>
    env.mounts
      .filter((m) => m.type === 'tmpfs')
      .flatMap((mount) => {
        const options = [...(mount.readOnly ? ['ro'] : []), ...mount.options];
        return ['--tmpfs', `${mount.targetText}${options.length ? `:${options.join(',')}` : ''}`];
      }),
  ...CODED.devcontainer,
  network: networkArgs,
  extraArgs: (env, text) => env.extraArgs.map((arg, i) => text(arg, `/extraArgs/${i}`)),
};

/** Secrets by name: the tool's own environment gives the value, which stays off argv. */
function secretArgs(env: Environment, _text: Text, report: TargetReport): string[] {
  const args: string[] = [];
  for (const secret of env.secrets) {
    if (secret.file) {
      report.refuse(
        `secret ${secret.name} is given as a file, which devcontainer.json cannot write`,
        'pass it by name',
        `/secrets/${secret.name}`,
      );
      continue;
    }
    if (secret.hostName !== secret.name)
      report.refuse(
        `secret ${secret.name} is read from ${secret.hostName}, which --env NAME cannot rename`,
        'give it its own name',
        `/secrets/${secret.name}`,
      );
    args.push('--env', secret.name);
  }
  return args;
}

function networkArgs(env: Environment, text: Text, report: TargetReport): string[] {
  if (!env.network) return [];
  if (!env.extraNetworks.length)
    return [
      '--network',
      text(env.network.name, '/network/name'),
      ...env.network.aliases.flatMap((alias) => ['--network-alias', text(alias, '/network/aliases')]),
    ];
  report.warn('more than one network: podman joins them, docker does not', '/networks');
  return [env.network, ...env.extraNetworks].flatMap((network) => {
    const aliases = network.aliases.map((alias) => `alias=${text(alias, '/network/aliases')}`).join(',');
    return ['--network', `${text(network.name, '/network/name')}${aliases ? `:${aliases}` : ''}`];
  });
}

function containerEnv(env: Environment, text: Text): Record<string, string> {
  return Object.fromEntries([
    ...env.variables
      .filter((v) => v.export)
      .map((v) => [v.name, text([{ variable: v.name }], `/variables/${v.name}`)] as const),
    ...env.env.map((e) => [e.name, text(e.value, `/env/${e.name}`)] as const),
  ]);
}

/** Named volumes and host folders, in the --mount syntax devcontainer.json takes. */
function mounts(env: Environment, text: Text, report: TargetReport): string[] {
  const out: string[] = [];
  env.mounts.forEach((mount, i) => {
    if (mount.type === 'tmpfs' || mount.type === 'workspace') return;
    const pointer = `/mounts/${i}`;
    if (mount.options.length) {
      report.refuse(`mount options (${mount.options.join(',')}) have no --mount form`, undefined, `${pointer}/options`);
      return;
    }
    const source = text(mount.source!, `${pointer}/source`);
    const target = text(mount.target, `${pointer}/target`);
    if (`${source}${target}`.includes(','))
      report.refuse('a path with "," cannot be written in the --mount syntax', undefined, pointer);
    out.push(`type=${mount.type},source=${source},target=${target}${mount.readOnly ? ',readonly' : ''}`);
  });
  return out;
}

/** The workspace mount is the folder the tool opens, as it is launch.sh's current folder. */
function workspace(env: Environment, text: Text): Record<string, string> {
  const mount = env.mounts.find((m): m is Mount => m.type === 'workspace');
  if (!mount) return {};
  const target = text(mount.target, '/mounts');
  return {
    workspaceMount: `type=bind,source=\${localWorkspaceFolder},target=${target}${mount.readOnly ? ',readonly' : ''}`,
    workspaceFolder: env.workdir ? text(env.workdir, '/workdir') : target,
  };
}

/** Host folders that launch.sh creates when missing: --mount would refuse them. */
function createdFolders(env: Environment, text: Text): string[] | undefined {
  const folders = env.mounts
    .map((mount, i) => ({ mount, i }))
    .filter(({ mount }) => mount.type === 'bind' && mount.create)
    .map(({ mount, i }) => text(mount.source!, `/mounts/${i}/source`));
  return folders.length ? ['mkdir', '-p', ...folders] : undefined;
}

/**
 * Startup hooks as lifecycle commands: each in the one it names (by default create hooks in
 * postCreateCommand, start hooks in postStartCommand), in the tool's order. They run as the
 * remote user, so a hook must run as that user; one hook keeps its own form (an object's
 * commands still run side by side), several run one after another in one sh.
 */
function lifecycle(env: Environment, report: TargetReport): Record<string, Json> {
  const startup = env.startup;
  if (!startup) return {};
  // The remote user: the config's, when it is written out (no variables), else the image's root.
  const user = (env.user && literalText(env.user)) ?? 'root';
  startup.hooks.forEach((hook, i) => {
    if (hook.user !== user)
      report.refuse(
        `a hook that runs as ${hook.user} cannot be a lifecycle command, which runs as ${user}`,
        "run it as the config's user",
        `/startup/hooks/${i}/user`,
      );
  });
  const commands: Record<string, Json> = {};
  for (const key of LIFECYCLE) {
    const hooks = startup.hooks.filter((h) => h.lifecycle === key);
    if (hooks.length === 1) commands[key] = hooks[0]!.command as Json;
    else if (hooks.length > 1) commands[key] = ['sh', '-c', hooks.map((h) => lifecycleWords(h.command)).join(' && ')];
  }
  return commands;
}

function lifecycleWords(command: HookCommand): string {
  return hookArgv(command)
    .map((word) => quote(word))
    .join(' ');
}

/**
 * What a dev container tool does its own way: its entrypoint and command (so no generated
 * entrypoint and no chosen command), and the startup phases that run inside the generated one.
 */
function leftOut(env: Environment, report: TargetReport): void {
  if (env.envFileToContainer)
    report.refuse(
      "a dev container tool reads no env file the way launch.sh does (its quotes, export), so the file's other lines cannot go into the container",
      'leave envFileToContainer out of a config with devcontainer, and declare the variables it needs',
      '/envFileToContainer',
    );
  const startup = env.startup;
  if (startup) {
    const phases = [
      ['directories', startup.directories.length],
      // The image's own users are only named (and checked by launch.sh's entrypoint); the
      // remote user may take the host user's ids, as a dev container tool gives them.
      [
        'users',
        startup.users.filter((u) => u.uid !== 'image' && !(u.uid === 'host' && isRemoteUser(env, u.name))).length,
      ],
      ['credentials', startup.credentials.length],
      ['ssh', startup.ssh ? 1 : 0],
      ['permissions', startup.permissions.length],
      ['runAs', startup.runAs ? 1 : 0],
    ] as const;
    for (const [phase, count] of phases)
      if (count)
        report.refuse(
          `startup.${phase} runs in the generated entrypoint, which a dev container tool replaces with its own`,
          'a devcontainer.json carries startup.hooks only',
          `/startup/${phase}`,
        );
  }
  if (env.services.length)
    report.refuse("services run under the generated entrypoint's supervisord", undefined, '/services');
  if (env.workspace) report.refuse('the tmux workspace runs under the generated entrypoint', undefined, '/workspace');
  if (env.imageEntrypoint)
    report.refuse("a dev container tool sets the container's entrypoint itself", undefined, '/imageEntrypoint');
  if (env.jobs) report.warn('job.sh is not mounted in the dev container', '/jobs');
  if (env.command !== 'image' || env.entrypoints.length)
    report.warn(
      "the container's command and entrypoints are launch.sh's: in a dev container, run them in its terminal",
      env.command !== 'image' ? '/command' : '/entrypoints',
    );
  if (env.env.some((e) => e.extend))
    report.refuse("prepend and append read the image's value, which devcontainer.json cannot", undefined, '/env');
}
