// The distrobox target: a Fleet becomes distrobox.ini (and templates.ini) for `distrobox
// assemble`, and create.sh, update.sh and status.sh, which need only distrobox itself.
import { header } from '../header.ts';
import { BOOLEAN_KEYS, LIST_KEYS, STRING_KEYS, type Box, type Fleet, type Value } from '../model/distrobox.ts';
import { DISTROBOX_OPTIONS, NEWER_FLAGS, optionRows } from '../model/distrobox-options.ts';
import type { GeneratedFile } from '../output.ts';
import { renderTemplate } from '../render.ts';
import { code, comment, heredoc, quote, word, type ShellCode } from '../shell/quote.ts';
import { columns, markdownTable } from '../text.ts';
import { renderPlainUnit } from './systemd.ts';
import { jobUnits, renderJobUnits } from './distrobox-timer.ts';

/** `root`: the repository, relative to generated/<fleet>/. */
export function renderFleet(fleet: Fleet, root: string): GeneratedFile[] {
  const active = fleet.boxes.filter((b) => !b.template);
  const templates = fleet.boxes.filter((b) => b.template);
  const common = {
    info_cases: fleet.boxes.map((b) => code(`${quote(b.name)}) bw_root_flag=${b.booleans.root ? '--root' : "''"} ;;`)),
    template_cases: fleet.boxes.map((b) => code(`${quote(b.name)}) bw_template=${b.template} ;;`)),
    pins_cases: fleet.boxes.flatMap(pinsCase),
    all_list: fleet.boxes.map((b) => b.name).join(', '),
    active_list: activeNames(fleet.boxes),
    all_order: fleet.boxes.map((b) => quote(b.name)).join(' '),
  };
  const script = (name: string, what: string, usage: string, extra: object = {}): GeneratedFile => ({
    path: `${fleet.id}/${name}.sh`,
    content: renderTemplate(`distrobox-${name}.sh.mustache`, {
      ...common,
      header: header(fleet.source, 'hash', `${what} for ${fleet.id}`),
      usage: `  ${heredoc(usage)}`,
      ...extra,
    }),
    executable: true,
  });
  const files: GeneratedFile[] = [
    {
      path: `${fleet.id}/distrobox.ini`,
      content: manifest(fleet, active, 'distrobox assemble create --file distrobox.ini'),
      executable: false,
    },
    script('create', 'Fleet creation script', createUsage(fleet), {
      create_cases: fleet.boxes.map(createCase),
      variable_lines: variableLines(fleet),
      uses_user: fleet.boxes.some((b) =>
        [...Object.values(b.strings), ...Object.values(b.lists).flat()].some((value) =>
          value?.some((part) => 'variable' in part && part.variable === 'USER'),
        ),
      ),
      after_cases: fleet.boxes.flatMap(afterCase),
    }),
    script('update', 'Fleet upgrade script', updateUsage(fleet), {
      update_cases: fleet.boxes.flatMap(updateCase),
      install: jobUnits(fleet, 'update'),
    }),
    ...cleanupFiles(fleet, script),
    ...renderJobUnits(fleet, root),
    script(
      'status',
      'Fleet status script',
      'Usage: status.sh [--versions]\n\nShows each container of the fleet: state, root or user, template, image.\nWith --versions, also checks the pinned versions of the running containers.',
    ),
  ];
  const kept = fleet.boxes.filter((b) => b.backup.length);
  if (kept.length)
    files.push(
      script('backup', 'Fleet backup script', backupUsage(kept), {
        paths_cases: kept.map((b) => code(`${quote(b.name)}) bw_paths=${quote(b.backup.join('\n'))} ;;`)),
        backup_list: kept.map((b) => b.name).join(', '),
        backup_order: activeNames(kept),
      }),
      script('restore', 'Fleet restore script', restoreUsage(kept), {
        declared: quote(declaredPaths(kept).join('\n')),
      }),
    );
  files.push(...serviceFiles(fleet, root, script));
  if (templates.length)
    files.push({
      path: `${fleet.id}/templates.ini`,
      content: manifest(fleet, templates, 'distrobox assemble create --file templates.ini --name NAME'),
      executable: false,
    });
  return files;
}

