// What the host must have for a container (the config's host, devcontainer.json's
// hostRequirements): read here as numbers, which launch.sh compares with the host's when it
// makes the container, and which devcontainer.json writes back.
import type { ProblemList } from '../problems.ts';
import type { Locator } from './kernel.ts';
import { parseSize } from './size.ts';

export interface HostConfig {
  cpus?: number;
  memory?: string;
  storage?: string;
}

export interface Host {
  cpus?: number;
  /** Bytes. */
  memory?: number;
  /** Bytes free where the runtime keeps its images and containers. */
  storage?: number;
}

export function buildHost(config: HostConfig | undefined, at: Locator, problems: ProblemList): Host | undefined {
  if (!config) return undefined;
  const bytes = (key: 'memory' | 'storage'): number | undefined => {
    const text = config[key];
    if (text === undefined) return undefined;
    const size = parseSize(text);
    if ('bytes' in size) return size.bytes;
    problems.add(at(`/host/${key}`), size.problem);
    return undefined;
  };
  return { cpus: config.cpus, memory: bytes('memory'), storage: bytes('storage') };
}

/** A size as devcontainer.json's hostRequirements writes one: 8gb, 512mb (whole units, rounded up). */
export function requirementText(bytes: number): string {
  for (const [unit, size] of [
    ['tb', 1024 ** 4],
    ['gb', 1024 ** 3],
    ['mb', 1024 ** 2],
  ] as const)
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  return `${Math.ceil(bytes / 1024)}kb`;
}
