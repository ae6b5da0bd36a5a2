// What runs inside the container: the startup phases of entrypoint.sh, the supervisord
// services and the tmux workspace. Built from a validated environment config, with the
// cross-references the schema cannot check (users, secrets) resolved here.
import type { ProblemList } from '../problems.ts';
import { suggestion } from '../problems.ts';
import { SHELL_NAME, type Locator } from './kernel.ts';
import { supervisorProblem, type SupervisorField } from '../shell/supervisor.ts';

/** A hook's command: shell code, an exec-form list, or named commands run in parallel. */
export type HookCommand = string | string[] | Record<string, string | string[]>;

export interface StartupConfig {
  directories?: { path: string; owner?: string; mode?: string }[];
  users?: Record<string, UserConfig>;
  credentials?: {
    user: string;
    path: string;
    format: CredentialFormat;
    secret?: string;
    values?: Record<string, string>;
    required?: boolean;
  }[];
  ssh?: { user: string; from: string; hostKeys?: boolean };
  permissions?: { path: string; owner?: string; mode?: string; recursive?: boolean }[];
  hooks?: {
    description?: string;
    user?: string;
    command: HookCommand;
    when?: 'create' | 'start';
    lifecycle?: Lifecycle;
  }[];
  runAs?: string;
  supervisord?: string;
}

interface UserConfig {
  uid: UserId;
  gid?: UserId;
  group?: string;
  shell?: string;
  home?: string;
  homeMode?: string;
  groups?: string[];
  sudo?: Sudo;
  passwordSecret?: string;
  canSwitchTo?: string[];
  description?: string;
}

export interface ServiceConfig {
  description?: string;
  command: string;
  user?: string;
  priority?: number;
  autorestart?: boolean | 'unexpected';
  startDelay?: number;
  directory?: string;
  environment?: Record<string, string>;
}

/** A tmux window: its first pane runs `command`; each of `panes` is split off it. */
export interface WorkspaceWindow {
  name: string;
  command?: string;
  panes?: string[];
  layout?: 'even-horizontal' | 'even-vertical' | 'main-horizontal' | 'main-vertical' | 'tiled';
}

export interface WorkspaceConfig {
  session: string;
  user?: string;
  directory?: string;
  windows: WorkspaceWindow[];
}

export type Sudo = 'none' | 'nopasswd' | 'password';
export type CredentialFormat = 'plain' | 'env' | 'json';

/** A number, the image's own (the user exists there), or the host user's (given at start). */
export type UserId = number | 'image' | 'host';

export interface User {
  name: string;
  uid: UserId;
  gid: UserId;
  group: string;
  shell: string;
  home: string;
  homeMode: string;
  groups: string[];
  sudo: Sudo;
  passwordSecret?: string;
  canSwitchTo: string[];
  description?: string;
}

export interface Account {
  name: string;
  group: string;
  home: string;
}

export interface Credential {
  owner: Account;
  path: string; // absolute
  format: CredentialFormat;
  entries: { key: string; secret: string }[]; // plain: one entry with key ''
  required: boolean;
}

export interface Startup {
  directories: { path: string; owner?: string; mode?: string }[];
  users: User[];
  credentials: Credential[];
  ssh?: { owner: Account; from: string; hostKeys: boolean };
  permissions: { path: string; owner?: string; mode?: string; recursive: boolean }[];
  /**
   * A string runs with sh -c, a list as it is (exec form), an object's named commands in
   * parallel; create hooks once per container.
   */
  hooks: { description?: string; user: string; command: HookCommand; when: 'create' | 'start'; lifecycle: Lifecycle }[];
  /** Who the command runs as; undefined: the user the launcher names (the image's USER). */
  runAs?: Account;
  supervisord: string;
}

export interface Service {
  name: string;
  description?: string;
  command: string;
  user: string;
  priority: number;
  autorestart: boolean | 'unexpected';
  startDelay: number;
  directory?: string;
  environment: { name: string; value: string }[];
}

export interface Workspace {
  session: string;
  user?: string;
  directory?: string;
  windows: WorkspaceWindow[];
}

const ROOT: Account = { name: 'root', group: 'root', home: '/root' };

/** The dev container lifecycle commands, in the order a dev container tool runs them. */
export const LIFECYCLE = [
  'onCreateCommand',
  'updateContentCommand',
  'postCreateCommand',
  'postStartCommand',
  'postAttachCommand',
] as const;
export type Lifecycle = (typeof LIFECYCLE)[number];

