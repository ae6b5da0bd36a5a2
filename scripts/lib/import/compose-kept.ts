// x-boxwright, the extension boxwright's compose export writes on each service (compose leaves
// x- keys to the tools that know them): what a config says that compose has no key for, read
// back so that a config exported and imported again is the same config.
import type { JsonValue } from './jsonc.ts';

type Json = JsonValue;
type Obj = { [key: string]: Json };

/** A part of x-boxwright: what boxwright's compose export keeps that compose has no key for. */
export function keptBy(compose: Obj, part: 'secrets' | 'variables' | 'ports' | 'mounts'): Obj {
  const kept = compose['x-boxwright'];
  const found = typeof kept === 'object' && kept !== null ? (kept as Obj)[part] : undefined;
  return typeof found === 'object' && found !== null && !Array.isArray(found) ? (found as Obj) : {};
}

/**
 * What boxwright's compose export kept: a secret's kind (whether it is required, its
 * description), which stands for what was guessed, and the descriptions of variables, ports
 * and mounts.
 */
export function keptByBoxwright(compose: Obj, config: Obj): void {
  const secrets = (config.secrets ?? {}) as Obj;
  for (const [key, kept] of Object.entries(keptBy(compose, 'secrets'))) {
    if (typeof kept !== 'object' || kept === null) continue;
    // One the env file gives is a secret even where the file is not there to read.
    const { description: _guessed, required: _assumed, ...rest } = (secrets[key] ?? {}) as Obj;
    secrets[key] = { ...(kept as Obj), ...rest };
  }
  if (Object.keys(secrets).length) config.secrets = secrets;
  const describe = (list: Json | undefined, part: 'variables' | 'ports' | 'mounts', keyOf: (item: Obj) => string) => {
    const descriptions = keptBy(compose, part);
    for (const item of Array.isArray(list) ? (list as Obj[]) : []) {
      const description = descriptions[keyOf(item)];
      if (typeof description === 'string') item.description = description;
    }
  };
  describe(config.ports, 'ports', (port) => String(port.host));
  describe(config.mounts, 'mounts', (mount) => String(mount.target));
  const variables = (config.variables ?? {}) as Obj;
  for (const [name, description] of Object.entries(keptBy(compose, 'variables')))
    if (typeof variables[name] === 'object' && typeof description === 'string')
      variables[name] = { description, ...(variables[name] as Obj) };
}
