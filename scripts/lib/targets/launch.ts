// The launch target: an Environment becomes generated/<id>/launch.sh. Each config field is
// turned into shell in the function named after it; templates/launch.sh.mustache holds the
// fixed logic around those lines.
import { header } from '../header.ts';
import { DEVCONTAINER_ID, devcontainerId, usesDevcontainerId } from '../model/devcontainer-id.ts';
import { usage } from './launch-help.ts';
import { installAddsFromRun, installView } from './launch-install.ts';
import { buildView, usesRepository } from './launch-build.ts';
import { hostView } from './launch-host.ts';
import { HOST_GID, HOST_UID } from './entrypoint.ts';
import { CODED } from '../keys/coded.ts';
import { eachRunRow, type RunWord } from '../keys/options.ts';
import type { CodeOf } from '../keys/table.ts';
import {
  CONTAINER_DIR,
  DEFAULT_PATH,
  publishSpec,
  type Environment,
  type Mount,
  type Network,
  type Variable,
} from '../model/environment.ts';
import { renderSnippet, renderTemplate } from '../render.ts';
import { rootlessFromImage, rootlessUser } from './rootless.ts';
import { assignedWord, code, comment, heredoc, quote, shellName, word, type ShellCode } from '../shell/quote.ts';
import { literalText } from '../template-string.ts';
import type { GeneratedFile } from '../output.ts';

const APPEND = 'set -- "$@"';

