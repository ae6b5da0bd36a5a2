// The readme target: generated/<id>/README.md for every kind, from the same model as the
// scripts, so the tables a person reads cannot drift from what the scripts do.
import { header } from '../header.ts';
import { baseImage, imageName, showCpu, showMemory, type Catalog } from '../model/catalog.ts';
import type { Fleet, Value } from '../model/distrobox.ts';
import type { Stack } from '../model/stack.ts';
import type { GeneratedFile } from '../output.ts';
import { codeSpan, link, markdownTable, price } from '../text.ts';
import { tierCells } from './catalog.ts';
import { bootSection, composeSection } from './readme-units.ts';

function showValue(value: Value): string {
  return value.map((p) => ('variable' in p ? '~' : p.literal)).join('');
}

/** The limits the runtime enforces, and why no CPU reservation is among them. */ export interface Documented {
  source: string;
  id: string;
  description?: string;
  notes: string[];
}

/** The page: title, description, the kind's sections, then the config's own notes. */
export function page(model: Documented, sections: string[][]): GeneratedFile {
  const { source, id, description, notes } = model;
  const lines = [header(source, 'html', `Documentation for ${id}`), '', `# ${id}`, ''];
  if (description) lines.push(description.trim(), '');
  lines.push(`Generated from \`${source}\`: edit the config, not this file.`, '');
  for (const section of sections) if (section.length) lines.push(...section);
  if (notes.length) lines.push('## Notes', '', ...notes.flatMap((note) => [note.trim(), '']));
  return { path: `${id}/README.md`, content: lines.join('\n').replace(/\n*$/, '\n'), executable: false };
}
/** Where build.sh looks for each image's Containerfile: a missing one stops it, naming it. */
function catalogContainerfiles(catalog: Catalog): string[] {
  const row = (what: string, image: string, build: Catalog['base']['build']) => [
    what,
    codeSpan(image),
    codeSpan(`${build.context}/${build.containerfile}`),
  ];
  return [
    '## Containerfiles',
    '',
    'build.sh builds each image from this Containerfile (paths from the repository root), on its',
    'parent passed as `--build-arg BASE_IMAGE`; one that is not there stops it with its path.',
    '',
    ...markdownTable(
      ['Image of', 'Image', 'Containerfile'],
      [
        row('base', baseImage(catalog), catalog.base.build),
        ...catalog.flavors.map((f) => row(`flavor ${f.id}`, imageName(catalog, f.id), f.build)),
        ...catalog.addons.map((a) => row(`add-on ${a.id}`, imageName(catalog, '{flavor}', [a.id]), a.build)),
      ],
    ),
  ];
}

/** How to run a catalog's scripts, and how its images are named and tagged. */
function catalogUse(catalog: Catalog): string[] {
  return [
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
    ...(catalog.versionFile
      ? [
          '',
          `The tag is \`${catalog.version}\`, or the first line of \`${catalog.versionFile}\` when that file exists.`,
        ]
      : []),
    '',
  ];
}

export function catalogReadme(catalog: Catalog): GeneratedFile {
  return page(catalog, [
    catalogUse(catalog),
    catalogContainerfiles(catalog),
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
    stack.compose ? composeSection(stack.id, `generated/${stack.id}/stack.sh`) : [],
    stack.quadlet || stack.systemd
      ? bootSection({
          install: `generated/${stack.id}/stack.sh install`,
          quadlet: stack.quadlet && {
            services: stack.members
              .filter((m) => stack.quadlet!.mode.members.includes(m.id))
              .map((m) => `${m.container}.service`),
          },
          plain: stack.systemd && { units: [`${stack.id}.service`] },
          adds: stack.quadlet ? ["each member's image settings and GPU, as its launch.sh up finds them"] : [],
        })
      : [],
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
    buildSection(stack),
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

/** Where `stack.sh build` looks for each member's Containerfile, relative to the repository. */
function buildSection(stack: Stack): string[] {
  const built = stack.members.filter((m) => m.build);
  if (!built.length) return [];
  return [
    '## Building the images',
    '',
    '`stack.sh build [MEMBER]` builds these from folders of the repository that holds the configs;',
    'a folder or Containerfile that is not there stops it with the path it looked for.',
    '',
    ...markdownTable(
      ['Member', 'Image', 'Build context', 'Containerfile'],
      built.map((m) => [m.id, codeSpan(m.image), codeSpan(m.build!.context), codeSpan(m.build!.containerfile)]),
    ),
  ];
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

/** How to run a fleet's scripts: the ones every fleet has, then those its config asks for. */
function fleetUse(fleet: Fleet): string[] {
  return [
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
    ...(fleet.cleanup
      ? [
          `generated/${fleet.id}/cleanup.sh snapshot                             # a snapshot of each container`,
          `generated/${fleet.id}/cleanup.sh [--prune]                            # old snapshots and images: list, remove`,
        ]
      : []),
    ...(fleet.updateEvery
      ? [
          `generated/${fleet.id}/update.sh install                               # the ${fleet.updateEvery} update timer`,
        ]
      : []),
    ...(fleet.cleanup?.every
      ? [
          `generated/${fleet.id}/cleanup.sh install                              # the ${fleet.cleanup.every} cleanup timer`,
        ]
      : []),
    '```',
    '',
  ];
}

export function fleetReadme(fleet: Fleet): GeneratedFile {
  const list = (values: Value[] | undefined) => (values ?? []).map(showValue).join(', ');
  return page(fleet, [
    fleetUse(fleet),
    fleet.boxes.some((b) => b.service?.systemd && !b.template)
      ? bootSection({
          install: `generated/${fleet.id}/service.sh install`,
          plain: {
            units: fleet.boxes
              .filter((b) => b.service?.systemd && !b.template)
              .map((b) => `${fleet.id}-${b.name}.service`),
            userOnly: true,
          },
        })
      : [],
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