/** When a lifecycle command runs: once per container (create), or at every start. */
export function lifecycleWhen(lifecycle: Lifecycle): 'create' | 'start' {
  return ['onCreateCommand', 'updateContentCommand', 'postCreateCommand'].includes(lifecycle) ? 'create' : 'start';
}

/** The lifecycle command of a hook that names none. */
export function defaultLifecycle(when: 'create' | 'start'): Lifecycle {
  return when === 'create' ? 'postCreateCommand' : 'postStartCommand';
}

/** A hook's lifecycle command: the one it names, which must go with its when, else the default. */
function lifecycleOf(
  written: Lifecycle | undefined,
  when: 'create' | 'start',
  place: ReturnType<Locator>,
  problems: ProblemList,
): Lifecycle {
  if (written === undefined) return defaultLifecycle(when);
  const runs = lifecycleWhen(written);
  if (runs !== when)
    problems.add(
      place,
      `${written} runs ${runs === 'create' ? 'once per container' : 'at every start'}, which is when: ${runs}`,
    );
  return written;
}

export function buildStartup(
  config: StartupConfig,
  secrets: readonly string[],
  at: Locator,
  problems: ProblemList,
  fileSecrets: readonly string[] = [],
): Startup {
  const users: User[] = Object.entries(config.users ?? {}).map(([name, user]) => ({
    name,
    uid: user.uid,
    gid: user.gid ?? user.uid,
    group: user.group ?? name,
    shell: user.shell ?? '/bin/sh',
    home: user.home ?? `/home/${name}`,
    homeMode: user.homeMode ?? '0755',
    groups: user.groups ?? [],
    sudo: user.sudo ?? 'none',
    passwordSecret: user.passwordSecret,
    canSwitchTo: user.canSwitchTo ?? [],
    description: user.description,
  }));
  const refs = references(users, secrets, fileSecrets, at, problems);
  checkUsers(users, refs, at, problems);
  const { account } = refs;
  return {
    directories: config.directories ?? [],
    users,
    credentials: (config.credentials ?? []).map((credential, i) => buildCredential(credential, i, refs, at, problems)),
    ssh: config.ssh && {
      owner: account(config.ssh.user, '/startup/ssh/user'),
      from: config.ssh.from,
      hostKeys: config.ssh.hostKeys ?? false,
    },
    permissions: (config.permissions ?? []).map((p) => ({ ...p, recursive: p.recursive ?? false })),
    hooks: (config.hooks ?? []).map((hook, i) => {
      const when = hook.when ?? 'start';
      return {
        description: hook.description,
        user: account(hook.user ?? 'root', `/startup/hooks/${i}/user`).name,
        command: hook.command,
        when,
        lifecycle: lifecycleOf(hook.lifecycle, when, at(`/startup/hooks/${i}/lifecycle`), problems),
      };
    }),
    runAs: config.runAs === undefined ? undefined : account(config.runAs, '/startup/runAs'),
    supervisord: config.supervisord ?? 'supervisord',
  };
}

/** How the startup phases name users and secrets, each checked where it is named. */
interface References {
  names: string[];
  /** The account of a declared user (or root); a problem at `pointer` for another name. */
  account(name: string, pointer: string): Account;
  /** A problem at `pointer` unless `name` is a secret passed by name. */
  secret(name: string, pointer: string): void;
}

function references(
  users: User[],
  secrets: readonly string[],
  fileSecrets: readonly string[],
  at: Locator,
  problems: ProblemList,
): References {
  const names = ['root', ...users.map((u) => u.name)];
  return {
    names,
    account(name, pointer) {
      if (name === 'root') return ROOT;
      const user = users.find((u) => u.name === name);
      if (user) return { name: user.name, group: user.group, home: user.home };
      problems.add(
        at(pointer),
        `"${name}" is not a user declared in startup.users`,
        suggestion(name, names).replace('expected one of', 'declared'),
      );
      return ROOT;
    },
    secret(name, pointer) {
      if (fileSecrets.includes(name))
        problems.add(
          at(pointer),
          `secret "${name}" is given as a file, and the entrypoint reads secrets from its environment`,
          'drop its file, or read the file in the container',
        );
      else if (!secrets.includes(name))
        problems.add(
          at(pointer),
          `"${name}" is not a declared secret`,
          secrets.length
            ? suggestion(name, [...secrets]).replace('expected one of', 'declared')
            : 'declare it under secrets so the launcher passes it in',
        );
    },
  };
}

