// The catalog target: a Catalog becomes generated/<id>/build.sh (base → flavors → add-on
// layers) and generated/<id>/launch.sh (runs a tier × flavor × add-ons combination). The
// rules' messages come from model/catalog.ts, so scripts and generator say the same thing.
import { header } from '../header.ts';
import { baseImage, imageHome, MESSAGES, showCpu, showMemory, type Catalog } from '../model/catalog.ts';
import type { GeneratedFile } from '../output.ts';
import { renderTemplate } from '../render.ts';
import { code, heredoc, quote, word, type ShellCode, type WordPart } from '../shell/quote.ts';
import { columns, price } from '../text.ts';
import { kubeView } from './catalog-kube.ts';

export function renderCatalog(catalog: Catalog, root: string): GeneratedFile[] {
  const rules = rulesView(catalog);
  const build = {
    ...rules,
    header: header(catalog.source, 'hash', `Image build script for ${catalog.id}`),
    usage: `  ${heredoc(buildUsage(catalog))}`,
    catalog_id: quote(catalog.id),
    context_hint: quote(`: put its Containerfile there, or change the build in ${catalog.source}`),
    base_context: quote(catalog.base.build.context),
    base_containerfile: quote(catalog.base.build.containerfile),
    root: quote(root),
    top_tier: quote(catalog.tiers[catalog.tiers.length - 1]!.id),
    flavor_order: catalog.flavors.map((f) => quote(f.id)).join(' '),
    flavor_waves: flavorWaves(catalog).map((wave) => quote(wave.join(' '))),
    flavor_build_cases: catalog.flavors.map((f) =>
      code(
        `${quote(f.id)}) bw_parent_flavor=${f.from ? quote(f.from) : "''"} bw_context=${quote(f.build.context)} bw_containerfile=${quote(f.build.containerfile)} ;;`,
      ),
    ),
    addon_build_cases: catalog.addons.map((a) =>
      code(`${quote(a.id)}) bw_context=${quote(a.build.context)} bw_containerfile=${quote(a.build.containerfile)} ;;`),
    ),
  };
  const launch = {
    ...rules,
    header: header(catalog.source, 'hash', `Launch script for ${catalog.id}`),
    usage: `  ${heredoc(launchUsage(catalog))}`,
    root: quote(root),
    runtime: catalog.runtime,
    kube: kubeView(catalog),
    preset_cases: catalog.presets.map((p) =>
      code(
        `${quote(p.id)}) bw_preset_tier=${quote(p.tier)} bw_preset_flavor=${quote(p.flavor)} bw_preset_addons=${quote(p.addons.join(','))} ;;`,
      ),
    ),
    unknown_preset: message(MESSAGES.unknownPreset, {
      preset: '1',
      choices: catalog.presets.map((p) => p.id).join(', ') || '(none)',
    }),
    tier_resource_cases: catalog.tiers.map((t) =>
      code(
        `${quote(t.id)}) bw_cpu=${t.cpuMilli} bw_memory=${t.memoryMi} bw_reservation=${t.reservationMi ?? "''"} bw_storage=${t.storageGb ?? "''"} ;;`,
      ),
    ),
    workspace: catalog.base.workspace && quote(catalog.base.workspace),
    // down removes the workspace volume with --volumes, as an environment's named volumes.
    has_volumes: catalog.base.workspace !== undefined,
    volumes: catalog.base.workspace ? [code('"$bw_volume"')] : [],
    addon_resource_cases: catalog.addons.map((a) =>
      code(
        `${quote(a.id)}) bw_extra_cpu=${a.extraCpuMilli} bw_extra_memory=${a.extraMemoryMi} bw_addon_gpu=${a.gpu} ;;`,
      ),
    ),
    default_tier: quote(catalog.tiers.find((t) => t.default)!.id),
    default_flavor: quote(catalog.flavors.find((f) => f.default)!.id),
    base_lines: [
      ...catalog.base.ports.map((port) => code(publish(port))),
      ...catalog.base.env.map((e) => code(`set -- "$@" --env ${quote(`${e.name}=${e.value}`)}`)),
    ],
    addon_run_cases: catalog.addons.map((addon) => {
      const steps = [
        ...addon.ports.map(publish),
        ...(addon.env.length
          ? [`set -- "$@" ${addon.env.map((e) => `--env ${quote(`${e.name}=${e.value}`)}`).join(' ')}`]
          : []),
      ];
      return code(`${quote(addon.id)})${steps.length ? ` ${steps.join('; ')}` : ''} ;;`);
    }),
  };
  return [
    { path: `${catalog.id}/build.sh`, content: renderTemplate('catalog-build.sh.mustache', build), executable: true },
    {
      path: `${catalog.id}/launch.sh`,
      content: renderTemplate('catalog-launch.sh.mustache', launch),
      executable: true,
    },
  ];
}

/** Publishes a container port at the same port plus the instance's offset, and notes it. */
function publish(port: number): string {
  const host = `$((${port} + bw_port_offset))`;
  return `set -- "$@" --publish "${host}:${port}"; bw_ports="$bw_ports ${host}->${port}"`;
}

