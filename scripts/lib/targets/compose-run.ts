// What a compose service runs, as launch.sh runs it: the generated entrypoint and job runner
// mounted from the environment's folder, the user the entrypoint drops to, and the command;
// what compose cannot read from the image is stated in compose.image, or refused.
import { CONTAINER_DIR } from '../model/environment.ts';
import { HOST_GID, HOST_UID } from './entrypoint.ts';
import { type Context, environmentList, listAt, literal, type Obj } from './compose-parts.ts';

/**
 * The generated entrypoint and job runner, mounted from the environment's folder as launch.sh
 * mounts them; the entrypoint runs as root and drops to the user it is told.
 */
export function startup(context: Context): void {
  const { env, parts, place, text } = context;
  const { service } = parts;
  if (env.startup || env.jobs) listAt<string>(service, 'volumes').push(`${place.folder}:${CONTAINER_DIR}:ro,z`);
  if (env.jobs) environmentList(service).push(`BOXWRIGHT_JOB_DIR=${literal(env.jobs.directory)}`);
  if (env.jobs?.hostDirectory)
    environmentList(service).push(`BOXWRIGHT_JOB_HOST_DIR=${text(env.jobs.hostDirectory, '/jobs')}`);
  if (env.startup) {
    service.user = '0:0';
    service.entrypoint = [`${CONTAINER_DIR}/entrypoint.sh`];
    handedOver(context);
  } else if (env.imageEntrypoint) service.entrypoint = env.imageEntrypoint.map(literal);
  const command = commandWords(context);
  if (command) service.command = command.map(literal);
}

/**
 * The user the generated entrypoint drops to: the startup user, the config's, or the image's
 * USER as compose.image states it (labelled, as launch.sh labels it for shell and logs).
 */
function handedOver({ env, parts, text, image, report }: Context): void {
  if (!env.startup) return;
  const list = environmentList(parts.service);
  // The host user's ids, which launch.sh passes: compose has them only from its environment.
  if (env.startup.users.some((u) => u.uid === 'host' || u.gid === 'host'))
    list.push(
      `${HOST_UID}=\${${HOST_UID}:?set it to the host user's uid (id -u)}`,
      `${HOST_GID}=\${${HOST_GID}:?set it to the host user's gid (id -g)}`,
    );
  const runAs = env.startup.runAs?.name;
  const user = runAs ?? (env.user ? text(env.user, '/user') : image.user && literal(image.user));
  if (user === undefined) {
    report.refuse(
      "the generated entrypoint drops to the image's USER, which compose cannot read from the image",
      'state it in compose.image.user',
    );
    return;
  }
  if (runAs === undefined) list.push(`BOXWRIGHT_USER=${user}`);
  (parts.service.labels as Obj)['io.boxwright.user'] = runAs === undefined ? user : literal(runAs);
}

/**
 * What the container runs, as launch.sh runs it without arguments: the default entrypoint, or
 * the config's command, or the image's CMD (undefined: compose keeps it); behind the generated
 * entrypoint, the image's own ENTRYPOINT first where nothing else takes its place.
 */
function commandWords({ env, image, report }: Context): string[] | undefined {
  const chosen = env.entrypoints.find((e) => e.name === env.defaultEntrypoint);
  if (env.entrypoints.length && !chosen) {
    report.refuse('compose needs a defaultEntrypoint: launch.sh asks for one when it runs', undefined, '/entrypoints');
    return undefined;
  }
  const main = chosen ? chosen.command : env.command;
  if (!env.startup || env.services.length) return main === 'image' ? undefined : main;
  const before = env.imageEntrypoint ?? image.entrypoint;
  const cmd = main === 'image' ? image.cmd : main;
  if (before === undefined)
    report.refuse(
      "the generated entrypoint hands over to the image's own ENTRYPOINT, which compose cannot read from the image",
      'state it in compose.image.entrypoint ([] when the image has none)',
    );
  if (cmd === undefined)
    report.refuse(
      "the container runs the image's CMD, which compose cannot read from the image",
      'state it in compose.image.cmd, or choose a command',
    );
  return [...(before ?? []), ...(cmd ?? [])];
}
