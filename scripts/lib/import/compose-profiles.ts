// compose's profiles as a stack's modes. compose always starts the services without a
// profile, and those of the profiles given with --profile, with what they depend on; a
// stack runs one mode. So the default mode holds the services without a profile, and each
// profile is a mode of those and its own, with their dependencies; starting two profiles at
// once has no mode of its own, which the stack's comment says.
import { dependencyNames } from './compose-check.ts';
import type { JsonValue } from './jsonc.ts';

type Obj = { [key: string]: JsonValue };

/** The modes, or nothing when no service names a profile. */
export function profileModes(services: Obj, note: (text: string) => void): Obj | undefined {
  const profilesOf = (service: string) => {
    const profiles = (services[service] as Obj).profiles;
    return Array.isArray(profiles) ? profiles.map(String) : [];
  };
  const names = Object.keys(services);
  const profiles = [...new Set(names.flatMap(profilesOf))];
  if (profiles.length === 0) return undefined;
  const always = names.filter((service) => profilesOf(service).length === 0);
  const modes: Obj = {};
  const modeName = (profile: string) =>
    profile
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .replace(/^-+/, '') || 'profile';
  if (always.length) modes.default = { default: true, members: withDependencies(always, services, names) };
  for (const [i, profile] of profiles.entries()) {
    const members = withDependencies(
      names.filter((service) => always.includes(service) || profilesOf(service).includes(profile)),
      services,
      names,
    );
    modes[modeName(profile)] = {
      description: `compose profile ${profile}`,
      ...(always.length === 0 && i === 0 ? { default: true } : {}),
      members,
    };
  }
  if (profiles.length > 1)
    note(`compose starts several profiles at once (--profile a --profile b); a stack runs one mode`);
  return modes;
}

/** The services and, transitively, those they depend on (compose starts them too), in file order. */
function withDependencies(chosen: string[], services: Obj, order: string[]): string[] {
  const wanted = new Set<string>();
  const add = (service: string) => {
    if (wanted.has(service)) return;
    wanted.add(service);
    for (const other of dependencyNames(services[service] as Obj)) add(other);
  };
  for (const service of chosen) add(service);
  return order.filter((service) => wanted.has(service));
}