/** A message as a shell word, with {name} filled from the shell variable given for it. */
function message(template: string, variables: Record<string, string>): ShellCode {
  const parts: WordPart[] = [];
  let rest = template;
  for (let match = /\{(\w+)\}/.exec(rest); match; match = /\{(\w+)\}/.exec(rest)) {
    parts.push({ literal: rest.slice(0, match.index) });
    const value = variables[match[1]!]!;
    parts.push(/^[1-9]$/.test(value) || /^bw_/.test(value) ? { variable: value } : { literal: value });
    rest = rest.slice(match.index + match[0].length);
  }
  parts.push({ literal: rest });
  return word(parts);
}

function rulesView(catalog: Catalog) {
  const tierIds = catalog.tiers.map((t) => t.id).join(', ');
  const addonIds = catalog.addons.map((a) => a.id).join(', ');
  const plain = catalog.addons.filter((a) => !a.requiresTier);
  const rank = (tier: string) => catalog.tiers.find((t) => t.id === tier)!.rank;
  const pairs = catalog.addons.flatMap((a, i) =>
    catalog.addons
      .slice(i + 1)
      .filter((b) => a.incompatibleWith.includes(b.id))
      .map((b) => [a, b] as const),
  );
  return {
    tier_rank_cases: catalog.tiers.map((t) => code(`${quote(t.id)}) bw_rank=${t.rank} ;;`)),
    unknown_tier: message(MESSAGES.unknownTier, { tier: '1', choices: tierIds }),
    flavor_pattern: catalog.flavors.map((f) => quote(f.id)).join(' | '),
    unknown_flavor: message(MESSAGES.unknownFlavor, {
      flavor: '1',
      choices: catalog.flavors.map((f) => f.id).join(', '),
    }),
    addon_suffix_cases: catalog.addons.map((a) => code(`${quote(a.id)}) bw_suffix=${quote(a.suffix)} ;;`)),
    repeated_addon: message(MESSAGES.repeatedAddon, { addon: 'bw_addon' }),
    requirement_cases: [
      ...catalog.addons
        .filter((a) => a.requiresTier)
        .map((a) =>
          code(
            `${quote(a.id)}) [ "$bw_tier_rank" -ge ${rank(a.requiresTier!)} ] || fail ${message(MESSAGES.tierTooLow, { addon: a.id, needed: a.requiresTier!, tier: '1' })} ;;`,
          ),
        ),
      ...(plain.length ? [code(`${plain.map((a) => quote(a.id)).join(' | ')}) ;;`)] : []),
    ],
    unknown_addon: message(MESSAGES.unknownAddon, { addon: 'bw_addon', choices: addonIds || '(none)' }),
    incompatibility_checks: pairs.map(([a, b]) =>
      code(
        `case $bw_seen in *${quote(` ${a.id} `)}*) case $bw_seen in *${quote(` ${b.id} `)}*) fail ${message(MESSAGES.incompatible, { addon: a.id, other: b.id })} ;; *) ;; esac ;; *) ;; esac`,
      ),
    ),
    addon_order: catalog.addons.length ? catalog.addons.map((a) => quote(a.id)).join(' ') : "''",
    image_home: quote(imageHome(catalog)),
    image_stem: quote(`${imageHome(catalog)}${catalog.prefix}-`),
    version: quote(catalog.version),
    version_file: catalog.versionFile && quote(catalog.versionFile),
    version_file_shown: catalog.versionFile,
  };
}

function catalogTables(catalog: Catalog): string[] {
  const out = ['Tiers (ascending):'];
  out.push(
    ...columns([
      ['ID', 'NAME', 'CPU', 'MEMORY', 'STORAGE', 'PRICE', ''],
      ...catalog.tiers.map((t) => [...tierCells(t), t.default ? '(default)' : '']),
    ]),
  );
  out.push('', 'Flavors:');
  out.push(
    ...columns([
      ['ID', 'NAME', 'LANGUAGES', 'SIZE', ''],
      ...catalog.flavors.map((f) => [
        f.id,
        f.name,
        f.languages.join(', '),
        f.sizeMb ? `~${f.sizeMb}MB` : '',
        f.default ? '(default)' : '',
      ]),
    ]),
  );
  if (catalog.addons.length) {
    out.push('', 'Add-ons:');
    out.push(
      ...columns([
        ['ID', 'SUFFIX', '+CPU', '+MEMORY', 'PORTS', 'NEEDS TIER', 'NOT WITH', 'PRICE'],
        ...catalog.addons.map((a) => [
          a.id,
          `-${a.suffix}`,
          showCpu(a.extraCpuMilli),
          showMemory(a.extraMemoryMi),
          a.ports.join(', '),
          a.requiresTier ?? '',
          a.incompatibleWith.join(', '),
          price(a.priceCents),
        ]),
      ]),
    );
  }
  return out;
}

