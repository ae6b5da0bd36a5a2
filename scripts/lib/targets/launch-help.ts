// launch.sh --help: what the script does, its verbs and options, and what the config gives
// it (entrypoints, variables, secrets, GPU, ports, mounts), each a section of its own.
import { CONTAINER_DIR, publishSpec, VERBS, type Environment, type Mount, type Verb } from '../model/environment.ts';
import { columns, showTemplate } from '../text.ts';

/** Where a mount comes from, as --help and the README say it. */
export function mountSourceText(mount: Mount): string {
  if (mount.type === 'workspace') return 'the current folder';
  return mount.type === 'tmpfs' ? 'tmpfs' : (mount.sourceText ?? '');
}

const VERB_HELP: Record<Verb, string> = {
  up: 'create the container in the background, start it if stopped, recreate it if its config changed',
  run: 'run a one-shot container (a second one beside a running one gets its own name)',
  shell: 'a login shell (or the command after --) in the running container, starting it first',
  stop: 'stop the container',
  restart: 'restart the container',
  down: 'stop and remove the container; named volumes stay unless --volumes',
  status: 'state, image, start time, ports, and whether it matches the current config',
  logs: "the container's output, also after it stopped (-f follows, --tail N)",
};

/** What launch.sh does for boot units: install them, and make the Quadlet unit's secrets. */
export interface UnitVerbs {
  install: boolean;
  secrets: boolean;
}

export function usage(env: Environment, units: UnitVerbs = { install: false, secrets: false }): string {
  const dispatch = env.entrypoints.length ? ' [ENTRYPOINT]' : '';
  const out = [`Usage: launch.sh [OPTIONS] [VERB]${dispatch} [-- ARGS...]`, ''];
  if (env.description) out.push(env.description.trim(), '');
  out.push(`Runs ${showTemplate(env.image)} with podman or docker, as the container ${showTemplate(env.name)}.`, '');
  out.push(...verbSection(env, units), ...optionSection(env, units));
  for (const section of [entrypointSection, variableSection, secretSection, gpuSection, portSection, mountSection]) {
    const lines = section(env);
    if (lines.length) out.push('', ...lines);
  }
  return out.join('\n');
}

function verbSection(env: Environment, units: UnitVerbs): string[] {
  const rows: [string, string][] = VERBS.map((verb) => [verb, VERB_HELP[verb]]);
  if (units.install)
    rows.push([
      'install',
      "put the config's systemd units where systemd reads them (Quadlet's, else the plain unit), then say what to run",
    ]);
  if (units.secrets)
    rows.push([
      'secrets',
      'create or update the podman secrets the Quadlet unit reads, from the environment or env file',
    ]);
  if (env.jobs)
    rows.push([
      'jobs',
      env.jobs.hostDirectory
        ? 'job.sh on the host, reading the jobs the container records: jobs status [NAME], jobs tail NAME [-f]'
        : `(the job records are in the container only: launch.sh shell -- ${CONTAINER_DIR}/job.sh status)`,
    ]);
  return [`Verbs (default: ${env.defaultVerb}):`, ...columnsOf(rows), ''];
}

