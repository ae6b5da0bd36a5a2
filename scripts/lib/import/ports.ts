// A published port as compose and `--publish` write it, [IP:]HOST:CONTAINER[/PROTOCOL], as a
// boxwright port; undefined for what has no boxwright form (a range, a random host port).
import type { JsonValue } from './jsonc.ts';

export function publishedPort(spec: string): JsonValue | undefined {
  const match = /^(?:([\d.]+|\[[0-9a-f:]+\]):)?(\d+):(\d+)(?:\/(tcp|udp))?$/.exec(spec);
  if (!match) return undefined;
  return {
    host: Number(match[2]),
    container: Number(match[3]),
    ...(match[1] ? { hostIp: match[1].replace(/^\[|\]$/g, '') } : {}),
    ...(match[4] ? { protocol: match[4] } : {}),
  };
}