type Script = (name: string, what: string, usage: string, extra?: object) => GeneratedFile;

/** cleanup.sh, when the fleet asks for one (its timer comes with the other jobs' units). */
function cleanupFiles(fleet: Fleet, script: Script): GeneratedFile[] {
  if (!fleet.cleanup) return [];
  return [
    script('cleanup', 'Fleet cleanup script', cleanupUsage(fleet), {
      fleet_id: quote(fleet.id),
      keep: String(fleet.cleanup.keepSnapshots),
      variable_lines: variableLines(fleet),
      image_cases: fleet.boxes.map((b) =>
        code(`${quote(b.name)}) bw_image=${b.strings.image ? word(b.strings.image) : "''"} ;;`),
      ),
      install: jobUnits(fleet, 'cleanup'),
    }),
  ];
}

/** service.sh, and a user unit for each service that asks for one. */
function serviceFiles(fleet: Fleet, root: string, script: Script): GeneratedFile[] {
  const services = fleet.boxes.filter((b) => b.service);
  if (!services.length) return [];
  const units = serviceUnits(fleet);
  return [
    script('service', 'Fleet service script', serviceUsage(fleet, services), {
      fleet_id: quote(fleet.id),
      service_cases: services.map((b) => code(`${quote(b.name)}) bw_service=${quote(b.service!.command)} ;;`)),
      service_list: services.map((b) => b.name).join(', '),
      service_order: activeNames(services),
      install: units.length > 0 && {
        unit_cases: units.map((b) => code(`${quote(b.name)}) bw_unit=${quote(unitFile(fleet, b))} ;;`)),
        unit_order: activeNames(units),
      },
    }),
    ...units.map((box) => serviceUnit(fleet, box, root)),
  ];
}

/** A service's systemd user unit, which runs service.sh start and stop. */
function serviceUnit(fleet: Fleet, box: Box, root: string): GeneratedFile {
  return renderPlainUnit({
    id: fleet.id,
    file: unitFile(fleet, box),
    source: fleet.source,
    description: `${box.name}: ${box.description ?? box.service!.command}`,
    script: 'service.sh',
    start: ['start', box.name],
    stop: ['stop', box.name],
    root,
    wantedBy: box.service!.systemd!.wantedBy ?? 'default.target',
    what: 'systemd user unit',
    userOnly: true,
  });
}

/** The boxes whose service has a systemd unit. */
function serviceUnits(fleet: Fleet): Box[] {
  return fleet.boxes.filter((b) => b.service?.systemd && !b.template);
}

function unitFile(fleet: Fleet, box: Box): string {
  return `${fleet.id}-${box.name}.service`;
}

// ---- distrobox.ini --------------------------------------------------------------------

/** A value as distrobox's parser reads it: always double-quoted, $HOME expanded by it. */
function iniValue(value: Value, fleet: Fleet): string {
  const variable = (name: string) => {
    const declared = fleet.variables.find((v) => v.name === name);
    // The parser sources the manifest: a default where one is given, else it stops there.
    if (!declared) return `\${${name}}`;
    return declared.default !== undefined ? `\${${name}:-${declared.default}}` : `\${${name}:?${name} is not set}`;
  };
  return `"${value.map((p) => ('variable' in p ? variable(p.variable) : p.literal)).join('')}"`;
}

