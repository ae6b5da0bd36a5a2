// A fleet box's versions (versions in its config): pinned, held by an install command that
// update.sh runs after the update steps, or only checked, for a reason the config gives.
import type { Location, ProblemList } from '../problems.ts';

export type VersionsConfig = Record<string, string | { version: string; install?: string; why?: string }>;

export interface Pin {
  command: string;
  version: string;
  /** Run as root by update.sh after the update steps, so that the version holds. */
  install?: string;
  /** Why the version is only checked: a different one is said, and fails nothing. */
  why?: string;
}

/** The versions as written: a version alone, or with the command that holds it or why it is only noted. */
export function pins(written: VersionsConfig, at: (command: string) => Location, problems: ProblemList): Pin[] {
  return Object.entries(written).map(([command, given]) => {
    if (typeof given === 'string') return { command, version: given };
    if ((given.install === undefined) === (given.why === undefined))
      problems.add(
        at(command),
        'a version holds by its install command, or is only checked for a reason: give one of install and why',
      );
    return { command, ...given };
  });
}