function checkUsers(users: User[], { names, secret }: References, at: Locator, problems: ProblemList): void {
  const seenUids = new Map<number, string>();
  for (const user of users) {
    const pointer = `/startup/users/${user.name}`;
    if (typeof user.uid === 'number') {
      const other = seenUids.get(user.uid);
      if (other) problems.add(at(`${pointer}/uid`), `uid ${user.uid} is already used by ${other}`);
      seenUids.set(user.uid, user.name);
    }
    if ((user.uid === 'image') !== (user.gid === 'image') && (user.uid === 'host' || user.gid === 'host'))
      problems.add(at(`${pointer}/gid`), 'an image\'s user keeps its ids: "image" and "host" do not mix');
    for (const [i, target] of user.canSwitchTo.entries()) {
      if (!users.some((u) => u.name === target))
        problems.add(
          at(`${pointer}/canSwitchTo/${i}`),
          `"${target}" is not a user declared in startup.users`,
          suggestion(target, names).replace('expected one of', 'declared'),
        );
    }
    if (user.passwordSecret !== undefined) secret(user.passwordSecret, `${pointer}/passwordSecret`);
    if (user.sudo === 'password' && user.passwordSecret === undefined)
      problems.add(at(`${pointer}/sudo`), 'sudo "password" needs a passwordSecret to set the password from');
  }
}

function buildCredential(
  credential: NonNullable<StartupConfig['credentials']>[number],
  i: number,
  { account, secret }: References,
  at: Locator,
  problems: ProblemList,
): Credential {
  const pointer = `/startup/credentials/${i}`;
  const owner = account(credential.user, `${pointer}/user`);
  let entries: { key: string; secret: string }[] = [];
  if (credential.format === 'plain') {
    if (credential.secret === undefined || credential.values !== undefined)
      problems.add(at(pointer), 'a plain credential takes "secret" (and no "values")');
    else entries = [{ key: '', secret: credential.secret }];
  } else {
    if (
      credential.values === undefined ||
      credential.secret !== undefined ||
      Object.keys(credential.values).length === 0
    )
      problems.add(at(pointer), `a ${credential.format} credential takes "values" (key → secret, at least one)`);
    entries = Object.entries(credential.values ?? {}).map(([key, name]) => ({ key, secret: name }));
    if (credential.format === 'env')
      for (const { key } of entries)
        if (!SHELL_NAME.test(key))
          problems.add(at(`${pointer}/values`, key), `"${key}" is not a valid variable name for an env file`);
  }
  for (const entry of entries)
    secret(entry.secret, credential.format === 'plain' ? `${pointer}/secret` : `${pointer}/values/${entry.key}`);
  const path = credential.path.startsWith('/')
    ? credential.path
    : `${owner.home}/${credential.path.replace(/^\.\//, '')}`;
  if (path.split('/').includes('..')) problems.add(at(`${pointer}/path`), 'a credential path may not contain ".."');
  return { owner, path, format: credential.format, entries, required: credential.required ?? false };
}

export function buildServices(config: Record<string, ServiceConfig>, at: Locator, problems: ProblemList): Service[] {
  return Object.entries(config).map(([name, service]) => {
    const fields: [string, SupervisorField, string | undefined][] = [
      ['command', 'command', service.command],
      ['directory', 'directory', service.directory],
      ['user', 'user', service.user],
      ...Object.entries(service.environment ?? {}).map(([key, value]): [string, SupervisorField, string] => [
        `environment/${key}`,
        'environment',
        value,
      ]),
    ];
    for (const [pointer, field, value] of fields) {
      const problem = value === undefined ? undefined : supervisorProblem(field, value);
      if (problem) problems.add(at(`/services/${name}/${pointer}`), problem);
    }
    const environment = Object.entries(service.environment ?? {}).map(([key, value]) => {
      if (!SHELL_NAME.test(key))
        problems.add(at(`/services/${name}/environment`, key), `"${key}" is not a valid environment variable name`);
      return { name: key, value };
    });
    return {
      name,
      description: service.description,
      command: service.command,
      user: service.user ?? 'root',
      priority: service.priority ?? 999,
      autorestart: service.autorestart ?? true,
      startDelay: service.startDelay ?? 0,
      directory: service.directory,
      environment,
    };
  });
}