function manifest(fleet: Fleet, boxes: Box[], usage: string): string {
  const lines = [header(fleet.source, 'hash', 'distrobox assemble manifest'), `# Use: ${usage}`];
  // Comments are written by comment(): no line break in a description can end one and
  // start a key of its own.
  if (fleet.description) lines.push(comment(fleet.description));
  for (const box of boxes) {
    lines.push('', `[${box.name}]`);
    if (box.description) lines.push(comment(box.description));
    for (const port of box.ports)
      lines.push(comment(`port ${port.port}${port.description ? `: ${port.description}` : ''}`));
    for (const key of STRING_KEYS) if (box.strings[key]) lines.push(`${key}=${iniValue(box.strings[key]!, fleet)}`);
    for (const key of BOOLEAN_KEYS) if (box.booleans[key] !== undefined) lines.push(`${key}=${box.booleans[key]}`);
    for (const key of LIST_KEYS) for (const item of box.lists[key] ?? []) lines.push(`${key}=${iniValue(item, fleet)}`);
  }
  return `${lines.join('\n')}\n`;
}

// ---- create.sh ------------------------------------------------------------------------

/** The text of a value that holds no $HOME (apps, bins, hooks are never paths). */
function literalText(value: Value): string {
  return value.map((p) => ('literal' in p ? p.literal : '')).join('');
}

/** distrobox assemble's joining of hooks: ": ;" then each hook, "&&" unless one ends in ; or &&. */
export function joinHooks(hooks: Value[]): Value {
  const parts: Value = [{ literal: ': ;' }];
  let separator = '';
  for (const hook of hooks) {
    parts.push({ literal: ` ${separator} ` }, ...hook);
    const text = literalText(hook);
    separator = /(;|&&)\s?$/.test(text) ? '' : '&&';
  }
  return parts;
}

/** One container's `distrobox create` arguments, in the table's order, as template data. */
function createCase(box: Box) {
  const steps: (
    | { argument: ShellCode; needs?: ShellCode }
    | { hostname: { value: ShellCode; fallback: ShellCode } }
  )[] = [];
  const add = (flag: string, value?: ShellCode) => {
    const argument = code(value === undefined ? flag : `${flag} ${value}`);
    steps.push(NEWER_FLAGS.has(flag) ? { argument, needs: code(flag) } : { argument });
  };
  for (const option of DISTROBOX_OPTIONS) {
    if (!('create' in option)) continue;
    const { flag, form } = option.create;
    if (option.key === 'hostname') {
      const value = box.strings.hostname;
      if (value)
        steps.push({ hostname: { value: word(value), fallback: word([{ literal: '--hostname ' }, ...value]) } });
    } else if (option.type === 'boolean') {
      const value = box.booleans[option.key];
      if (form === 'switch' ? value === true : value === false) add(flag);
    } else if (option.type === 'string') {
      const value = box.strings[option.key];
      if (value) add(flag, word(value));
    } else {
      const items = box.lists[option.key] ?? [];
      if (items.length === 0) continue;
      if (form === 'each') for (const item of items) add(flag, word(item));
      else if (form === 'joined')
        add(flag, word(items.flatMap((item, i) => [...(i ? [{ literal: ' ' }] : []), ...item])));
      else add(flag, word(joinHooks(items)));
    }
  }
  return { name: quote(box.name), replace: code(String(box.booleans.replace ?? false)), steps };
}

/** What runs in a container after it is created: starting it, and exporting apps and bins. */
function afterCase(box: Box) {
  const steps: ShellCode[] = [];
  const exports = (box.lists.exported_apps?.length ?? 0) + (box.lists.exported_bins?.length ?? 0) > 0;
  if (box.booleans.start_now || exports) steps.push(code('true'));
  // assemble exports each space-separated name of an item on its own.
  const names = (items: Value[] = []) => items.flatMap((item) => literalText(item).split(' '));
  for (const app of names(box.lists.exported_apps)) steps.push(code(`distrobox-export --app ${quote(app)}`));
  const exportPath = box.strings.exported_bins_path ? word(box.strings.exported_bins_path) : '"${HOME}"/.local/bin';
  for (const bin of names(box.lists.exported_bins)) {
    steps.push(code(`distrobox-export --bin ${quote(bin)} --export-path ${exportPath}`));
  }
  if (steps.length === 0) return [];
  return [{ name: quote(box.name), enter: code(`${box.booleans.root ? '--root ' : ''}${quote(box.name)}`), steps }];
}

