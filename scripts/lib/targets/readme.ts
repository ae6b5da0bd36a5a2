// The readme target: generated/<id>/README.md for every kind, from the same model as the
// scripts, so the tables a person reads cannot drift from what the scripts do.
import { header } from '../header.ts';
import { modelValue, OPTION_ROWS } from '../keys/options.ts';
import { baseImage, imageName, showCpu, showMemory, type Catalog } from '../model/catalog.ts';
import type { Fleet, Value } from '../model/distrobox.ts';
import { CONTAINER_DIR, publishSpec, REPOSITORY, type Environment } from '../model/environment.ts';
import { resolver } from '../model/kubernetes.ts';
import type { Stack } from '../model/stack.ts';
import type { GeneratedFile } from '../output.ts';
import { codeSpan, link, markdownTable, price, showTemplate } from '../text.ts';
import { tierCells } from './catalog.ts';
import { mountSourceText } from './launch.ts';

function showValue(value: Value): string {
  return value.map((p) => ('variable' in p ? '~' : p.literal)).join('');
}

/** The limits the runtime enforces, and why no CPU reservation is among them. */
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
interface Documented {
  source: string;
  id: string;
  description?: string;
  notes: string[];
}

/** The page: title, description, the kind's sections, then the config's own notes. */
function page(model: Documented, sections: string[][]): GeneratedFile {
  const { source, id, description, notes } = model;
  const lines = [header(source, 'html', `Documentation for ${id}`), '', `# ${id}`, ''];
  if (description) lines.push(description.trim(), '');
  lines.push(`Generated from \`${source}\`: edit the config, not this file.`, '');
  for (const section of sections) if (section.length) lines.push(...section);
  if (notes.length) lines.push('## Notes', '', ...notes.flatMap((note) => [note.trim(), '']));
  return { path: `${id}/README.md`, content: lines.join('\n').replace(/\n*$/, '\n'), executable: false };
}

export function environmentReadme(env: Environment): GeneratedFile {
  const run = runSection(env);
  const gpu = gpuSection(env);
  const startup = env.startup;
  return page(env, [
    run,
    env.entrypoints.length
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
      : [],
    env.variables.length
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
      : [],
    env.secrets.length
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
      : [],
    env.env.length
      ? [
          '## Environment',
          '',
          ...markdownTable(
            ['Name', 'Value'],
            env.env.map((e) => [codeSpan(e.name), codeSpan(showTemplate(e.value))]),
          ),
        ]
      : [],
    env.ports.length
      ? [
          '## Ports',
          '',
          ...markdownTable(
            ['Published (host:container/protocol)', 'Service'],
            env.ports.map((p) => [codeSpan(publishSpec(p)), p.description]),
          ),
        ]
      : [],
    env.mounts.length
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
      : [],
    env.devices.length
      ? [
          '## Devices',
          '',
          ...markdownTable(
            ['Device', 'When missing'],
            env.devices.map((d) => [codeSpan(d.path), d.optional ? 'skipped' : 'error']),
          ),
        ]
      : [],
    resourcesSection(env),
    gpu,
    startup?.users.length
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
      : [],
    startup?.credentials.length
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
      : [],
    env.services.length
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
      : [],
    env.workspace
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
      : [],
    buildSection(env),
    healthcheckSection(env),
    jobsSection(env),
    kubernetesSection(env),
    devcontainerSection(env),
  ]);
}

/** How to open devcontainer.json with the tools that read it. */
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

