// A stack on Kubernetes: one manifest per mode, each member's objects as its own kube.yaml
// would have them, part of the stack, with the mode's values for its variables.
import { buildKubernetes } from '../model/kubernetes.ts';
import type { Locator } from '../model/kernel.ts';
import type { Stack } from '../model/stack.ts';
import type { GeneratedFile } from '../output.ts';
import type { ProblemList } from '../problems.ts';
import { containerFiles } from './container-files.ts';
import { environmentObjects, renderManifest } from './kube.ts';
import { targetReport } from './report.ts';

/** Where a stack's target reports, and what it names its files by. */
export interface StackContext {
  id: string;
  source: string;
  at: Locator;
  problems: ProblemList;
  warnings: ProblemList;
}

/** The stack's manifests, or undefined when a member cannot be one (its problems say why). */
export function stackManifests(
  stack: Stack,
  { id, source, at, problems, warnings }: StackContext,
): GeneratedFile[] | undefined {
  const before = problems.items.length;
  const manifests = stack.modes.map((mode) => {
    const leftOut: string[] = [];
    const objects = mode.members.flatMap((memberId) => {
      const member = stack.members.find((m) => m.id === memberId)!;
      const env = member.environment;
      // A member's problems are the stack's, at the member, named by its config.
      const report = targetReport({ problems, warnings }, () => at(`/members/${member.id}`), leftOut, member);
      const settings = { ...(env.kubernetes ?? buildKubernetes({}, at, problems)) };
      if (stack.kubernetes?.namespace) settings.namespace = stack.kubernetes.namespace;
      return environmentObjects(env, settings, containerFiles(env), report, {
        partOf: stack.id,
        variables: new Map(mode.variables.map((v) => [v.name, v.value])),
      });
    });
    const path = stack.modes.length === 1 ? `${id}/kube.yaml` : `${id}/kube-${mode.id}.yaml`;
    return renderManifest(path, source, `Kubernetes manifest for ${id}, mode ${mode.id}`, objects, leftOut);
  });
  return problems.items.length > before ? undefined : manifests;
}