function createUsage(fleet: Fleet): string {
  return [
    'Usage: create.sh [--dry-run] [--replace] [--only NAME]... [create|rm]',
    '',
    ...(fleet.description ? [fleet.description.trim(), ''] : []),
    'Creates (or with rm, removes) the fleet with plain `distrobox create`, for hosts whose',
    'distrobox has no `assemble`. It does what distrobox.ini asks, option for option.',
    'Existing containers are left alone unless --replace or their replace=true.',
    'Templates are created only when named with --only.',
    '',
    ...(fleet.variables.length
      ? [
          'Variables (from the environment, else the default):',
          ...columns(
            fleet.variables.map((v) => [
              `  ${v.name}`,
              v.description ?? '',
              v.default === undefined ? '(required)' : `default: ${v.default}`,
            ]),
          ),
          '',
        ]
      : []),
    'distrobox 1.4 (Debian 12) lacks --nvidia, --unshare-* and --additional-packages: a',
    'container using them stops this script with the reason. --hostname is passed to the',
    'container manager instead when distrobox lacks it.',
    '',
    'Containers:',
    ...columns(fleet.boxes.map((b) => [b.name, `${b.template ? '(template) ' : ''}${b.description ?? ''}`])),
  ].join('\n');
}

/** The names of the boxes that are not templates, as one shell word: what runs by default. */
function activeNames(boxes: Box[]): ShellCode {
  return quote(
    boxes
      .filter((b) => !b.template)
      .map((b) => b.name)
      .join(' '),
  );
}

function backupUsage(kept: Box[]): string {
  return [
    'Usage: backup.sh [--only NAME]... DIR',
    '',
    "Archives each container's declared paths from the home it shares with the host into",
    'DIR/NAME-YYYYMMDD-HHMMSS.tar.gz (never over an archive that exists). Without --only:',
    'every container that declares paths and is not a template. restore.sh puts them back.',
    '',
    'Paths:',
    ...columns(kept.map((b) => [b.name, b.backup.map((path) => `~/${path}`).join(' ')])),
  ].join('\n');
}

/** Every path some container declares for backup, once: all that restore.sh puts back. */
function declaredPaths(kept: Box[]): string[] {
  return [...new Set(kept.flatMap((b) => b.backup))];
}

function restoreUsage(kept: Box[]): string {
  return [
    'Usage: restore.sh [--verify] ARCHIVE...',
    '',
    'Puts back the paths in archives made by backup.sh. Each archive is read whole first;',
    'one that is truncated, or holds a path no container declares, changes nothing. A path',
    'that exists is kept beside, as PATH.before-restore-YYYYMMDD-HHMMSS. With --verify, each',
    'archive is only read and checked, and what it would restore is listed (the yearly check',
    'that backups can be restored); nothing in the home changes.',
    '',
    `Declared paths: ${declaredPaths(kept)
      .map((path) => `~/${path}`)
      .join(' ')}`,
  ].join('\n');
}

function serviceUsage(fleet: Fleet, services: Box[]): string {
  return [
    'Usage: service.sh start|stop|restart|status|logs [-f] [NAME]...',
    '',
    "Starts a container's service in the background (distrobox enter, with the host's nohup),",
    'stops it (TERM, then KILL after 10 seconds), shows whether it runs, or shows its log.',
    'Without NAME: every service of a container that is not a template. Pid files and logs:',
    `\${XDG_STATE_HOME:-~/.local/state}/boxwright/${fleet.id}/.`,
    '',
    ...(serviceUnits(fleet).length
      ? [
          'install [--unit-dir DIR] [-n] [NAME]... puts the services’ systemd user units in',
          '~/.config/systemd/user (they start at login; loginctl enable-linger starts them at boot).',
          '',
        ]
      : []),
    'Services:',
    ...columns(services.map((b) => [b.name, b.service!.command])),
  ].join('\n');
}

