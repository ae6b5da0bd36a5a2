// The entrypoint target: an Environment's startup phases become generated/<id>/entrypoint.sh,
// run inside the container. Each phase's lines come from the function named after it.
import { shortDigest } from '../digest.ts';
import { header } from '../header.ts';
import { CONTAINER_DIR, type Environment, type Secret } from '../model/environment.ts';
import type { Credential, HookCommand, Startup, User, UserId } from '../model/startup.ts';
import type { GeneratedFile } from '../output.ts';
import { renderSnippet, renderTemplate } from '../render.ts';
import { imageUserHomes } from './supervisord.ts';
import { code, comment, insideDoubleQuotes, quote, shellName, type ShellCode } from '../shell/quote.ts';

export function renderEntrypoint(env: Environment, startup: Startup): GeneratedFile {
  const fixLines = [...volumesInHomes(env, startup), ...permissions(startup)];
  const hasPasswords = startup.users.some((u) => u.passwordSecret);
  const view = {
    header: header(env.source, 'hash', `Container entrypoint for ${env.id}`),
    has_users: startup.users.length > 0,
    image_users: startup.users.some((u) => u.uid === 'image'),
    host_users: startup.users.some((u) => u.uid === 'host'),
    has_credentials: startup.credentials.length > 0,
    has_switch_helpers: switchHelpers(startup).size > 0,
    has_passwords: hasPasswords,
    touches_paths:
      startup.directories.length > 0 ||
      startup.users.length > 0 ||
      startup.credentials.length > 0 ||
      startup.ssh !== undefined ||
      fixLines.length > 0,
    needs_newline: startup.credentials.length > 0 || hasPasswords,
    secret_checks: secretChecks(startup),
    directories: directories(startup),
    user_lines: users(startup),
    credential_lines: credentials(startup, env.secrets),
    ssh: startup.ssh && {
      from: quote(startup.ssh.from),
      dir: quote(`${startup.ssh.owner.home}/.ssh`),
      owner: quote(`${startup.ssh.owner.name}:${startup.ssh.owner.group}`),
      user: quote(startup.ssh.owner.name),
      host_keys: startup.ssh.hostKeys,
    },
    fix_lines: fixLines,
    hook_lines: hooks(startup),
    once_hooks: startup.hooks.some((hook) => hook.when === 'create'),
    // Without runAs, the launcher names the user: the config's user, else the image's USER.
    run_as: startup.runAs ? quote(startup.runAs.name) : code('"${BOXWRIGHT_USER:-root}"'),
    supervisord: env.services.length > 0 && {
      supervisord: quote(startup.supervisord),
      conf: quote(`${CONTAINER_DIR}/supervisord.conf`),
      homes: imageUserHomes(env).map(({ user, variable }) => ({ user: quote(user), variable })),
    },
  };
  return { path: `${env.id}/entrypoint.sh`, content: renderTemplate('entrypoint.sh.mustache', view), executable: true };
}

function secretChecks(startup: Startup): ShellCode[] {
  const required = [
    ...new Set(startup.credentials.filter((c) => c.required).flatMap((c) => c.entries.map((e) => e.secret))),
  ];
  const passwords = startup.users.flatMap((u) => (u.passwordSecret ? [u.passwordSecret] : []));
  const names = [...new Set([...required, ...passwords])];
  if (names.length === 0) return [];
  return [
    code('bw_missing='),
    ...names.map((name) => code(`[ -n "\${${shellName(name)}:-}" ] || bw_missing="$bw_missing ${name}"`)),
    code('[ -z "$bw_missing" ] || die "missing required secrets:$bw_missing (nothing was changed)"'),
  ];
}

function directories(startup: Startup): ShellCode[] {
  return startup.directories.map((d) => code(`declared_folder ${quote(d.path)}${d.mode ? ` ${quote(d.mode)}` : ''}`));
}

/** The variables by which launch.sh passes the host user's ids, for uid and gid "host". */
export const HOST_UID = 'BOXWRIGHT_HOST_UID';
export const HOST_GID = 'BOXWRIGHT_HOST_GID';

function idWord(id: UserId, variable: string): string {
  return id === 'host' ? `"\${${variable}:-}"` : String(id);
}

