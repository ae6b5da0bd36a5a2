// Every key of a distrobox assemble manifest that boxwright writes, in one table: its type,
// how `distrobox create` takes it, the distrobox version that added that flag, and whether
// create.sh can do it on distrobox 1.4 (Debian 12). The model's key lists, the ini writer,
// create.sh's flags and the README's table are all made from it; a test checks that the
// schema describes the same keys. Versions are from distrobox's own history: 1.4.2.1 has no
// assemble; 1.5.0 added it with --nvidia, --additional-packages and --unshare-ipc/netns;
// 1.6.0 the other --unshare-* flags; 1.7.0 --hostname.

export type OptionType = 'boolean' | 'string' | 'list';

/**
 * How distrobox's create step carries a text value into the command line it evaluates with
 * the host shell (`eval ${cmd}`, after splitting and globbing it), in 1.4 and 1.8 alike:
 * - `word`: pasted unquoted, as one shell word (image, --volume...);
 * - `words`: pasted unquoted, as words split at spaces (additional flags and packages,
 *   exported apps and bins, which assemble splits at spaces too);
 * - `double-quoted`: pasted between double quotes (--pre-init-hooks);
 * - `quoted-if-spaced`: assemble pastes it unquoted unless it holds a space, then between
 *   double quotes; create between double quotes (--home);
 * - `hooks`: joined with the other hooks and pasted between single quotes (init hooks),
 *   after assemble 1.8 carried them base64-encoded and pasted them between double quotes,
 *   or single quotes when they hold a double quote.
 */
export type Carried = 'word' | 'words' | 'double-quoted' | 'quoted-if-spaced' | 'hooks';

/**
 * How `distrobox create` takes a key: one flag with the value (`value`), a switch set when
 * true (`switch`) or when false (`negated`), one flag per list item (`each`), one flag with
 * the items joined by spaces (`joined`), or assemble's hook joining (`hooks`). Keys without
 * a create flag are carried out by create.sh itself (see `by`).
 */
export type CreateForm = 'value' | 'switch' | 'negated' | 'each' | 'joined' | 'hooks';

export interface DistroboxOption {
  key: string;
  type: OptionType;
  /** A host path, where a leading ~ is the host user's home. */
  path?: boolean;
  /** How a text value reaches the host shell's `eval` (see Carried); booleans never do. */
  carried?: Carried;
  create?: { flag: string; form: CreateForm };
  /** What create.sh does for a key that is no create flag. */
  by?: string;
  /** The distrobox version whose create (or assemble) first takes it. */
  since: string;
  /** Whether create.sh can carry it out with distrobox 1.4. */
  onDistrobox14: 'yes' | 'no' | 'through --additional-flags';
}