/** `root`: the repository's folder relative to the script's (generated/<id>/). */
export function renderLaunch(
  env: Environment,
  root: string,
  quadlet: { units: readonly string[]; inQuadletStack: boolean } = { units: [], inQuadletStack: false },
): GeneratedFile {
  const repository = usesRepository(env);
  const headerText = [
    header(env.source, 'hash', `Launch script for ${env.id}`),
    env.description ? `#\n${comment(env.description)}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  const prepare = prepareLines(env);
  const handover = handsOverToImage(env);
  const imageAndHost = imageAndHostView(env);
  const volumes = namedVolumes(env);
  const install = installView(env, quadlet.units, quadlet.inQuadletStack);
  const unitVerbs = { install: install !== undefined, secrets: Boolean(install?.secrets_verb) };
  const view = {
    header: headerText,
    usage: indent(heredoc(usage(env, unitVerbs))),
    default_verb: code(env.defaultVerb),
    name: assignedWord(env.name),
    has_volumes: volumes.length > 0,
    volumes,
    has_ports: env.ports.length > 0,
    ports: [...new Set(env.ports.map((p) => code(String(p.host))))],
    shell_user: shellUser(env),
    env_file: env.envFile && word(env.envFile),
    env_file_all: env.envFile !== undefined && env.envFileToContainer,
    env_file_names: [...env.variables.map((v) => v.name), ...env.secrets.map((s) => s.hostName)].map(shellName),
    ...settingsView(env),
    entrypoints: env.entrypoints.length > 0,
    entrypoint_default: entrypointDefault(env),
    entrypoint_pattern: env.entrypoints.map((e) => quote(e.name)).join(' | '),
    entrypoint_list: env.entrypoints.map((e) => e.name).join(', '),
    runtime: env.runtime,
    gpu: env.gpu.mode !== 'off' && {
      variable: shellName(env.gpu.variable),
      smi_seconds: code('5'),
      mode: code(env.gpu.mode),
      min_cuda: env.gpu.minCuda && {
        major: code(String(env.gpu.minCuda.major)),
        minor: code(String(env.gpu.minCuda.minor)),
      },
    },
    ...imageAndHost,
    // up waits for the generated entrypoint's mark, and for the health check when there is one.
    entrypoint_ready: env.startup !== undefined,
    healthcheck: env.healthcheck !== undefined,
    env_extends: env.env.some((e) => e.extend),
    default_path: DEFAULT_PATH,
    image: word(env.image),
    ...buildView(env),
    host_needs: hostView(env),
    workspace_mount: env.mounts.some((m) => m.type === 'workspace'),
    secret_files: secretFiles(env),
    ensure_directory: env.mounts.some((m) => m.type === 'bind' && m.create),
    require_path: env.mounts.some((m) => m.type === 'bind' && !m.create),
    script_dir: env.startup !== undefined || env.jobs !== undefined || repository || install !== undefined,
    repository: repository && quote(root),
    jobs: env.jobs && {
      host: env.jobs.hostDirectory && word(env.jobs.hostDirectory),
      directory: env.jobs.directory,
      container_dir: CONTAINER_DIR,
    },
    has_prepare: prepare.length > 0,
    prepare_lines: prepare,
    run_lines: runLines(env, quadlet.inQuadletStack),
    image_entrypoint: handover && env.imageEntrypoint === undefined,
    image_entrypoint_words: imageEntrypointWords(env),
    entrypoint_lines: entrypoints(env),
    image_cmd: env.command === 'image',
    install,
    command_lines: env.command === 'image' ? [] : [code(`${APPEND} ${env.command.map(quote).join(' ')}`)],
  };
  return { path: `${env.id}/launch.sh`, content: renderTemplate('launch.sh.mustache', view), executable: true };
}

/** What launch.sh reads from the image and the host, which a second pass adds to the argv. */
function imageAndHostView(env: Environment) {
  const readsImage = readsImageConfig(env);
  const mapped = rootlessUser(env);
  return {
    image_config: readsImage,
    second_pass: readsImage || mapped !== undefined,
    rootless: mapped && { user: mapped },
    reads_image_user: imageUserNeeded(env) || rootlessFromImage(env),
    image_user: env.startup !== undefined,
    keeps_image_user: imageUserNeeded(env),
    // up's memo of its digest (templates/partials/digest-of), which down removes.
    digest_memo: true,
  };
}

function indent(text: string): string {
  // The here-document body must stay exactly as written, so only the first line moves.
  return `  ${text}`;
}

// ---- the container and its image ------------------------------------------------------

/**
 * With startup phases the generated entrypoint stands in for the image's ENTRYPOINT; unless
 * supervisord runs services, the launcher then passes the image's own ENTRYPOINT and CMD on
 * as the command, so that the container still runs what its image runs.
 */
function handsOverToImage(env: Environment): boolean {
  return env.startup !== undefined && env.services.length === 0;
}

/** Whether the launcher reads the image's USER, ENTRYPOINT, CMD or ENV before it runs. */
function readsImageConfig(env: Environment): boolean {
  return (
    (handsOverToImage(env) && env.imageEntrypoint === undefined) ||
    env.env.some((e) => e.extend) ||
    imageUserNeeded(env) ||
    rootlessFromImage(env)
  );
}

/**
 * imageEntrypoint, as both runtimes take it: docker's --entrypoint is one program, so the
 * rest of the list goes before the command. Behind the generated entrypoint, all of it is
 * what it hands over to.
 */
function imageEntrypointFlag(env: Environment): ShellCode[] {
  if (env.imageEntrypoint === undefined || env.startup) return [];
  return [code(`${APPEND} --entrypoint ${quote(env.imageEntrypoint[0] ?? '')}`)];
}

function imageEntrypointWords(env: Environment): ShellCode[] {
  const words = env.startup ? env.imageEntrypoint : env.imageEntrypoint?.slice(1);
  return words?.length ? [code(`${APPEND} ${words.map(quote).join(' ')}`)] : [];
}

/** The generated entrypoint drops to the image's USER when nothing else names a user. */
function imageUserNeeded(env: Environment): boolean {
  return env.startup !== undefined && env.startup.runAs === undefined && env.user === undefined;
}

/** Who `shell` runs as when the container does not say (by its io.boxwright.user label). */
function shellUser(env: Environment): ShellCode {
  if (env.startup?.runAs) return quote(env.startup.runAs.name);
  return env.user ? word(env.user) : quote('');
}

/**
 * The user the generated entrypoint hands over to: startup.runAs, else the config's user,
 * else the image's USER (read by read_image_config).
 */
function handedOverTo(env: Environment): ShellCode {
  if (env.startup?.runAs) return quote(env.startup.runAs.name);
  return env.user ? word(env.user) : code('"$bw_image_user"');
}

/** The named volumes as the script names them: their variables expanded when it runs. */
function namedVolumes(env: Environment): ShellCode[] {
  return env.mounts.flatMap((m) => (m.type === 'volume' && m.source !== undefined ? [word(m.source)] : []));
}

// ---- variables and secrets ------------------------------------------------------------

/** The script's settings section: its lines (computed once), and whether it has one. */
function settingsView(env: Environment) {
  const lines = variableLines(env);
  return {
    has_settings: env.variables.length > 0 || env.secrets.length > 0 || lines.length > 0,
    variable_lines: lines,
  };
}

function variableLines(env: Environment): ShellCode[] {
  const lines: ShellCode[] = [];
  // The container's id (model/devcontainer-id.ts): the config's, or its instance's, by cksum.
  if (usesDevcontainerId(env))
    lines.push(
      code(
        `${DEVCONTAINER_ID}=${devcontainerId(env.id)}\n[ -z "$bw_instance" ] || { ${DEVCONTAINER_ID}=$(printf '%s' ${quote(`${env.id}/`)}"$bw_instance" | cksum) && ${DEVCONTAINER_ID}=\${${DEVCONTAINER_ID}%% *}; }`,
      ),
    );
  for (const variable of env.variables) {
    if (variable.description) lines.push(comment(`${variable.name}: ${variable.description}`));
    const name = shellName(variable.name);
    if (variable.default) lines.push(code(`[ -n "\${${name}:-}" ] || ${name}=${word(variable.default)}`));
    // An optional variable that is unset reads as empty (set -u would stop the script), and is
    // then left out of the container's environment, like an optional secret.
    else if (isOptional(variable))
      lines.push(code(`[ -n "\${${name}+set}" ] || { ${name}=; ${unsetMark(variable)}=true; }`));
  }
  const requiredVariables = env.variables.filter((v) => v.required).map((v) => shellName(v.name));
  const requiredSecrets = env.secrets.filter((s) => s.required).map((s) => shellName(s.hostName));
  if (requiredVariables.length + requiredSecrets.length > 0) {
    const where = env.envFile ? `the environment or ${literalText(env.envFile) ?? 'the env file'}` : 'the environment';
    lines.push(
      renderSnippet('required-settings', {
        variables: requiredVariables,
        secrets: requiredSecrets,
        has_secrets: requiredSecrets.length > 0,
        where: quote(` (set them in ${where})`),
      }),
    );
  }
  if (env.envFile) {
    // Secrets read from the env file must be exported to reach the runtime by name.
    for (const secret of env.secrets.filter((s) => s.hostName === s.name))
      lines.push(code(`[ -z "\${${shellName(secret.name)}+set}" ] || export ${secret.name}`));
  }
  // A secret read by another name is exported under the container's: still by name only.
  for (const secret of env.secrets.filter((s) => s.hostName !== s.name))
    lines.push(
      code(`[ -z "\${${shellName(secret.hostName)}+set}" ] || export ${shellName(secret.name)}="$${secret.hostName}"`),
    );
  return lines;
}

// ---- entrypoints ----------------------------------------------------------------------

function entrypointDefault(env: Environment): ShellCode {
  const fallback = env.defaultEntrypoint === undefined ? '' : quote(env.defaultEntrypoint);
  if (env.entrypointVariable)
    return code(`[ -n "$bw_entrypoint" ] || bw_entrypoint=\${${shellName(env.entrypointVariable)}:-${fallback}}`);
  return code(`[ -n "$bw_entrypoint" ] || bw_entrypoint=${fallback || "''"}`);
}

function entrypoints(env: Environment): ShellCode[] {
  if (env.entrypoints.length === 0) return [];
  const view = env.entrypoints.map((entrypoint) => {
    const command = entrypoint.command.length ? code(entrypoint.command.map(quote).join(' ')) : undefined;
    return {
      name: quote(entrypoint.name),
      description: entrypoint.description && comment(entrypoint.description, '    '),
      replace: command && entrypoint.args === 'replace' && { command },
      append: command && entrypoint.args === 'append' && { command },
    };
  });
  return [renderSnippet('entrypoint-commands', { entrypoints: view })];
}

// ---- host preparation -----------------------------------------------------------------

function prepareLines(env: Environment): ShellCode[] {
  const lines: ShellCode[] = [];
  for (const mount of env.mounts) {
    if (mount.type !== 'bind' || !mount.source) continue;
    lines.push(code(`${mount.create ? 'ensure_directory' : 'require_path'} ${word(mount.source)}`));
  }
  for (const network of [env.network, ...env.extraNetworks])
    if (network?.create) lines.push(renderSnippet('create-network', { network: word(network.name) }));
  return lines;
}

// ---- the runtime's arguments: the key table's rows, in its order ----------------------

function runLines(env: Environment, quadletStack: boolean): ShellCode[] {
  return [
    ...remove(env),
    ...interactive(env),
    ...detach(env),
    code(`${APPEND} --name "$bw_name"`),
    ...eachRunRow(env, runLine, RUN_CODE),
    ...imageEntrypointFlag(env),
    ...startup(env),
    code(`${APPEND} ${word(env.image)}`),
    // Where the image is in the argv: install reads what follows it as the command.
    ...((env.quadlet || quadletStack) && installAddsFromRun(env) ? [code('bw_image_at=$#')] : []),
  ];
}

/** A run option of the table: its value quoted, or as a word where it expands. */
function runLine({ flag, value }: RunWord): ShellCode {
  if (value === undefined) return code(`${APPEND} ${flag}`);
  return code(`${APPEND} ${flag} ${typeof value === 'string' ? quote(value) : word(value)}`);
}

/** The keys whose run options need code, by the name their row gives. */
const RUN_CODE: Record<CodeOf<'run'>, (env: Environment) => ShellCode[]> = {
  user: (env) => [...user(env), ...userns(env)],
  variables: (env) => [...envFileRest(env), ...variablesExported(env)],
  env: environment,
  secrets,
  ports,
  mounts,
  ...CODED.run,
  network,
  gpu,
  // boxwright's own labels go before them: the extra arguments come last, to override any option.
  extraArgs: (env) => [...boxwrightLabels(env), ...extraArgs(env)],
};

// run makes a one-shot container; up (and status, which compares with it) a long-lived one.

function remove(env: Environment): ShellCode[] {
  return env.remove ? [code(`[ "$bw_verb" != run ] || ${APPEND} --rm`)] : [];
}

function interactive(env: Environment): ShellCode[] {
  if (env.interactive === true) return [code(`${APPEND} --interactive --tty`)];
  if (env.interactive === false) return [];
  return [renderSnippet('interactive-auto')];
}

function detach(env: Environment): ShellCode[] {
  return env.detach ? [code(`${APPEND} --detach`)] : [code(`[ "$bw_verb" = run ] || ${APPEND} --detach`)];
}

/** Under rootless podman, the user mapped to the host user (bw_userns: templates/partials/rootless.sh). */
function userns(env: Environment): ShellCode[] {
  return rootlessUser(env) ? [code(`[ -z "$bw_userns" ] || ${APPEND} "$bw_userns"`)] : [];
}

function user(env: Environment): ShellCode[] {
  if (!env.startup) return env.user ? [code(`${APPEND} --user ${word(env.user)}`)] : [];
  // The generated entrypoint needs root, whatever the image's USER; it drops to the user
  // named here (the config's, else the image's) before it hands over.
  const lines = [code(`${APPEND} --user 0:0`)];
  if (env.startup.runAs === undefined) lines.push(code(`${APPEND} --env BOXWRIGHT_USER=${handedOverTo(env)}`));
  // A user with the host user's ids (uid or gid "host") gets them from here.
  if (env.startup.users.some((u) => u.uid === 'host' || u.gid === 'host'))
    lines.push(code(`${APPEND} --env "${HOST_UID}=$(id -u)" --env "${HOST_GID}=$(id -g)"`));
  return lines;
}

/** The env file's other lines, by the path of launch.sh's copy of them (envFileToContainer). */
function envFileRest(env: Environment): ShellCode[] {
  if (!env.envFile || !env.envFileToContainer) return [];
  return [code(`[ -z "$bw_env_rest" ] || ${APPEND} --env-file "$bw_env_copy"`)];
}

function variablesExported(env: Environment): ShellCode[] {
  return env.variables
    .filter((v) => v.export)
    .map((v) => {
      const argument = `${APPEND} --env ${word([{ literal: `${v.name}=` }, { variable: v.name }])}`;
      return code(isOptional(v) ? `[ "\${${unsetMark(v)}:-}" = true ] || ${argument}` : argument);
    });
}

function isOptional(variable: Variable): boolean {
  return variable.default === undefined && !variable.required;
}

/** The launcher's own variable that says an optional variable was unset. */
function unsetMark(variable: Variable): ShellCode {
  return shellName(`bw_unset_${variable.name}`);
}

function environment(env: Environment): ShellCode[] {
  return env.env.flatMap(({ name, value, extend }) => {
    if (!extend) return [code(`${APPEND} --env ${word([{ literal: `${name}=` }, ...value])}`)];
    // Joined with the image's own value, read by read_image_config; alone when it has none.
    const image =
      extend.position === 'prepend'
        ? '"${bw_env_value:+$bw_separator$bw_env_value}"'
        : '"${bw_env_value:+$bw_env_value$bw_separator}"';
    const text = word([{ literal: `${name}=` }, ...value]);
    return [
      code(`image_env ${quote(name)}`),
      code(`bw_separator=${quote(extend.separator)}`),
      extend.position === 'prepend'
        ? code(`${APPEND} --env ${text}${image}`)
        : code(`${APPEND} --env ${quote(`${name}=`)}${image}${word(value)}`),
    ];
  });
}

function secrets(env: Environment): ShellCode[] {
  // By name only: the runtime reads the value from its environment, so it is never in argv.
  // A secret given as a file is mounted from where write_secret_files put it. The -e given to
  // launch.sh follow, so that they override the config's env and secrets.
  const lines = env.secrets.map((secret) => {
    const argument = secret.file
      ? `${APPEND} --volume "$bw_secret_files/"${quote(`${secret.name}:${secret.file}:ro`)}`
      : `${APPEND} --env ${shellName(secret.name)}`;
    return secret.required ? code(argument) : code(`[ -z "\${${shellName(secret.hostName)}+set}" ] || ${argument}`);
  });
  return [...lines, renderSnippet('extra-env', {})];
}

/** The secrets given as files: the variable launch.sh reads each by, and its file's name. */
function secretFiles(env: Environment) {
  const files = env.secrets.filter((s) => s.file);
  return files.length
    ? { files: files.map((s) => ({ variable: shellName(s.hostName), name: quote(s.name) })) }
    : undefined;
}

function ports(env: Environment): ShellCode[] {
  return env.ports.map((port) => code(`${APPEND} --publish ${quote(publishSpec(port))}`));
}

function mounts(env: Environment): ShellCode[] {
  return env.mounts.map((mount) => code(`${APPEND} ${mountArgument(mount)}`));
}

function mountArgument(mount: Mount): ShellCode {
  if (mount.type === 'tmpfs') {
    const options = [...(mount.readOnly ? ['ro'] : []), ...mount.options];
    return code(
      `--tmpfs ${word([...mount.target, ...(options.length ? [{ literal: `:${options.join(',')}` }] : [])])}`,
    );
  }
  const options = [...(mount.readOnly ? ['ro'] : []), ...mount.options];
  const suffix = options.length ? `:${options.join(',')}` : '';
  return code(`--volume ${word([...(mount.source ?? []), { literal: ':' }, ...mount.target, { literal: suffix }])}`);
}

function network(env: Environment): ShellCode[] {
  if (!env.network) return [];
  if (env.extraNetworks.length) {
    // podman joins each network with its own aliases; docker run takes one network.
    const spec = (n: Network) =>
      word([...n.name, ...n.aliases.flatMap((alias, i) => [{ literal: i === 0 ? ':alias=' : ',alias=' }, ...alias])]);
    return [
      code(
        `[ "$bw_runtime" = podman ] || die ${quote('this config joins more than one network, which docker run cannot: use podman (--runtime podman)')}`,
      ),
      ...[env.network, ...env.extraNetworks].map((n) => code(`${APPEND} --network ${spec(n)}`)),
    ];
  }
  return [env.network.name, ...env.network.aliases].map((name, i) =>
    code(`${APPEND} ${i === 0 ? '--network' : '--network-alias'} ${word(name)}`),
  );
}

function gpu(env: Environment): ShellCode[] {
  return env.gpu.mode === 'off' ? [] : [renderSnippet('gpu-arguments')];
}

/**
 * What the lifecycle verbs find the container by: its config, its instance, the user a
 * shell runs as, and the digest of its config, which is filled in once the argv is complete.
 */
function boxwrightLabels(env: Environment): ShellCode[] {
  const lines = [
    code(`${APPEND} --label ${quote(`io.boxwright.config=${env.id}`)}`),
    code(`[ -z "$bw_instance" ] || ${APPEND} --label "io.boxwright.instance=$bw_instance"`),
  ];
  if (env.startup) lines.push(code(`${APPEND} --label io.boxwright.user=${handedOverTo(env)}`));
  // A one-shot container is never compared with its config, so run skips the digest.
  lines.push(code(`[ "$bw_verb" = run ] || { ${APPEND} --label io.boxwright.digest=; bw_label_at=$#; }`));
  return lines;
}

function startup(env: Environment): ShellCode[] {
  // The generated entrypoint, job runner and the rest come from beside this script, mounted
  // read-only; the entrypoint takes over only when the config has container-side setup.
  if (!env.startup && !env.jobs) return [];
  return [
    code(`${APPEND} --volume "$bw_dir"${quote(`:${CONTAINER_DIR}:ro,z`)}`),
    ...(env.startup ? [code(`${APPEND} --entrypoint ${quote(`${CONTAINER_DIR}/entrypoint.sh`)}`)] : []),
    // job.sh inside reads and writes here; its status files name the log as the host sees it.
    ...(env.jobs ? [code(`${APPEND} --env ${quote(`BOXWRIGHT_JOB_DIR=${env.jobs.directory}`)}`)] : []),
    ...(env.jobs?.hostDirectory
      ? [code(`${APPEND} --env ${word([{ literal: 'BOXWRIGHT_JOB_HOST_DIR=' }, ...env.jobs.hostDirectory])}`)]
      : []),
  ];
}

function extraArgs(env: Environment): ShellCode[] {
  return env.extraArgs.length ? [code(`${APPEND} ${env.extraArgs.map(word).join(' ')}`)] : [];
}