/**
 * A container's update steps, run as root after its package upgrade, then the commands that
 * put its held versions back (an update step such as npm update -g moves them).
 */
function updateCase(box: Box): ShellCode[] {
  const commands = [...box.updateHooks, ...box.versions.flatMap((pin) => (pin.install ? [pin.install] : []))];
  if (!commands.length) return [];
  const steps = commands.map((command) => `as_root sh -c ${quote(command)}`).join('\n');
  return [code(`${quote(box.name)}) bw_update_steps=${quote(steps)} ;;`)];
}

/**
 * A container's versions, as the KIND COMMAND VERSION triples bw_check_pins takes: pin (held,
 * or pinned), noted (only checked).
 */
function pinsCase(box: Box): ShellCode[] {
  if (!box.versions.length) return [];
  const pins = box.versions.map((pin) => `${pin.why ? 'noted' : 'pin'} ${pin.command} ${pin.version}`).join(' ');
  return [code(`${quote(box.name)}) bw_pins=${quote(pins)} ;;`)];
}

/** The fleet's variables, each its default when unset, or an error when it has none. */
function variableLines(fleet: Fleet): ShellCode[] {
  return fleet.variables.map((v) =>
    code(
      v.default !== undefined
        ? `: "\${${v.name}:=${v.default}}"`
        : `[ -n "\${${v.name}+set}" ] || die ${quote(`${v.name} is not set (a variable of this fleet${v.description ? `: ${v.description}` : ''})`)}`,
    ),
  );
}

function cleanupUsage(fleet: Fleet): string {
  const cleanup = fleet.cleanup!;
  return [
    'Usage: cleanup.sh [--prune] [--keep N] [--only NAME]...',
    '       cleanup.sh snapshot [--only NAME]...',
    '',
    "Lists what the fleet no longer uses, as the seed's quarterly review: the snapshots of each",
    `container older than the newest ${cleanup.keepSnapshots} (--keep N), and the old versions of the fleet's`,
    'images that no container uses (podman remembers which image an untagged one was).',
    'With --prune, removes them.',
    '',
    'snapshot takes a snapshot of each container (its commit), named',
    `localhost/${fleet.id}-snapshot-NAME:YYYYMMDD-HHMMSS.`,
    ...(cleanup.every
      ? [
          '',
          `install [--unit-dir DIR] [-n] puts the timer that runs cleanup.sh --prune (${cleanup.every}) and its`,
          'service in ~/.config/systemd/user.',
        ]
      : []),
  ].join('\n');
}

function updateUsage(fleet: Fleet): string {
  return [
    'Usage: update.sh [--only NAME]... | --all',
    '',
    'Upgrades every container (not the templates) with its own package manager: dnf, apt,',
    'pacman, zypper or apk, found inside the container, then runs its update steps as root',
    'and checks its pinned versions. Goes on past a failing container, prints a summary, and',
    'exits non-zero when any failed. With --all, also the boxes `distrobox list` shows that',
    'this fleet does not name (their packages only).',
    ...(fleet.updateEvery
      ? [
          '',
          `install [--unit-dir DIR] [-n] puts the timer that runs update.sh --all (${fleet.updateEvery}) and its`,
          'service in ~/.config/systemd/user.',
        ]
      : []),
    '',
    `Containers: ${fleet.boxes
      .filter((b) => !b.template)
      .map((b) => b.name)
      .join(', ')}`,
  ].join('\n');
}

/** The option table for people (README), made from the table create.sh and the model use. */
export function distroboxOptionsTable(): string[] {
  return markdownTable(['Key', 'distrobox create', 'Since', 'On distrobox 1.4', 'Host shell sees it'], optionRows());
}