export const DISTROBOX_OPTIONS = [
  {
    key: 'image',
    type: 'string',
    carried: 'word',
    create: { flag: '--image', form: 'value' },
    since: '1.4',
    onDistrobox14: 'yes',
  },
  {
    key: 'clone',
    type: 'string',
    carried: 'word',
    create: { flag: '--clone', form: 'value' },
    since: '1.4',
    onDistrobox14: 'yes',
  },
  { key: 'root', type: 'boolean', create: { flag: '--root', form: 'switch' }, since: '1.4', onDistrobox14: 'yes' },
  {
    key: 'home',
    type: 'string',
    carried: 'quoted-if-spaced',
    path: true,
    create: { flag: '--home', form: 'value' },
    since: '1.4',
    onDistrobox14: 'yes',
  },
  {
    key: 'hostname',
    type: 'string',
    carried: 'word',
    create: { flag: '--hostname', form: 'value' },
    since: '1.7.0',
    onDistrobox14: 'through --additional-flags',
  },
  { key: 'init', type: 'boolean', create: { flag: '--init', form: 'switch' }, since: '1.4', onDistrobox14: 'yes' },
  { key: 'nvidia', type: 'boolean', create: { flag: '--nvidia', form: 'switch' }, since: '1.5.0', onDistrobox14: 'no' },
  { key: 'pull', type: 'boolean', create: { flag: '--pull', form: 'switch' }, since: '1.4', onDistrobox14: 'yes' },
  {
    key: 'unshare_ipc',
    type: 'boolean',
    create: { flag: '--unshare-ipc', form: 'switch' },
    since: '1.5.0',
    onDistrobox14: 'no',
  },
  {
    key: 'unshare_netns',
    type: 'boolean',
    create: { flag: '--unshare-netns', form: 'switch' },
    since: '1.5.0',
    onDistrobox14: 'no',
  },
  {
    key: 'unshare_process',
    type: 'boolean',
    create: { flag: '--unshare-process', form: 'switch' },
    since: '1.6.0',
    onDistrobox14: 'no',
  },
  {
    key: 'unshare_devsys',
    type: 'boolean',
    create: { flag: '--unshare-devsys', form: 'switch' },
    since: '1.6.0',
    onDistrobox14: 'no',
  },
  {
    key: 'unshare_all',
    type: 'boolean',
    create: { flag: '--unshare-all', form: 'switch' },
    since: '1.6.0',
    onDistrobox14: 'no',
  },
  {
    key: 'entry',
    type: 'boolean',
    create: { flag: '--no-entry', form: 'negated' },
    since: '1.4',
    onDistrobox14: 'yes',
  },
  {
    key: 'additional_packages',
    type: 'list',
    carried: 'words',
    create: { flag: '--additional-packages', form: 'joined' },
    since: '1.5.0',
    onDistrobox14: 'no',
  },
  {
    key: 'volume',
    type: 'list',
    carried: 'word',
    path: true,
    create: { flag: '--volume', form: 'each' },
    since: '1.4',
    onDistrobox14: 'yes',
  },
  {
    key: 'additional_flags',
    type: 'list',
    carried: 'words',
    create: { flag: '--additional-flags', form: 'each' },
    since: '1.4',
    onDistrobox14: 'yes',
  },
  {
    key: 'init_hooks',
    type: 'list',
    carried: 'hooks',
    create: { flag: '--init-hooks', form: 'hooks' },
    since: '1.4',
    onDistrobox14: 'yes',
  },
  {
    key: 'pre_init_hooks',
    type: 'list',
    carried: 'double-quoted',
    create: { flag: '--pre-init-hooks', form: 'hooks' },
    since: '1.4',
    onDistrobox14: 'yes',
  },
  {
    key: 'replace',
    type: 'boolean',
    by: 'removes the container first (distrobox rm --force)',
    since: '1.5.0',
    onDistrobox14: 'yes',
  },
  {
    key: 'start_now',
    type: 'boolean',
    by: 'starts it right after (distrobox enter NAME -- true)',
    since: '1.5.0',
    onDistrobox14: 'yes',
  },
  {
    key: 'exported_apps',
    type: 'list',
    carried: 'words',
    by: 'distrobox-export --app, inside the container',
    since: '1.5.0',
    onDistrobox14: 'yes',
  },
  {
    key: 'exported_bins',
    type: 'list',
    carried: 'words',
    by: 'distrobox-export --bin, inside the container',
    since: '1.5.0',
    onDistrobox14: 'yes',
  },
  {
    key: 'exported_bins_path',
    type: 'string',
    carried: 'word',
    path: true,
    by: "distrobox-export's --export-path",
    since: '1.5.0',
    onDistrobox14: 'yes',
  },
] as const satisfies readonly DistroboxOption[];

type Option = (typeof DISTROBOX_OPTIONS)[number];
type KeyOf<T extends OptionType> = Extract<Option, { type: T }>['key'];

function keysOf<T extends OptionType>(type: T): KeyOf<T>[] {
  return DISTROBOX_OPTIONS.filter((o) => o.type === type).map((o) => o.key as KeyOf<T>);
}

export const BOOLEAN_KEYS = keysOf('boolean');
export const STRING_KEYS = keysOf('string');
export const LIST_KEYS = keysOf('list');
export type BooleanKey = KeyOf<'boolean'>;
export type StringKey = KeyOf<'string'>;
export type ListKey = KeyOf<'list'>;

/** Keys whose values are host paths, where a leading ~ means the host user's home. */
export const PATH_KEYS: ReadonlySet<string> = new Set(
  DISTROBOX_OPTIONS.filter((o) => 'path' in o && o.path).map((o) => o.key),
);

/** How each text key reaches the host shell's `eval`, by key. */
export const CARRIED: ReadonlyMap<string, Carried> = new Map(
  DISTROBOX_OPTIONS.flatMap((o) => ('carried' in o ? [[o.key, o.carried] as const] : [])),
);

/** Flags distrobox 1.4 does not have and nothing stands in for; create.sh stops on them. */
export const NEWER_FLAGS: ReadonlySet<string> = new Set(
  DISTROBOX_OPTIONS.flatMap((o) => ('create' in o && o.onDistrobox14 === 'no' ? [o.create.flag] : [])),
);

const CARRIED_WORDS: Record<Carried, string> = {
  word: 'one unquoted word',
  words: 'unquoted words',
  'double-quoted': 'between double quotes',
  'quoted-if-spaced': 'one unquoted word, or between double quotes if it has a space',
  hooks: 'between single quotes',
};

/** The table as rows for people: key, distrobox create flag, since, on distrobox 1.4, shell. */
export function optionRows(): string[][] {
  return DISTROBOX_OPTIONS.map((o) => [
    o.key,
    'create' in o ? `${o.create.form === 'negated' ? `${o.create.flag} (when false)` : o.create.flag}` : o.by,
    o.since,
    o.onDistrobox14,
    'carried' in o ? CARRIED_WORDS[o.carried] : '-',
  ]);
}
