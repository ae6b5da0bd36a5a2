// The networks an environment joins: the first (network) with its aliases, and more beside it.
import type { Scope } from './kernel.ts';
import type { EnvironmentConfig, Network } from './environment.ts';

export function buildExtraNetworks(config: EnvironmentConfig, names: Scope): Network[] {
  const { at, problems } = names;
  const networks = config.networks ?? [];
  if (networks.length && !config.network)
    problems.add(at('/networks'), 'networks adds to network, which is not set', 'name the first one under network');
  // podman reads NAME:alias=A,alias=B, so no name or alias may hold "," or ":".
  const separatorFree = (texts: [string, string][], where: string) => {
    for (const [text, pointer] of texts)
      if (/[,:]/.test(text)) problems.add(at(pointer), `"${text}" cannot hold "," or ":" ${where}`);
  };
  // With more than one network, the first is written NAME:alias=... too.
  if (networks.length && config.network)
    separatorFree(
      [
        [config.network.name, '/network/name'],
        [config.hostname ?? '', '/hostname'],
        ...(config.network.aliases ?? []).map((alias, j): [string, string] => [alias, `/network/aliases/${j}`]),
      ],
      'beside more networks',
    );
  const seen = new Set([config.network?.name]);
  return networks.map((network, i) => {
    const pointer = `/networks/${i}`;
    if (seen.has(network.name)) problems.add(at(`${pointer}/name`), `network "${network.name}" is joined twice`);
    seen.add(network.name);
    if (['host', 'none', 'bridge'].includes(network.name))
      problems.add(at(`${pointer}/name`), `"${network.name}" cannot be joined beside another network`);
    separatorFree(
      [
        [network.name, `${pointer}/name`],
        ...(network.aliases ?? []).map((alias, j): [string, string] => [alias, `${pointer}/aliases/${j}`]),
      ],
      'here',
    );
    return {
      name: names.template(network.name, `${pointer}/name`),
      aliases: (network.aliases ?? []).map((alias, j) => names.template(alias, `${pointer}/aliases/${j}`)),
      create: network.create ?? false,
    };
  });
}

/**
 * The first network, with its aliases: other containers on it reach the container by its
 * hostname too, as compose's do by the service name (not on the runtime's own networks, which
 * take no aliases).
 */
export function buildNetwork(config: EnvironmentConfig, names: Scope): Network | undefined {
  const network = config.network;
  if (!network) return undefined;
  const hostname = config.hostname;
  const byHostname =
    hostname !== undefined &&
    !['host', 'bridge', 'none', 'podman'].includes(network.name) &&
    !(network.aliases ?? []).includes(hostname);
  return {
    name: names.template(network.name, '/network/name'),
    aliases: [
      ...(byHostname ? [names.template(hostname, '/hostname')] : []),
      ...(network.aliases ?? []).map((alias, i) => names.template(alias, `/network/aliases/${i}`)),
    ],
    create: network.create ?? false,
  };
}
