// Sizes as people write them (64g, 512m, 128mb, 1GiB, 1.5 GB, 2Gi) read as docker reads
// memory sizes (binary units whatever the spelling), and written back in the one form both
// podman and docker take: a whole number with b, k, m or g.

const UNITS: Record<string, number> = { '': 1, b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** The pattern the schemas give sizes, so that the editor and the generator agree. */
export const SIZE_PATTERN = '^[0-9]+(\\.[0-9]+)? ?([bB]|[kKmMgGtT]([iI]?[bB]|[iI])?)?$';

/** The number of bytes `text` means, or why it means none. */
export function parseSize(text: string): { bytes: number } | { problem: string } {
  const match = /^([0-9]+(?:\.[0-9]+)?) ?([bkmgt]?)(?:i?b|i)?$/i.exec(text);
  if (!match) return { problem: `"${text}" is not a size (a number and a unit: b, k, m, g or t; 512m, 1GiB)` };
  const bytes = Number(match[1]) * UNITS[match[2]!.toLowerCase()]!;
  if (!Number.isSafeInteger(bytes) || bytes <= 0)
    return { problem: `"${text}" is not a whole number of bytes above zero` };
  return { bytes };
}

/** A number of bytes as the runtimes take it: the largest of g, m, k and b that is exact. */
export function runtimeSize(bytes: number): string {
  for (const unit of ['g', 'm', 'k'] as const) {
    const size = UNITS[unit]!;
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}b`;
}