function healthcheckSection(env: Environment): string[] {
  if (!env.healthcheck) return [];
  const every = env.healthcheck.interval ? ` every ${env.healthcheck.interval}` : '';
  const byHand = `podman healthcheck run ${showTemplate(env.name)}`;
  return ['## Health check', '', `${codeSpan(env.healthcheck.command).markdown}${every}; by hand: \`${byHand}\`.`, ''];
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

export function catalogReadme(catalog: Catalog): GeneratedFile {
  return page(catalog, [
    [
      '## Use it',
      '',
      '```sh',
      `generated/${catalog.id}/build.sh combo FLAVOR ADDON,...   # builds what is missing`,
      `generated/${catalog.id}/launch.sh --tier TIER --flavor FLAVOR --addons A,B`,
      `generated/${catalog.id}/launch.sh --help`,
      ...(catalog.kubernetes
        ? [`generated/${catalog.id}/launch.sh --kube --tier TIER --flavor FLAVOR | kubectl apply -f -`]
        : []),
      '```',
      '',
      `Images: \`${imageName(catalog, 'FLAVOR').replace('FLAVOR', '{flavor}')}\` plus \`-suffix\` per add-on`,
      `(alphabetical); base \`${baseImage(catalog)}\`.`,
      '',
    ],
    [
      '## Tiers',
      '',
      ...markdownTable(
        ['Tier', 'Name', 'CPU', 'Memory', 'Storage', 'Price', 'Default'],
        catalog.tiers.map((t) => [...tierCells(t), t.default ? 'yes' : '']),
      ),
    ],
    [
      '## Flavors',
      '',
      ...markdownTable(
        ['Flavor', 'Image', 'Languages', 'Tools', 'Size', 'Default'],
        catalog.flavors.map((f) => [
          f.id,
          codeSpan(imageName(catalog, f.id)),
          f.languages.join(', '),
          f.tools.join(', '),
          f.sizeMb ? `~${f.sizeMb}MB` : '',
          f.default ? 'yes' : '',
        ]),
      ),
    ],
    catalog.addons.length
      ? [
          '## Add-ons',
          '',
          ...markdownTable(
            ['Add-on', 'Suffix', '+CPU', '+Memory', 'Ports', 'Needs tier', 'Not with', 'Price'],
            catalog.addons.map((a) => [
              a.id,
              `-${a.suffix}`,
              showCpu(a.extraCpuMilli),
              showMemory(a.extraMemoryMi),
              a.ports.join(', '),
              a.requiresTier,
              a.incompatibleWith.join(', '),
              price(a.priceCents),
            ]),
          ),
        ]
      : [],
    catalog.presets.length
      ? [
          '## Presets',
          '',
          ...markdownTable(
            ['Preset', 'Tier', 'Flavor', 'Add-ons', 'Image', 'Description'],
            catalog.presets.map((p) => [
              p.id,
              p.tier,
              p.flavor,
              p.addons.join(', '),
              codeSpan(imageName(catalog, p.flavor, p.addons)),
              p.description,
            ]),
          ),
        ]
      : [],
  ]);
}

export function stackReadme(stack: Stack): GeneratedFile {
  return page(stack, [
    [
      '## Use it',
      '',
      '```sh',
      `generated/${stack.id}/stack.sh [--mode MODE] up`,
      `generated/${stack.id}/stack.sh status`,
      `generated/${stack.id}/stack.sh logs [MEMBER]`,
      `generated/${stack.id}/stack.sh down`,
      ...(stack.kubernetes
        ? stack.modes.length === 1
          ? [`kubectl apply -f generated/${stack.id}/kube.yaml`]
          : stack.modes.map((m) => `kubectl apply -f generated/${stack.id}/kube-${m.id}.yaml   # mode ${m.id}`)
        : []),
      '```',
      '',
      `Network${stack.networks.length > 1 ? 's' : ''} ${stack.networks.map((n) => `\`${n.name}\`${n.subnet ? ` (${n.subnet})` : ''}`).join(', ')}.`,
      '',
    ],
    [
      '## Members',
      '',
      'Started in this order, stopped in reverse.',
      '',
      ...markdownTable(
        ['Member', 'Config', 'Container', 'Image', 'Description'],
        stack.members.map((m) => [
          m.id,
          link(m.config, `../${m.config}/README.md`),
          m.container,
          codeSpan(m.image),
          m.description,
        ]),
      ),
    ],
    [
      '## Modes',
      '',
      ...markdownTable(
        ['Mode', 'Members', 'Variables', 'Description'],
        stack.modes.map((m) => [
          `${m.id}${m.default ? ' (default)' : ''}`,
          m.members.join(', '),
          m.variables.map((v) => `${v.name}=${v.value}`).join(', '),
          m.description,
        ]),
      ),
    ],
  ]);
}

/** What keeps each container going: its service, its update steps, its pinned versions. */
function fleetUpkeepSection(fleet: Fleet): string[] {
  const kept = fleet.boxes.filter((b) => b.service || b.updateHooks.length || b.versions.length || b.backup.length);
  if (!kept.length) return [];
  return [
    '## Services, updates, pinned versions and backups',
    '',
    'Init hooks run once per container (a failed one again at the next start); start hooks at',
    'every start. `update.sh` runs the update steps as root after the package upgrade, then',
    'checks the pinned versions (`COMMAND --version`), as `status.sh --versions` does.',
    '',
    ...markdownTable(
      ['Container', 'Service (service.sh)', 'Update steps', 'Pinned versions', 'Backed up (backup.sh)'],
      kept.map((b) => [
        b.name,
        b.service ? codeSpan(b.service.command) : '',
        { markdown: b.updateHooks.map((step) => codeSpan(step).markdown).join(', ') },
        b.versions.map((pin) => `${pin.command} ${pin.version}`).join(', '),
        { markdown: b.backup.map((path) => codeSpan(`~/${path}`).markdown).join(', ') },
      ]),
    ),
  ];
}

export function fleetReadme(fleet: Fleet): GeneratedFile {
  const list = (values: Value[] | undefined) => (values ?? []).map(showValue).join(', ');
  return page(fleet, [
    [
      '## Use it',
      '',
      '```sh',
      `distrobox assemble create --file generated/${fleet.id}/distrobox.ini   # distrobox with assemble`,
      `generated/${fleet.id}/create.sh [--only NAME]                        # any distrobox, 1.4 included`,
      `generated/${fleet.id}/update.sh                                       # packages, update_hooks, pins`,
      `generated/${fleet.id}/status.sh [--versions]`,
      ...(fleet.boxes.some((b) => b.service)
        ? [`generated/${fleet.id}/service.sh start|stop|restart|status|logs [NAME]`]
        : []),
      ...(fleet.boxes.some((b) => b.backup.length)
        ? [`generated/${fleet.id}/backup.sh DIR && generated/${fleet.id}/restore.sh DIR/NAME-STAMP.tar.gz`]
        : []),
      '```',
      '',
    ],
    fleet.variables.length
      ? [
          '## Variables',
          '',
          'Values use them as `$NAME`: set in the environment of `distrobox assemble` or `create.sh`, else their default.',
          '',
          ...markdownTable(
            ['Variable', 'Default', 'Description'],
            fleet.variables.map((v) => [
              v.name,
              v.default === undefined ? '(required)' : codeSpan(v.default),
              v.description,
            ]),
          ),
        ]
      : [],
    fleetUpkeepSection(fleet),
    [
      '## Containers',
      '',
      ...markdownTable(
        ['Container', 'Image', 'Root', 'Packages', 'Init hooks', 'Ports', 'Description'],
        fleet.boxes.map((b) => [
          `${b.name}${b.template ? ' (template)' : ''}`,
          codeSpan(showValue(b.strings.image ?? b.strings.clone ?? [])),
          b.booleans.root ? 'yes' : '',
          list(b.lists.additional_packages),
          b.hooks.map((hook) => (hook.once ? hook.text : `${hook.text} (every start)`)).join(', '),
          b.ports.map((p) => `${p.port}${p.description ? ` (${p.description})` : ''}`).join(', '),
          b.description,
        ]),
      ),
    ],
  ]);
}