/** The flavors in waves: each wave stands only on the base or on the waves before it. */
function flavorWaves(catalog: Catalog): string[][] {
  const waves: string[][] = [];
  const placed = new Set<string>();
  let left = catalog.flavors;
  while (left.length) {
    const wave = left.filter((f) => !f.from || placed.has(f.from));
    // The model refuses a cycle of flavors; this only guards against looping on one.
    if (!wave.length) throw new Error(`flavors stand on each other: ${left.map((f) => f.id).join(', ')}`);
    for (const f of wave) placed.add(f.id);
    waves.push(wave.map((f) => f.id));
    left = left.filter((f) => !placed.has(f.id));
  }
  return waves;
}

function buildUsage(catalog: Catalog): string {
  return [
    'Usage: build.sh [--dry-run] [--runtime podman|docker] [-j N] COMMAND',
    '       build.sh [--dry-run] [--runtime podman|docker] push [--to REGISTRY/OWNER] COMMAND',
    '',
    'Builds the images of this catalog, each on its parent (passed as --build-arg BASE_IMAGE).',
    '',
    'Commands:',
    `  base                      build ${baseImage(catalog)}`,
    '  flavor NAME               build a flavor (and whatever it stands on that is missing or stale)',
    '  combo FLAVOR ADDON,...    build what is missing or stale of a flavor with add-ons, one layer per add-on',
    '  all                       build the base and every flavor (-j N: N flavors at once)',
    "  status                    list this catalog's images here: built, missing, or stale (built on",
    '                            an image that was rebuilt since: combo and flavor rebuild it)',
    '',
    'push COMMAND pushes the images COMMAND names (built first), to the registry in their',
    'names or under --to.',
    ...tagLine(catalog),
    '',
    ...catalogTables(catalog),
  ].join('\n');
}

/** Where the images' tag comes from, when a file can change it. */
function tagLine(catalog: Catalog): string[] {
  return catalog.versionFile
    ? ['', `The tag is ${catalog.version}, or the first line of ${catalog.versionFile} when that file exists.`]
    : [];
}

function launchUsage(catalog: Catalog): string {
  const lines = [
    'Usage: launch.sh [OPTIONS] [VERB] [-- ARGS...]',
    '',
    ...(catalog.description ? [catalog.description.trim(), ''] : []),
    'Runs the image of a tier × flavor × add-ons combination with the resources they add up to.',
    '',
    'Verbs (default: run):',
    '  run      run it in the foreground; the container goes when it exits (ARGS: its command)',
    '  up       keep it running in the background: made when missing, started when stopped,',
    '           made again when the combination or its options changed (ARGS: its command)',
    '  shell    a login shell (or ARGS) in the running container, making or starting it first',
    '  stop     stop the container',
    '  restart  restart the container',
    '  down     stop and remove the container; its workspace volume stays unless --volumes',
    "  status   the container's state and whether its image is stale",
    "  logs     the container's output (-f follows, --tail N)",
    '',
    'Options:',
    '  --tier ID           resource tier',
    '  --flavor ID         language flavor',
    '  --addons A,B        add-ons',
    '  --preset ID         a named combination (the options above override it)',
    '  --name NAME         container name (default: the image name, with -N for --instance N)',
    '  --instance N        another container beside the first (0-99): host ports are the',
    "                      container's + 100 × N, and it has its own workspace volume",
    '  --build             when it is not here: pull it when its registry has it, else build it',
    '                      (build.sh combo)',
    '  --push              with --build: push what was built to its registry',
    '  --pull              pull it first when it is not here (names with a registry)',
    ...(catalog.kubernetes
      ? ['  --kube              print the combination as Kubernetes objects instead of running it']
      : []),
    '  --runtime NAME      podman or docker',
    '  --force-recreate    up: make the container again even when nothing changed',
    '  --no-recreate       up: keep a container made from other options',
    '  --no-wait           up, shell: return once it is started, without checking that it stays up',
    '  --wait-timeout N    up, shell: seconds to wait for it to be running (default: 120)',
    '  -t, --time N        stop, restart, down: seconds to wait before killing it',
    '  --volumes           down: remove the workspace volume too',
    '  -f, --follow        logs: keep printing new output',
    '  --tail N            logs: only the last N lines',
    '  -n, --dry-run       print the runtime command instead of running it',
    '  -h, --help          show this help and exit',
    ...tagLine(catalog),
    '',
    ...catalogTables(catalog),
  ];
  if (catalog.presets.length) {
    lines.push('', 'Presets:');
    lines.push(
      ...columns(
        catalog.presets.map((p) => [
          p.id,
          `${p.tier} + ${p.flavor}${p.addons.length ? ` + ${p.addons.join(', ')}` : ''}`,
          p.description ?? '',
        ]),
      ),
    );
  }
  return lines.join('\n');
}

/** A tier as people read it, in --help and the README: id, name, CPU, memory, storage, price. */
export function tierCells(tier: Catalog['tiers'][number]): string[] {
  return [
    tier.id,
    tier.name,
    showCpu(tier.cpuMilli),
    showMemory(tier.memoryMi),
    tier.storageGb ? `${tier.storageGb}GB` : '',
    price(tier.priceCents),
  ];
}