function users(startup: Startup): ShellCode[] {
  // Declared groups and users first, with their fixed ids, so that groups created without an
  // id (supplementary ones) cannot take an id that a declared user needs.
  const lines: ShellCode[] = startup.users.flatMap((user) =>
    user.gid === 'image' ? [] : [code(`ensure_group ${quote(user.group)} ${idWord(user.gid, HOST_GID)}`)],
  );
  for (const user of startup.users) {
    if (user.description) lines.push(comment(`${user.name}: ${user.description}`));
    const rest = [user.group, user.shell, user.home, user.homeMode].map(quote).join(' ');
    if (user.uid === 'image') lines.push(code(`image_user ${quote(user.name)} ${quote(user.home)}`));
    else if (user.uid === 'host')
      lines.push(
        code(`host_user ${quote(user.name)} ${user.gid === 'host' ? `"\${${HOST_GID}:-}"` : user.gid} ${rest}`),
      );
    else lines.push(code(`ensure_user ${quote(user.name)} ${user.uid} ${rest}`));
  }
  for (const user of startup.users) {
    for (const group of user.groups)
      lines.push(code(`ensure_group ${quote(group)}`), code(`ensure_member ${quote(user.name)} ${quote(group)}`));
    if (user.passwordSecret) {
      // chpasswd reads user:password lines: a line break in the secret would set the password
      // of whatever account the next line names.
      lines.push(
        oneLineSecret(
          user.passwordSecret,
          `${user.passwordSecret} contains a line break, which chpasswd would read as another account's password`,
        ),
      );
      lines.push(code(`set_password ${quote(user.name)} "$${shellName(user.passwordSecret)}"`));
    }
    lines.push(code(`set_sudo_rules ${[user.name, ...sudoRules(user)].map(quote).join(' ')}`));
  }
  for (const [command, target] of switchHelpers(startup))
    lines.push(code(`switch_helper ${quote(command)} ${quote(target)}`));
  return lines;
}

/** Stops the entrypoint when a secret that must be one line holds a line break. */
function oneLineSecret(secret: string, reason: string): ShellCode {
  return renderSnippet('one-line-secret', { secret: shellName(secret), reason: quote(reason) });
}

/** The as-NAME commands for every user someone may switch to: `as-gemini` for gemini-user. */
export function switchHelpers(startup: Startup): Map<string, string> {
  const helpers = new Map<string, string>();
  for (const target of startup.users.flatMap((u) => u.canSwitchTo))
    helpers.set(`as-${target.replace(/-user$/, '')}`, target);
  return helpers;
}

function sudoRules(user: User): string[] {
  const rules: string[] = [];
  if (user.sudo === 'nopasswd') rules.push(`${user.name} ALL=(ALL:ALL) NOPASSWD: ALL`);
  if (user.sudo === 'password') rules.push(`${user.name} ALL=(ALL:ALL) ALL`);
  if (user.canSwitchTo.length) rules.push(`${user.name} ALL=(${user.canSwitchTo.join(',')}) NOPASSWD: ALL`);
  return rules;
}

/**
 * Each credential file, written by its owner. One that is not required is written when the
 * required secrets among its values are set and at least one of its values is, as the seed's
 * shell wrote it: an optional one that is not set is an empty value (zai-user's base_url).
 */
function credentials(startup: Startup, declared: readonly Secret[]): ShellCode[] {
  const required = new Set(declared.filter((s) => s.required).map((s) => s.name));
  return startup.credentials.flatMap((credential) => {
    const secrets = credential.entries.map((e) => e.secret);
    const set = (name: string) => `[ -n "\${${shellName(name)}+set}" ]`;
    const requiredHere = secrets.filter((name) => required.has(name));
    const needed = requiredHere.map(set);
    const any = secrets.length > 1 ? `{ ${secrets.map(set).join(' || ')}; }` : set(secrets[0]!);
    const present = [...needed, ...(needed.length ? [] : [any])].join(' && ');
    const write = `write_credential ${[credential.owner.name, credential.owner.group, credential.owner.home, credential.path].map(quote).join(' ')} ${content(credential)}`;
    // A newline inside a value would start a new line of an env file, so it is refused.
    const newlineChecks =
      credential.format === 'env'
        ? credential.entries.map((e) =>
            oneLineSecret(e.secret, `${e.secret} contains a newline, which ${credential.path} cannot hold`),
          )
        : [];
    if (credential.required) return [...newlineChecks, code(write)];
    return [
      ...newlineChecks,
      renderSnippet('optional-credential', {
        present: code(present),
        write: code(write),
        skipping: quote(`skipping ${credential.path}: ${whyNot(requiredHere, secrets)}`),
      }),
    ];
  });
}

