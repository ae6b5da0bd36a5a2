// Imports a Quadlet .container unit as an environment config. Each [Container] key becomes
// the run option Quadlet itself makes of it (podman 4.9's podman-systemd.unit(5)); the run
// options then become config keys through the key table, as runArgs do, and those boxwright
// has no key for go on as extraArgs. systemd's ${NAME} (with [Service] Environment= values as
// defaults) become declared variables, %h the home folder, a relative path the unit's
// folder's. A key that cannot be carried is refused with its name.
import { project, schemaReference } from '../project.ts';
import { basename, dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { readOption, rowOfFlag, takesValue } from '../keys/options.ts';
import { devicesRunArg } from '../keys/coded.ts';
import { parseUnitFile, splitUnitWords, UnitSyntaxError, type UnitEntry } from '../unit/syntax.ts';
import type { Imported } from './distrobox.ts';
import { emptyRemarks, type JsonValue, remark } from './jsonc.ts';
import { placedPath, type Place } from './paths.ts';
import { publishedPort } from './ports.ts';
import { HANDLED, LONG, REFUSED, SIMPLE, SPECIFIERS, SWITCHES, yes } from './quadlet-keys.ts';

type Obj = { [key: string]: JsonValue };

export function importQuadlet(text: string, source: string, place: Place): Imported {
  let entries: UnitEntry[];
  try {
    entries = parseUnitFile(text);
  } catch (error) {
    if (error instanceof UnitSyntaxError) throw new Error(`line ${error.line}: ${error.message}`);
    throw error;
  }
  const remarks = emptyRemarks();
  const unit = basename(place.file).replace(/\.container$/, '');
  const reader = new UnitReader(entries, place, unit, (key, why) => remark(remarks.left, '', `${key}: ${why}`));
  const config = reader.read();
  remark(remarks.above, '/kind', `Imported from ${source} by ${project().import}.`);
  return { config, remarks };
}

class UnitReader {
  private readonly config: Obj = { $schema: schemaReference('environment'), kind: 'environment' };
  private readonly variables: Obj = {};
  private readonly serviceEnv = new Map<string, string>();
  private readonly args: string[] = [];
  private readonly env: Obj = {};
  private readonly mounts: JsonValue[] = [];
  private readonly ports: JsonValue[] = [];
  private readonly extra: string[] = [];

  constructor(
    private readonly entries: UnitEntry[],
    private readonly place: Place,
    private readonly unit: string,
    private readonly drop: (key: string, why: string) => void,
  ) {
    for (const entry of entries.filter((e) => e.section === 'Service' && e.key === 'Environment'))
      for (const word of splitUnitWords(entry.value)) {
        const at = word.indexOf('=');
        if (at > 0) this.serviceEnv.set(word.slice(0, at), word.slice(at + 1));
      }
  }

  read(): Obj {
    const container = this.entries.filter((e) => e.section === 'Container');
    const image = this.last(container, 'Image');
    if (image === undefined) throw new Error('[Container] has no Image= (Rootfs= is not imported)');
    if (image.endsWith('.image') || image.endsWith('.build'))
      throw new Error(
        `line ${this.lineOf(container, 'Image')}: Image=${image} names a Quadlet image unit, which is not imported`,
      );
    const description = this.entries.find((e) => e.section === 'Unit' && e.key === 'Description');
    if (description) this.config.description = description.value;
    this.config.image = this.template(image, 'Image') ?? image;
    this.config.name =
      this.template(this.last(container, 'ContainerName') ?? `systemd-${this.unit}`, 'ContainerName') ?? '';
    this.config.detach = true;
    this.config.remove = false;
    for (const entry of container) this.key(entry);
    this.user(container);
    this.service();
    this.runArgs();
    this.finish(container);
    return this.config;
  }

  private last(entries: UnitEntry[], key: string): string | undefined {
    return entries.filter((e) => e.key === key).at(-1)?.value;
  }

  private lineOf(entries: UnitEntry[], key: string): number {
    return entries.filter((e) => e.key === key).at(-1)?.line ?? 0;
  }

  /** One [Container] key, as the run options Quadlet makes of it. */
  private key(entry: UnitEntry): void {
    const { key, value } = entry;
    const simple = SIMPLE[key];
    if (simple) {
      // Quadlet passes a boolean that is set either way: --flag, or --flag=false.
      if (simple.bool) this.args.push(yes(value) ? simple.flag : `${simple.flag}=false`);
      else for (const word of simple.words ? splitUnitWords(value) : [value]) this.args.push(simple.flag, word);
      return;
    }
    if (key in REFUSED) {
      this.drop(`${key}=${value}`, REFUSED[key]!);
      return;
    }
    if (!HANDLED.has(key)) {
      this.drop(`${key}=${value} (line ${entry.line})`, 'not a key of Quadlet 4.9’s [Container]');
      return;
    }
    this.handled(entry);
  }

  private handled({ key, value }: UnitEntry): void {
    const words = () => splitUnitWords(value);
    const security = (option: string) => this.args.push('--security-opt', option);
    switch (key) {
      case 'Environment':
        for (const word of words()) this.args.push('--env', word);
        return;
      case 'EnvironmentFile':
        this.args.push('--env-file', this.path(value));
        return;
      case 'Volume':
        this.volume(value);
        return;
      case 'Network':
        this.network(value);
        return;
      case 'AddDevice':
        for (const word of words()) this.device(word);
        return;
      case 'Secret':
        this.args.push('--secret', words().join(' '));
        return;
      case 'PodmanArgs':
        this.args.push(...words());
        return;
      case 'NoNewPrivileges':
        if (yes(value)) security('no-new-privileges');
        return;
      case 'SeccompProfile':
        security(`seccomp=${value}`);
        return;
      case 'SecurityLabelDisable':
        if (yes(value)) security('label:disable');
        return;
      case 'SecurityLabelNested':
        if (yes(value)) security('label:nested');
        return;
      case 'SecurityLabelFileType':
      case 'SecurityLabelLevel':
      case 'SecurityLabelType':
        security(`label=${key.slice('SecurityLabel'.length).toLowerCase()}:${value}`);
        return;
      case 'Mask':
      case 'Unmask':
        for (const path of words()) security(`${key.toLowerCase()}=${path}`);
        return;
      case 'VolatileTmp':
        // A read-only container's /tmp is podman's own tmpfs already (--read-only-tmpfs).
        if (yes(value) && !this.entries.some((e) => e.section === 'Container' && e.key === 'ReadOnly' && yes(e.value)))
          this.args.push('--tmpfs', '/tmp:rw,size=512M,mode=1777');
        return;
      case 'RemapUsers':
        this.remap(value);
        return;
      case 'RemapUid':
      case 'RemapGid':
      case 'RemapUidSize':
        return;
      case 'AutoUpdate':
        this.args.push('--label', `io.containers.autoupdate=${value}`);
        return;
      case 'LogOpt':
        for (const word of words()) this.args.push('--log-opt', word);
        return;
    }
  }

  /** RemapUsers= (Quadlet 4.9 still reads it) as the --userns, --uidmap and --gidmap it makes. */
  private remap(mode: string): void {
    const container = this.entries.filter((e) => e.section === 'Container');
    const all = (key: string) => container.filter((e) => e.key === key).flatMap((e) => splitUnitWords(e.value));
    const uids = all('RemapUid');
    const gids = all('RemapGid');
    if (mode === 'manual') {
      for (const uid of uids) this.args.push(`--uidmap=${uid}`);
      for (const gid of gids) this.args.push(`--gidmap=${gid}`);
    } else if (mode === 'auto') {
      const size = this.last(container, 'RemapUidSize');
      const options = [
        ...uids.map((u) => `uidmapping=${u}`),
        ...gids.map((g) => `gidmapping=${g}`),
        ...(size ? [`size=${size}`] : []),
      ];
      this.args.push(`--userns=auto${options.length ? `:${options.join(',')}` : ''}`);
    } else if (mode === 'keep-id') {
      const options = [...(uids[0] ? [`uid=${uids[0]}`] : []), ...(gids[0] ? [`gid=${gids[0]}`] : [])];
      this.args.push(`--userns=keep-id${options.length ? `:${options.join(',')}` : ''}`);
    } else this.drop(`RemapUsers=${mode}`, 'Quadlet reads manual, auto or keep-id');
  }

  /** Volume=SOURCE:TARGET[:OPTIONS]: a .volume unit is its volume, a . path the unit's folder's. */
  private volume(value: string): void {
    const [source, ...rest] = value.split(':');
    if (rest.length === 0) {
      this.args.push('--volume', value);
      return;
    }
    let spec = source!;
    if (spec.endsWith('.volume')) spec = this.resourceName(spec, 'Volume', 'VolumeName');
    else if (spec.startsWith('.')) spec = this.path(spec);
    this.args.push('--volume', [spec, ...rest].join(':'));
  }

  /** Network=NAME[.network][:OPTIONS]: a .network unit is a network that up creates. */
  private network(value: string): void {
    const [name, options] = value.split(/:(.*)/s);
    if (name!.endsWith('.network')) {
      const created = this.resourceName(name!, 'Network', 'NetworkName');
      this.config.network = { name: created, create: true };
      if (options) this.args.push('--network', `${created}:${options}`);
      return;
    }
    this.args.push('--network', value);
  }

  /** The name of a .volume or .network unit's resource: its own key, else systemd-NAME. */
  private resourceName(file: string, section: string, key: string): string {
    const base = file.replace(/\.(volume|network)$/, '');
    try {
      const text = readFileSync(join(dirname(this.place.file), file), 'utf8');
      const named = parseUnitFile(text)
        .filter((e) => e.section === section && e.key === key)
        .at(-1);
      if (named?.value) return named.value;
    } catch {
      // A unit that is not beside it: Quadlet's default name, as for one without the key.
    }
    return `systemd-${base}`;
  }

  /** A path relative to the unit's folder, as the repository's (./x) or absolute. */
  private path(text: string): string {
    return placedPath(text, this.place);
  }

  private user(container: UnitEntry[]): void {
    const user = this.last(container, 'User');
    const group = this.last(container, 'Group');
    if (user === undefined && group === undefined) return;
    if (user === undefined) {
      this.drop(`Group=${group}`, 'a group without User= has no boxwright key');
      return;
    }
    this.config.user = this.template(group ? `${user}:${group}` : user, 'User') ?? user;
  }

  /** [Service] Restart= as the restart policy; TimeoutStopSec= as the stop timeout. */
  private service(): void {
    const service = this.entries.filter((e) => e.section === 'Service');
    const restart = this.last(service, 'Restart');
    if (restart !== undefined) {
      const policy: Record<string, string> = { no: 'no', always: 'always', 'on-failure': 'on-failure' };
      if (restart in policy) this.config.restart = policy[restart]!;
      else this.drop(`Restart=${restart}`, 'podman restarts a container always, on failure or never');
    }
    const stop = this.last(service, 'TimeoutStopSec');
    if (stop !== undefined && /^\d+$/.test(stop) && !this.args.includes('--stop-timeout'))
      this.config.stopTimeout = Number(stop);
  }

  /** The run options, read back through the key table; the rest go on as extraArgs. */
  private runArgs(): void {
    const args = this.args;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      const [flag, inline] =
        arg.startsWith('--') && arg.includes('=')
          ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
          : [arg, undefined];
      const takes = () => inline ?? args[++i] ?? '';
      if (this.readFlag(flag, takes)) continue;
      const row = rowOfFlag(flag);
      if (row) {
        const raw = takesValue(row) ? takes() : undefined;
        const expands = raw !== undefined && (row.model === 'template' || row.model === 'map');
        // A key that expands takes systemd's variables as boxwright's; another, the text systemd gives.
        const carried =
          raw === undefined ? undefined : expands ? this.template(raw, flag) : this.systemdText(raw, flag);
        if (raw === undefined || carried !== undefined) readOption(this.config, row, carried);
        continue;
      }
      const value =
        flag.startsWith('-') &&
        inline === undefined &&
        args[i + 1] !== undefined &&
        !args[i + 1]!.startsWith('-') &&
        !SWITCHES.has(flag)
          ? args[++i]
          : undefined;
      for (const word of value === undefined ? [arg] : [arg, value]) {
        const carried = this.template(word, flag);
        if (carried !== undefined) this.extra.push(carried);
      }
    }
  }

  /** The run options that need code: env, volumes, ports, devices, networks, the command's. */
  private readFlag(flag: string, takes: () => string): boolean {
    switch (LONG[flag] ?? flag) {
      case '--env': {
        const text = takes();
        const at = text.indexOf('=');
        if (at < 0) this.extra.push('--env', text);
        else {
          const value = this.template(text.slice(at + 1), `Environment=${text}`);
          if (value !== undefined) this.env[text.slice(0, at)] = value;
        }
        return true;
      }
      case '--volume':
        this.mount(takes());
        return true;
      case '--publish': {
        // Every address is what no address means: Quadlet drops 0.0.0.0 too.
        const spec = takes().replace(/^(0\.0\.0\.0)?:(?=\d)/, '');
        const port = publishedPort(spec);
        if (port !== undefined) this.ports.push(port);
        else this.extra.push('--publish', spec);
        return true;
      }
      case '--device':
        this.device(takes());
        return true;
      case '--network':
        this.config.network = { ...((this.config.network as Obj) ?? {}), name: takes() };
        return true;
      case '--network-alias': {
        const network = (this.config.network ?? { name: 'podman' }) as Obj;
        network.aliases = [...((network.aliases as JsonValue[]) ?? []), takes()];
        this.config.network = network;
        return true;
      }
      case '--entrypoint':
        this.config.imageEntrypoint = [takes()];
        return true;
      case '--user':
        this.config.user = takes();
        return true;
      case '--secret':
        this.secret(takes());
        return true;
    }
    return false;
  }

  /** A device: PATH[:TARGET] is a config's (optional when Quadlet's starts with -), permissions are run flags. */
  private device(spec: string): void {
    const optional = spec.startsWith('-');
    const text = optional ? spec.slice(1) : spec;
    const [, target, permissions] = text.split(':');
    if (permissions !== undefined || (target !== undefined && !target.startsWith('/'))) {
      if (optional) this.drop(`AddDevice=${spec}`, 'an optional device with permissions has no boxwright key');
      else this.extra.push('--device', text);
      return;
    }
    devicesRunArg(this.config, text, optional);
  }

  private mount(text: string): void {
    const [source, target, options] = text.split(':');
    if (target === undefined) {
      this.extra.push('--volume', text);
      return;
    }
    const src = this.template(source!, `Volume=${text}`);
    if (src === undefined) return;
    const flags = options?.split(',') ?? [];
    const rest = flags.filter((f) => f !== 'ro');
    this.mounts.push({
      ...(src.startsWith('/') || src.startsWith('.') || src.startsWith('~') || src.startsWith('$')
        ? {}
        : { type: 'volume' }),
      source: src,
      target,
      ...(flags.includes('ro') ? { readOnly: true } : {}),
      ...(rest.length ? { options: rest } : {}),
    });
  }

  /** A podman secret as a variable of the container's is one of boxwright's, made by name. */
  private secret(spec: string): void {
    const [name, ...fields] = spec.split(',');
    const options = Object.fromEntries(fields.map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)]));
    const own = `${String(this.config.name)}-`;
    if (name!.startsWith(own) && options.type === 'env' && options.target === name!.slice(own.length)) {
      this.config.secrets = { ...((this.config.secrets as Obj) ?? {}), [options.target]: { required: true } };
      return;
    }
    this.extra.push('--secret', spec);
  }

  private finish(container: UnitEntry[]): void {
    const exec = this.last(container, 'Exec');
    if (exec !== undefined) {
      const words = splitUnitWords(exec).map((word) => this.systemdText(word, 'Exec'));
      if (words.every((w) => w !== undefined)) this.config.command = words as string[];
    }
    if (Object.keys(this.env).length) this.config.env = this.env;
    if (this.mounts.length) this.config.mounts = this.mounts;
    if (this.ports.length) this.config.ports = this.ports;
    if (this.extra.length) this.config.extraArgs = this.extra;
    if (Object.keys(this.variables).length) this.config.variables = this.variables;
  }

  /**
   * A value as systemd gives it to podman, as a boxwright template: $$ is $ (written $$),
   * ${NAME} a declared variable (its [Service] Environment= value its default), %% is %, %h
   * the home folder, %N and %n the unit's name; another specifier has no boxwright value.
   */
  private template(text: string, key: string): string | undefined {
    let failed = false;
    const out = text.replace(
      /%(.)|\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$/g,
      (whole, specifier?: string, name?: string) => {
        if (specifier !== undefined) {
          const value = SPECIFIERS[specifier]?.(this.unit);
          if (value === undefined) failed = true;
          return value ?? whole;
        }
        if (whole === '$$' || whole === '$') return '$$';
        const given = this.serviceEnv.get(name!);
        this.variables[name!] = given === undefined ? { required: true } : { default: given.replaceAll('$', '$$$$') };
        return `\${${name}}`;
      },
    );
    if (failed) {
      this.drop(`${key}`, `${text} has a systemd specifier that has no boxwright value`);
      return undefined;
    }
    return out;
  }

  /** A command's word: systemd's expansions as the text they give (no variables). */
  private systemdText(text: string, key: string): string | undefined {
    const template = this.template(text, key);
    if (template === undefined) return undefined;
    if (/\$\{/.test(template.replaceAll('$$', ''))) {
      this.drop(key, `${text} uses a variable, which the container's command cannot`);
      return undefined;
    }
    return template.replaceAll('$$', '$');
  }
}
