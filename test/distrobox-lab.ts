// A lab for the vendored distrobox scripts (test/vendor/distrobox/): assemble and create
// 1.8.2.5 and create 1.4.2.1 beside stub podman and distrobox commands that record the argv
// they receive, run in dash. Shared by the carry tests and the importer's round trips.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { ROOT, which } from './helpers.ts';

const VENDOR = join(ROOT, 'test/vendor/distrobox');
export const DASH = which('dash');

const STUB = '#!/bin/sh\n';
const RECORD = `#!/bin/sh\nprintf '%s\\0' "\${0##*/}" "$@" >>"$BW_RECORD"\nprintf '\\n\\0' >>"$BW_RECORD"\n`;
const PODMAN = `#!/bin/sh
case "$1 $2" in
  'inspect --type') [ "$3" = image ] && exit 0; exit 1 ;;
  'container inspect') exit 1 ;;
esac
[ "$1" = create ] || exit 0
printf '%s\\0' podman "$@" >>"$BW_RECORD"
printf '\\n\\0' >>"$BW_RECORD"
`;

/**
 * A folder with the vendored distrobox scripts beside stubs: `18/` runs assemble and create
 * 1.8.2.5; `bin/distrobox` answers create.sh with create 1.4.2.1, which refuses root, so it
 * runs as nobody when the tests run as root.
 */
export function lab(dir: string): string {
  const write = (path: string, text: string) => {
    writeFileSync(join(dir, path), text);
    chmodSync(join(dir, path), 0o755);
  };
  for (const folder of ['18', '14', 'bin', 'home', 'cwd']) mkdirSync(join(dir, folder), { recursive: true });
  for (const version of ['18', '14']) {
    for (const name of ['distrobox-init', 'distrobox-export', 'distrobox-generate-entry', 'distrobox-host-exec'])
      write(`${version}/${name}`, STUB);
    write(`${version}/distrobox-list`, STUB);
    write(`${version}/distrobox`, RECORD);
  }
  for (const name of ['distrobox-assemble', 'distrobox-create']) {
    copyFileSync(join(VENDOR, '1.8.2.5', name), join(dir, '18', name));
    chmodSync(join(dir, '18', name), 0o755);
  }
  copyFileSync(join(VENDOR, '1.4.2.1/distrobox-create'), join(dir, '14/distrobox-create'));
  const asUser = process.getuid?.() === 0 ? `${which('setpriv')} --reuid=65534 --regid=65534 --clear-groups ` : '';
  write(
    'bin/distrobox',
    `#!/bin/sh
case $1 in
  version) echo 'distrobox: 1.4.2.1' ;;
  list) ;;
  create) shift; exec ${asUser}${DASH} "${join(dir, '14/distrobox-create')}" "$@" ;;
  *) exec "${join(dir, '14/distrobox')}" "$@" ;;
esac
`,
  );
  write('bin/podman', PODMAN);
  chmodSync(dir, 0o755);
  for (const folder of ['home', 'cwd']) chmodSync(join(dir, folder), 0o777);
  return dir;
}

/** Runs `command` in dash within the lab; returns the argv of every recorded command. */
export function recorded(
  labDir: string,
  command: string[],
  tag: string,
  input: string,
  extraEnv: Record<string, string> = {},
): string[][] {
  const record = join(labDir, `record-${tag}`);
  writeFileSync(record, '');
  chmodSync(record, 0o666);
  const result = spawnSync(DASH, command, {
    cwd: join(labDir, 'cwd'),
    encoding: 'utf8',
    env: {
      PATH: `${join(labDir, 'bin')}:/usr/bin:/bin`,
      HOME: join(labDir, 'home'),
      USER: 'tester',
      LANG: 'C.UTF-8',
      BW_RECORD: record,
      DBX_CONTAINER_MANAGER: 'podman',
      DBX_NON_INTERACTIVE: '1',
      ...extraEnv,
    },
  });
  assert.is(result.status, 0, `${command.join(' ')}: ${result.stderr}\n${readFileSync(input, 'utf8')}`);
  const fields = readFileSync(record, 'utf8').split('\0');
  const commands: string[][] = [[]];
  for (const field of fields.slice(0, -1))
    if (field === '\n') commands.push([]);
    else commands.at(-1)!.push(field);
  return commands.filter((c) => c.length > 0);
}

/** `distrobox assemble create` 1.8.2.5 on a manifest: the commands it ran. */
export function assemble(labDir: string, manifest: string, extraEnv: Record<string, string> = {}): string[][] {
  return recorded(
    labDir,
    [join(labDir, '18/distrobox-assemble'), 'create', '--file', manifest],
    '18',
    manifest,
    extraEnv,
  );
}
