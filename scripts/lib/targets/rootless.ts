// Rootless podman: the container's root is the host user, and every other container uid is
// one of the host user's subordinate uids, which cannot write the host user's folders. So
// where a config mounts host folders, launch.sh asks podman whether it runs rootless and, if
// so, maps the user the container's command runs as to the host user
// (--userns=keep-id:uid=U,gid=G; templates/partials/rootless.sh.mustache). This module says
// who that user is, as the launcher can tell it.
import type { Environment } from '../model/environment.ts';
import type { UserId } from '../model/startup.ts';
import { code, quote, word, type ShellCode } from '../shell/quote.ts';
import { literalText } from '../template-string.ts';

/**
 * The user to map, as rootless_userns takes it: uid[:gid], a name that the image knows (the
 * launcher asks the image for its ids), or the image's USER; nothing where no host folder is
 * mounted or the config runs on docker only.
 */
export function rootlessUser(env: Environment): ShellCode | undefined {
  if (env.runtime === 'docker') return undefined;
  if (!env.mounts.some((m) => m.type === 'bind' || m.type === 'workspace')) return undefined;
  const runAs = env.startup?.runAs?.name;
  if (runAs !== undefined) return declaredIds(env, runAs) ?? quote(runAs);
  if (env.user === undefined) return IMAGE_USER;
  const name = literalText(env.user);
  return (name !== undefined ? declaredIds(env, name) : undefined) ?? word(env.user);
}

const IMAGE_USER = code('"$bw_image_user"');

/** The ids of a user that startup.users declares with them; else the image knows them. */
function declaredIds(env: Environment, name: string): ShellCode | undefined {
  const declared = env.startup?.users.find((u) => u.name === name);
  if (declared === undefined) return undefined;
  const { uid, gid } = declared;
  if (uid === 'image' || gid === 'image') return undefined;
  return code(`"${ids(uid, 'u')}:${ids(gid, 'g')}"`);
}

/** A startup user's uid or gid: its number, or the host user's own (uid "host"). */
function ids(id: Exclude<UserId, 'image'>, which: 'u' | 'g'): string {
  return id === 'host' ? `$(id -${which})` : String(id);
}

/** Whether the mapping needs the image's USER, which launch.sh then reads with its settings. */
export function rootlessFromImage(env: Environment): boolean {
  return rootlessUser(env) === IMAGE_USER;
}
