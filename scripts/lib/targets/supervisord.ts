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
    programs: [...env.services].sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name)).map(program),
  };
  return {
    path: `${env.id}/supervisord.conf`,
    content: renderTemplate('supervisord.conf.mustache', view),
    executable: false,
  };
}

function program(service: Service) {
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
    environment: service.environment.length
      ? service.environment.map((e) => `${e.name}=${supervisorValue(e.value)}`).join(',')
      : undefined,
  };
}

function command(service: Service): string {
  const line = runsThroughShell(service.command) ? `/bin/sh ${service.command}` : service.command;
  if (service.startDelay === 0) return supervisorCommand(line);
  return ['/bin/sh', '-c', `sleep ${service.startDelay}; exec ${line}`].map(supervisorWord).join(' ');
}