/** Why an optional credential file is not written: what is not set. */
function whyNot(required: string[], secrets: string[]): string {
  if (required.length) return `${required.join(', ')} not set`;
  return secrets.length === 1 ? `${secrets[0]} not set` : `none of ${secrets.join(', ')} is set`;
}

/** The file's content as a shell word; secret values are referenced, never written out. */
function content(credential: Credential): ShellCode {
  switch (credential.format) {
    case 'plain':
      return code(`"\${${shellName(credential.entries[0]!.secret)}-}"`);
    case 'env':
      return code(
        `"${credential.entries.map((e) => `${shellName(e.key)}=\${${shellName(e.secret)}-}\${bw_newline}`).join('')}"`,
      );
    case 'json':
      return code(
        `"{${credential.entries
          .map((e, i) => `${i ? ', ' : ''}${jsonKey(e.key)}: $(json_string "\${${shellName(e.secret)}-}")`)
          .join('')}}$bw_newline"`,
      );
  }
}

/** A JSON object key, written inside a double-quoted shell word. */
function jsonKey(key: string): ShellCode {
  return insideDoubleQuotes(JSON.stringify(key));
}

/**
 * Named volumes mounted in a declared user's home belong to that user: a fresh one is root's
 * (or holds the image's files) until the entrypoint hands it over. Host folders (binds) are
 * never touched.
 */
function volumesInHomes(env: Environment, startup: Startup): ShellCode[] {
  return env.mounts.flatMap((mount) => {
    if (mount.type !== 'volume') return [];
    const owner = startup.users.find((u) => mount.targetText.startsWith(`${u.home}/`));
    return owner ? [code(`own_volume ${quote(`${owner.name}:${owner.group}`)} ${quote(mount.targetText)}`)] : [];
  });
}

function permissions(startup: Startup): ShellCode[] {
  const fixes = [
    ...startup.directories
      .filter((d) => d.owner)
      .map((d) => ({ path: d.path, owner: d.owner, mode: undefined, recursive: false })),
    ...startup.permissions,
  ];
  return fixes.flatMap((fix) => {
    const recursive = fix.recursive ? ' -R' : '';
    return [
      ...(fix.owner ? [code(`fix_owner ${quote(fix.owner)} ${quote(fix.path)}${recursive}`)] : []),
      ...(fix.mode ? [code(`fix_mode ${quote(fix.mode)} ${quote(fix.path)}${recursive}`)] : []),
    ];
  });
}

function hooks(startup: Startup): ShellCode[] {
  return startup.hooks.flatMap((hook) => {
    const shown = hook.description ?? showHook(hook.command);
    const argv = hookArgv(hook.command);
    const run = `${quote(hook.user)} ${argv.map((word) => quote(word)).join(' ')}`;
    const marker = shortDigest(JSON.stringify([hook.user, hook.command]));
    return [
      code(`log ${quote(`hook${hook.when === 'create' ? ' (once per container)' : ''}: ${shown}`)}`),
      code(
        hook.when === 'create'
          ? `run_once ${marker} ${run} || die ${quote(`hook failed: ${shown}`)}`
          : `(exec_as ${run}) || die ${quote(`hook failed: ${shown}`)}`,
      ),
    ];
  });
}

function showHook(command: HookCommand): string {
  if (typeof command === 'string') return command;
  return Array.isArray(command) ? command.join(' ') : `in parallel: ${Object.keys(command).join(', ')}`;
}

/**
 * The argv a hook runs as its user: a string is shell code (sh -c); a list runs as it is, as
 * compose's and devcontainer's exec form; named commands start together in one sh, which
 * waits for all of them and fails naming those that failed (devcontainer's object form).
 */
export function hookArgv(command: HookCommand): string[] {
  if (typeof command === 'string') return ['sh', '-c', command];
  if (Array.isArray(command)) return command;
  const entries: [string, string | string[]][] = Object.entries(command);
  const words = (entry: string | string[]) =>
    (typeof entry === 'string' ? ['sh', '-c', entry] : entry).map((word) => quote(word)).join(' ');
  const script = [
    ...entries.map(([, entry], i) => `${words(entry)} & bw_pid_${i}=$!`),
    'bw_failed=',
    ...entries.map(([name], i) => `wait "$bw_pid_${i}" || bw_failed="$bw_failed "${quote(name)}`),
    '[ -z "$bw_failed" ] || { printf \'failed:%s\\n\' "$bw_failed" >&2; exit 1; }',
  ].join('\n');
  return ['sh', '-c', script];
}
