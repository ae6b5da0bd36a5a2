// The README of an environment: how to run it, then a section per part of its config, each
// from the same model as the scripts.
import { devicesReadme } from '../keys/coded.ts';
import { healthcheckReadme } from '../keys/coded.ts';
import { modelValue, OPTION_ROWS } from '../keys/options.ts';
import { CONTAINER_DIR, publishSpec, REPOSITORY, type Environment } from '../model/environment.ts';
import { resolver } from '../model/kubernetes.ts';
import { fromImage, installAdds } from './quadlet.ts';
import { bootSection, composeSection } from './readme-units.ts';
import type { GeneratedFile } from '../output.ts';
import { codeSpan, markdownTable, showTemplate } from '../text.ts';
import { mountSourceText } from './launch-help.ts';
import { page } from './readme.ts';

function resourcesSection(env: Environment): string[] {
  const rows = OPTION_ROWS.flatMap((row) => {
    const readme = 'readme' in row ? row.readme : undefined;
    if (!readme) return [];
    const value = modelValue(env, row.key) as string | number | undefined;
    const how = `\`${row.run.flag}\`${readme.how ? `: ${readme.how}` : ''}`;
    return [[readme.label, value, how] as const];
  });
  const set = rows.filter(([, value]) => value !== undefined);
  if (set.length === 0) return [];
  return [
    '## Resources',
    '',
    ...markdownTable(
      ['Resource', 'Value', 'Applied as'],
      set.map(([name, value, how]) => [name, String(value), { markdown: how }]),
    ),
    'A CPU reservation (a guaranteed minimum, as compose’s `deploy.resources.reservations.cpus`) has',
    'no flag in `podman run` or in `docker run` outside Swarm: the nearest, `--cpu-shares`, is a',
    'relative weight that only matters while CPUs are contended, so none is set. Kubernetes applies',
    'one as a CPU request.',
    '',
  ];
}

/** How to run it: the verbs, with the settings that must be given. */
function runSection(env: Environment): string[] {
  const script = `generated/${env.id}/launch.sh`;
  const entrypoint = env.entrypoints.length ? ' [ENTRYPOINT]' : '';
  const required = [...env.variables.filter((v) => v.required), ...env.secrets.filter((s) => s.required)];
  const settings = required.map((v) => `${v.name}=... `).join('');
  const isDefault = (verb: string) => (env.defaultVerb === verb ? 'the default: ' : '');
  const lines = ['## Run it', '', '```sh', `${script} --help`, `${script} --dry-run${entrypoint}`];
  lines.push(`${settings}${script} up${entrypoint}   # ${isDefault('up')}a long-lived container`);
  lines.push(`${script} shell | logs -f | status | stop | down`);
  lines.push(`${script} run${entrypoint} [-- ARGS...]   # ${isDefault('run')}a one-shot container`);
  if (env.jobs) lines.push(`generated/${env.id}/job.sh NAME -- COMMAND...   # also ${CONTAINER_DIR}/job.sh inside`);
  const container = `, container \`${showTemplate(env.name)}\``;
  lines.push('```', '', `Image: \`${showTemplate(env.image)}\`${container}${env.detach ? ', detached' : ''}.`, '');
  return lines;
}

function gpuSection(env: Environment): string[] {
  if (env.gpu.mode === 'off') return [];
  const floor = env.gpu.minCuda ? `, CUDA ${env.gpu.minCuda.major}.${env.gpu.minCuda.minor} or newer` : '';
  return ['## GPU', '', `${env.gpu.mode}${floor}; override with \`${env.gpu.variable}=off|auto|required\`.`, ''];
}

/** What every config kind's model gives its README page. */
export function environmentReadme(env: Environment): GeneratedFile {
  return page(env, [
    runSection(env),
    entrypointsSection(env),
    variablesSection(env),
    secretsSection(env),
    environmentSection(env),
    portsSection(env),
    mountsSection(env),
    devicesReadme(env),
    resourcesSection(env),
    gpuSection(env),
    usersSection(env),
    credentialsSection(env),
    servicesSection(env),
    workspaceSection(env),
    buildSection(env),
    healthcheckReadme(env),
    jobsSection(env),
    kubernetesSection(env),
    bootUnits(env),
    devcontainerSection(env),
  ]);
}

