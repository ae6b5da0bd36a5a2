// The supervisord target: an Environment's services become generated/<id>/supervisord.conf.
import { header } from '../header.ts';
import { runsThroughShell, type Environment } from '../model/environment.ts';
import type { Service } from '../model/startup.ts';
import type { GeneratedFile } from '../output.ts';
import { renderTemplate } from '../render.ts';
import { supervisorCommand, supervisorValue, supervisorWord } from '../shell/supervisor.ts';

export function renderSupervisord(env: Environment): GeneratedFile {
  const view = {
    header: header(env.source, 'hash', `supervisord configuration for ${env.id}`),
    programs: [...env.services]
      .sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name))
      .map((service) => program(service, env)),
  };
  return {
    path: `${env.id}/supervisord.conf`,
    content: renderTemplate('supervisord.conf.mustache', view),
    executable: false,
  };
}

function program(service: Service, env: Environment) {
  return {
    name: service.name,
    description: service.description
      ?.split(/\r\n|\r|\n/)
      .map((line) => `# ${line}`.trimEnd())
      .join('\n'),
    command: command(service),
    user: service.user,
    priority: service.priority,
    autorestart: String(service.autorestart),
    // A program meant to finish (autorestart false) counts as started as soon as it runs.
    startsecs: service.autorestart === false ? 0 : 1,
    directory: service.directory && supervisorCommand(service.directory),
    environment: [
      ...userEnvironment(service, env),
      ...service.environment.map((e) => `${e.name}=${supervisorValue(e.value)}`),
    ].join(','),
  };
}

const ACCOUNT_VARIABLES = ['HOME', 'USER', 'LOGNAME'] as const;

/**
 * HOME, USER and LOGNAME of the program's user, as environment= entries: supervisor 4.2
 * switches the user but keeps its own (root's) values, so a program would read and write
 * root's home (vncserver's ~/.vnc). The home of root and of a startup user is known; a user
 * only the image knows has its home read from passwd by entrypoint.sh, which hands it to
 * supervisord in a variable (imageUserHomes) that supervisord expands. The service's own
 * values win.
 */
function userEnvironment(service: Service, env: Environment): string[] {
  const own = new Set(service.environment.map((e) => e.name));
  const declared = env.startup?.users.find((u) => u.name === service.user && u.uid !== 'image');
  const home =
    service.user === 'root'
      ? supervisorValue('/root')
      : declared
        ? supervisorValue(declared.home)
        : `"%(ENV_${imageUserHomes(env).find((h) => h.user === service.user)!.variable})s"`;
  const values = { HOME: home, USER: supervisorValue(service.user), LOGNAME: supervisorValue(service.user) };
  return ACCOUNT_VARIABLES.filter((name) => !own.has(name)).map((name) => `${name}=${values[name]}`);
}

/** The services' users that only the image knows, each with the variable that holds its home. */
export function imageUserHomes(env: Environment): { user: string; variable: string }[] {
  const known = new Set(['root', ...(env.startup?.users ?? []).filter((u) => u.uid !== 'image').map((u) => u.name)]);
  const users = [...new Set(env.services.map((s) => s.user))].filter((user) => !known.has(user));
  return users.map((user, i) => ({ user, variable: `BOXWRIGHT_HOME_${i + 1}` }));
}

function command(service: Service): string {
  const line = runsThroughShell(service.command) ? `/bin/sh ${service.command}` : service.command;
  if (service.startDelay === 0) return supervisorCommand(line);
  return ['/bin/sh', '-c', `sleep ${service.startDelay}; exec ${line}`].map(supervisorWord).join(' ');
}