function optionSection(env: Environment, units: UnitVerbs): string[] {
  const options: [string, string][] = [
    ['-h, --help', 'show this help and exit'],
    ['-n, --dry-run', 'print the runtime commands instead of running them'],
    [
      '    --runtime NAME',
      env.runtime
        ? `podman or docker (default: ${env.runtime})`
        : 'podman or docker (default: $BOXWRIGHT_RUNTIME, else podman, else docker)',
    ],
    ['    --instance NAME', 'another container of this config, named with -NAME'],
    ['    --force-recreate', 'up: recreate the container even when its config is unchanged'],
    ['    --no-recreate', 'up: keep a container made from an older config'],
    ['    --no-wait', 'up, shell: return once the container is started, without waiting for it to be ready'],
    ['    --wait-timeout N', 'up, shell: seconds to wait for it to be ready (default: 120)'],
    ['-e, --env NAME=VALUE', 'run, up: set a variable in the container (NAME alone: pass yours on)'],
    ['    --user NAME', 'shell: run as NAME'],
    ['-t, --time N', "stop, restart, down: seconds to wait before killing it (default: the container's)"],
    ['    --volumes', 'down: remove the named volumes too'],
    ['-f, --follow', 'logs: keep printing new output'],
    ['    --tail N', 'logs: only the last N lines'],
  ];
  if (env.build) options.push(['    --build', 'run, up: build the image again if its build inputs changed']);
  if (units.install)
    options.push(
      ['    --unit-dir DIR', 'install: where to put the units (default: the system’s as root, else the user’s)'],
      [
        '    --quadlet, --plain',
        'install: the Quadlet units, or the plain unit (default: Quadlet where podman has it)',
      ],
      ['    --unit FILE', 'install: a Quadlet unit of a stack with this config as a member (stack.sh install uses it)'],
    );
  if (env.envFile)
    options.push([
      '    --env-file FILE',
      `read variables and secrets from FILE (default: ${showTemplate(env.envFile)})${env.envFileToContainer ? '; its other NAME=value lines go into the container' : ''}`,
    ]);
  return ['Options:', ...columnsOf(options)];
}

function entrypointSection(env: Environment): string[] {
  if (!env.entrypoints.length) return [];
  const chooser = env.entrypointVariable ? `the first argument or $${env.entrypointVariable}` : 'the first argument';
  const fallback = env.defaultEntrypoint ? `; default: ${env.defaultEntrypoint}` : '';
  return [
    `Entrypoints (${chooser}${fallback}):`,
    ...columnsOf(
      env.entrypoints.map((e) => [
        e.name,
        `${e.description ?? e.command.join(' ')}${e.args === 'replace' ? ' (arguments after -- replace it)' : ''}`,
      ]),
    ),
  ];
}

function variableSection(env: Environment): string[] {
  if (!env.variables.length) return [];
  return [
    `Variables (from the environment${env.envFile ? ' or the env file' : ''}):`,
    ...columnsOf(
      env.variables.map((v) => [
        v.name,
        [
          v.description,
          v.required ? '(required)' : v.default ? `(default: ${showTemplate(v.default)})` : '',
          v.export ? '[passed to the container]' : '',
        ]
          .filter(Boolean)
          .join(' '),
      ]),
    ),
  ];
}

function secretSection(env: Environment): string[] {
  if (!env.secrets.length) return [];
  return [
    'Secrets (passed to the container by name, never on a command line):',
    ...columnsOf(
      env.secrets.map((s) => [
        s.hostName === s.name ? s.name : `${s.hostName} (as ${s.name} in the container)`,
        [s.description, s.required ? '(required)' : '(optional)'].filter(Boolean).join(' '),
      ]),
    ),
  ];
}

function gpuSection(env: Environment): string[] {
  if (env.gpu.mode === 'off') return [];
  const floor = env.gpu.minCuda ? ` with CUDA ${env.gpu.minCuda.major}.${env.gpu.minCuda.minor} or newer` : '';
  return [`GPU: ${env.gpu.mode}${floor}; override with ${env.gpu.variable}=off|auto|required.`];
}

function portSection(env: Environment): string[] {
  if (!env.ports.length) return [];
  return [
    'Ports (host:container/protocol):',
    ...columnsOf(env.ports.map((p) => [publishSpec(p), p.description ?? ''])),
  ];
}

function mountSection(env: Environment): string[] {
  if (!env.mounts.length) return [];
  return [
    'Mounts (host -> container):',
    ...columnsOf(
      env.mounts.map((m) => [
        `${mountSourceText(m)} -> ${m.targetText}${m.readOnly ? ' (read-only)' : ''}`,
        m.description ?? '',
      ]),
    ),
  ];
}

/** The two columns of --help: what, and what it does. */
function columnsOf(rows: [string, string][]): string[] {
  return columns(rows, 28);
}