function bootUnits(env: Environment): string[] {
  const compose = env.compose ? composeSection(env.id, `generated/${env.id}/launch.sh`) : [];
  if (!env.quadlet && !env.systemd) return compose;
  return [
    ...compose,
    ...bootSection({
      install: `generated/${env.id}/launch.sh install`,
      quadlet: env.quadlet && { services: [`${env.id}.service`] },
      plain: env.systemd && { units: [`${env.id}.service`] },
      adds: installAdds(fromImage(env)),
    }),
  ];
}

function entrypointsSection(env: Environment): string[] {
  return env.entrypoints.length
    ? [
        '## Entrypoints',
        '',
        ...markdownTable(
          ['Name', 'Command', 'Arguments after --', 'Description'],
          env.entrypoints.map((e) => [
            `${e.name}${e.name === env.defaultEntrypoint ? ' (default)' : ''}`,
            codeSpan(e.command.join(' ')),
            e.args,
            e.description,
          ]),
        ),
        ...(env.entrypointVariable
          ? [`Chosen by the first word that is no verb, or \`${env.entrypointVariable}\`.`, '']
          : []),
      ]
    : [];
}

function variablesSection(env: Environment): string[] {
  return env.variables.length
    ? [
        '## Variables',
        '',
        ...markdownTable(
          ['Name', 'Default', 'Required', 'In the container', 'Description'],
          env.variables.map((v) => [
            codeSpan(v.name),
            v.default ? codeSpan(showTemplate(v.default)) : '',
            v.required ? 'yes' : '',
            v.export ? 'yes' : '',
            v.description,
          ]),
        ),
        ...(env.envFile ? [`Also read from \`${showTemplate(env.envFile)}\` (never executed).`, ''] : []),
      ]
    : [];
}

function secretsSection(env: Environment): string[] {
  return env.secrets.length
    ? [
        '## Secrets',
        '',
        'Passed by name only: never written to a file here, never on a command line.',
        '',
        ...markdownTable(
          ['Name', 'Required', 'Description'],
          env.secrets.map((s) => [
            s.hostName === s.name
              ? codeSpan(s.name)
              : { markdown: `${codeSpan(s.hostName).markdown} (as ${codeSpan(s.name).markdown})` },
            s.required ? 'yes' : '',
            s.description,
          ]),
        ),
      ]
    : [];
}

function environmentSection(env: Environment): string[] {
  return env.env.length
    ? [
        '## Environment',
        '',
        ...markdownTable(
          ['Name', 'Value'],
          env.env.map((e) => [codeSpan(e.name), codeSpan(showTemplate(e.value))]),
        ),
      ]
    : [];
}

function portsSection(env: Environment): string[] {
  return env.ports.length
    ? [
        '## Ports',
        '',
        ...markdownTable(
          ['Published (host:container/protocol)', 'Service'],
          env.ports.map((p) => [codeSpan(publishSpec(p)), p.description]),
        ),
      ]
    : [];
}

function mountsSection(env: Environment): string[] {
  return env.mounts.length
    ? [
        '## Mounts',
        '',
        ...markdownTable(
          ['Source', 'Target', 'Mode', 'Description'],
          env.mounts.map((m) => [
            m.type === 'bind' || m.type === 'volume' ? codeSpan(m.sourceText ?? '') : mountSourceText(m),
            codeSpan(m.targetText),
            `${m.type}${m.readOnly ? ', read-only' : ''}${m.create ? ', created if missing' : ''}`,
            m.description,
          ]),
        ),
      ]
    : [];
}

function usersSection(env: Environment): string[] {
  const startup = env.startup;
  return startup?.users.length
    ? [
        '## Users',
        '',
        ...markdownTable(
          ['User', 'UID:GID', 'Home (mode)', 'Shell', 'Groups', 'sudo', 'May switch to'],
          startup.users.map((u) => [
            u.name,
            `${u.uid}:${u.gid}`,
            `${u.home} (${u.homeMode})`,
            u.shell,
            u.groups.join(', '),
            u.sudo,
            u.canSwitchTo.join(', '),
          ]),
        ),
      ]
    : [];
}

function credentialsSection(env: Environment): string[] {
  const startup = env.startup;
  return startup?.credentials.length
    ? [
        '## Credentials',
        '',
        ...markdownTable(
          ['File', 'Owner', 'Format', 'From secrets'],
          startup.credentials.map((c) => [
            codeSpan(c.path),
            c.owner.name,
            c.format,
            c.entries.map((e) => e.secret).join(', '),
          ]),
        ),
      ]
    : [];
}

