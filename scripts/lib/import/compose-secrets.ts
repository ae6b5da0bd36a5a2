// A compose service's secrets, by what the top-level secrets: entry names: a file is mounted
// read-only where compose puts it (/run/secrets/NAME, or the long form's target), as
// podman-compose mounts it; an environment variable becomes a boxwright secret given as a
// file (launch.sh writes it where only the host user reads it); an external one is podman's
// own secret, passed with --secret. uid, gid and mode have nowhere to go for a mounted file
// (podman-compose warns and ignores them too): they are named in the config's comment.
import type { JsonValue } from './jsonc.ts';
import { placedPath, type Place } from './paths.ts';

type Json = JsonValue;
type Obj = { [key: string]: Json };

/** What the importer of a service gives this one. */
export interface SecretsOf {
  compose: Obj;
  config: Obj;
  place: Place;
  value: (input: Json | undefined) => string | undefined;
  drop: (key: string, why: string) => void;
}

export function importSecrets(service: SecretsOf, declared: Obj): void {
  const list = Array.isArray(service.compose.secrets) ? service.compose.secrets : [];
  for (const entry of list) {
    const long = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? (entry as Obj) : undefined;
    const name = String(long ? long.source : entry);
    const spec = (declared[name] ?? {}) as Obj;
    const target = destination(name, long?.target);
    if (spec.file !== undefined) fileSecret(service, name, spec, target, long);
    else if (spec.environment !== undefined) environmentSecret(service, name, String(spec.environment), target);
    else externalSecret(service, name, long);
  }
}

/** Where compose mounts it: /run/secrets/NAME, a relative target under /run/secrets, or the target. */
function destination(name: string, target: Json | undefined): string {
  if (target === undefined || target === null) return `/run/secrets/${name}`;
  const text = String(target);
  return text.startsWith('/') ? text : `/run/secrets/${text}`;
}

function fileSecret(service: SecretsOf, name: string, spec: Obj, target: string, long: Obj | undefined): void {
  const source = placedPath(service.value(spec.file) ?? '', service.place);
  const mounts = listAt(service.config, 'mounts');
  mounts.push({ source, target, readOnly: true, description: `compose secret ${name}` });
  for (const key of ['uid', 'gid', 'mode'])
    if (long?.[key] !== undefined)
      service.drop(`secrets ${name} ${key}`, 'a mounted file keeps the owner and mode it has on the host');
}

/** A boxwright secret read from the variable, written to a file at the target. */
function environmentSecret(service: SecretsOf, name: string, variable: string, target: string): void {
  const key = name
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, '_')
    .replace(/^(\d)/, '_$1');
  if (typeof service.config.secrets !== 'object' || service.config.secrets === null) service.config.secrets = {};
  const secrets = service.config.secrets as Obj;
  secrets[key] = {
    description: `compose secret ${name}`,
    ...(variable !== key ? { from: variable } : {}),
    required: true,
    file: target === `/run/secrets/${key}` ? true : target,
  };
}

/** A secret podman keeps (external: true, or name:): --secret, with what the long form says. */
function externalSecret(service: SecretsOf, name: string, long: Obj | undefined): void {
  const options = ['uid', 'gid', 'mode'].flatMap((key) => (long?.[key] === undefined ? [] : [`${key}=${long[key]}`]));
  const extra = listAt(service.config, 'extraArgs');
  extra.push('--secret', [name, ...options].join(','));
  if (long?.target !== undefined && String(long.target) !== name)
    service.drop(`secrets ${name} target`, "podman mounts its own secret by the secret's name");
}

/** The config's list under `key`, made when it has none. */
function listAt(config: Obj, key: string): Json[] {
  if (!Array.isArray(config[key])) config[key] = [];
  return config[key] as Json[];
}
