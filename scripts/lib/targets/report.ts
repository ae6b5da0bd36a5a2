import type { Location, ProblemList } from '../problems.ts';
// How a target that cannot say everything of a config (kube.yaml, devcontainer.json) tells
// what it refuses and what it leaves out, at the place in the config that asked for it.
export interface TargetReport {
  /** A problem: the file cannot say what the config asks for (at a pointer of the config). */
  refuse(message: string, hint?: string, pointer?: string): void;
  /** Something the file leaves out, or says differently, that a user should know. */
  warn(message: string, pointer?: string): void;
}

/**
 * Where a target that cannot say everything reports: refusals are problems, what it leaves
 * out is a warning and a line in `leftOut` (for the file's own header). A stack's member
 * names itself in both.
 */
export function targetReport(
  lists: { problems: ProblemList; warnings: ProblemList },
  locate: (pointer?: string) => Location,
  leftOut: string[],
  member?: { id: string; config: string },
): TargetReport {
  return {
    refuse: (message, hint, pointer) =>
      lists.problems.add(locate(pointer), member ? `${member.config}: ${message}` : message, hint),
    warn: (message, pointer) => {
      lists.warnings.add(locate(pointer), member ? `${member.config}: ${message}` : message);
      leftOut.push(member ? `${member.id}: ${message}` : message);
    },
  };
}