function servicesSection(env: Environment): string[] {
  return env.services.length
    ? [
        '## Services',
        '',
        'Run by supervisord, lowest priority first.',
        '',
        ...markdownTable(
          ['Priority', 'Service', 'User', 'Command', 'Description'],
          [...env.services]
            .sort((a, b) => a.priority - b.priority)
            .map((s) => [
              s.priority,
              s.name,
              s.user,
              codeSpan(s.command),
              `${s.description ?? ''}${s.startDelay ? ` (starts after ${s.startDelay} s)` : ''}`,
            ]),
        ),
      ]
    : [];
}

function workspaceSection(env: Environment): string[] {
  return env.workspace
    ? [
        '## Workspace',
        '',
        `tmux session \`${env.workspace.session}\`${env.workspace.user ? ` of ${env.workspace.user}` : ''}:`,
        '',
        ...markdownTable(
          ['Window', 'Name', 'Command', 'More panes'],
          env.workspace.windows.map((w, i) => [
            i,
            w.name,
            w.command ? codeSpan(w.command) : '',
            (w.panes ?? []).map((pane) => (pane ? codeSpan(pane) : 'a shell')).join(', '),
          ]),
        ),
      ]
    : [];
}

function devcontainerSection(env: Environment): string[] {
  if (!env.devcontainer) return [];
  return [
    '## Dev container',
    '',
    '```sh',
    `devcontainer up --workspace-folder . --config generated/${env.id}/devcontainer.json`,
    '```',
    '',
    `VS Code, Codespaces and DevPod open the same environment from \`generated/${env.id}/devcontainer.json\` (from the`,
    `repository's folder; VS Code looks in \`.devcontainer/\`: link it there). Secrets come from the tool's environment.`,
    '',
  ];
}

/** How to run kube.yaml: the Secret first (by the names the manifest reads), then apply. */
function kubernetesSection(env: Environment): string[] {
  if (!env.kubernetes) return [];
  // The names as the manifest has them: resolved as kube.yaml was (see model/kubernetes.ts).
  const name = resolver(env.variables, env.kubernetes.variables, () => undefined)(env.name) ?? showTemplate(env.name);
  const secret = env.kubernetes.secretName ?? `${name}-secrets`;
  const namespace = env.kubernetes.namespace ? ` -n ${env.kubernetes.namespace}` : '';
  const lines = ['## Kubernetes', '', '```sh'];
  if (env.secrets.length)
    lines.push(
      `# Keys: ${env.secrets.map((s) => s.hostName).join(', ')}`,
      `kubectl${namespace} create secret generic ${secret} --from-env-file=.env`,
    );
  lines.push(
    `kubectl apply -f generated/${env.id}/kube.yaml`,
    `kubectl delete -f generated/${env.id}/kube.yaml`,
    '```',
    '',
  );
  lines.push(
    env.detach
      ? `A Deployment of one Pod; \`kubectl exec -it deploy/${name} -- sh\` for a shell.`
      : `A Pod that runs once; \`kubectl attach -it ${name}\` to use it, \`kubectl exec ${name} -- ...\` beside it.`,
    ...(env.jobs
      ? [
          `Jobs: \`kubectl exec ${name} -- /bin/sh ${CONTAINER_DIR}/job.sh NAME -- COMMAND...\` (the records stay in \`${env.jobs.directory}\`).`,
        ]
      : []),
    'Values of variables were fixed when the file was generated (kubernetes.variables, else defaults).',
    '',
  );
  return lines;
}

function buildSection(env: Environment): string[] {
  if (!env.build) return [];
  const context = showTemplate(env.build.context).replace(`\${${REPOSITORY}}`, '.');
  const file = env.build.containerfile ?? 'Containerfile (else Dockerfile)';
  return [
    '## Image',
    '',
    `Built from ${codeSpan(context).markdown} (${codeSpan(file).markdown}) when it is missing; \`launch.sh up --build\``,
    '(or `run --build`) builds it again when its context, Containerfile, arguments or target changed.',
    '',
  ];
}

function jobsSection(env: Environment): string[] {
  if (!env.jobs) return [];
  return [
    '## Jobs',
    '',
    '`job.sh NAME -- COMMAND...` records `NAME.status` and `NAME-<timestamp>.jsonl`',
    `in \`${env.jobs.directory}\`; read them with \`job.sh status [NAME]\` and \`job.sh tail NAME [-f]\`.`,
    '',
  ];
}
