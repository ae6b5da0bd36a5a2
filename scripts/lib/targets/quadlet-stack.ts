// A stack as Quadlet units: each member of the chosen mode as its own unit would be, with
// the mode's variable values, named by its container (others reach it by that name); the
// members it depends on are Requires=/After= (a healthy one is also waited for), and the
// stack's networks are .network units that every member needs.
import { header } from '../header.ts';
import type { Stack } from '../model/stack.ts';
import type { GeneratedFile } from '../output.ts';
import { quote } from '../shell/quote.ts';
import { rawValue, unitWords } from '../unit/syntax.ts';
import { renderQuadlet } from './quadlet.ts';
import type { StackContext } from './kube-stack.ts';
import { targetReport } from './report.ts';

export function stackQuadlet(stack: Stack, context: StackContext & { root: string }): GeneratedFile[] {
  const settings = stack.quadlet;
  if (!settings) return [];
  const { mode } = settings;
  const networks = new Map(stack.networks.map((n) => [n.name, `${n.name}.network`]));
  const files: GeneratedFile[] = stack.networks.map((n) => ({
    path: `${stack.id}/${n.name}.network`,
    content: [
      header(stack.source, 'hash', `Quadlet unit for ${stack.id}`),
      '',
      '[Network]',
      `NetworkName=${rawValue(n.name)}`,
      ...(n.subnet ? [`Subnet=${rawValue(n.subnet)}`] : []),
      '',
    ].join('\n'),
    executable: false,
  }));
  const inMode = stack.members.filter((m) => mode.members.includes(m.id));
  for (const member of inMode) {
    const needs = member.dependsOn.filter((d) => mode.members.includes(d.member));
    const unitOf = (id: string) => `${stack.members.find((m) => m.id === id)!.container}.service`;
    const report = targetReport(
      { problems: context.problems, warnings: context.warnings },
      () => context.at(`/members/${member.id}`),
      [],
      member,
    );
    const units = renderQuadlet(
      member.environment,
      {
        unit: member.container,
        source: stack.source,
        folder: `../${member.config}`,
        root: context.root,
        variables: new Map(mode.variables.map((v) => [v.name, v.value])),
        wantedBy: settings.wantedBy,
        requires: needs.map((d) => unitOf(d.member)),
        waitsHealthy: needs
          .filter((d) => d.condition === 'healthy')
          .map((d) =>
            unitWords(['/bin/sh', '-c', healthyLoop(stack.members.find((m) => m.id === d.member)!.container)]),
          ),
        networks,
      },
      report,
    );
    // A member's own .network for a network of the stack is the stack's.
    files.push(
      ...units
        .filter((f) => !(f.path.endsWith('.network') && networks.has(f.path.replace(/\.network$/, ''))))
        .map((f) => ({ ...f, path: `${stack.id}/${f.path}` })),
    );
  }
  return dedupe(files);
}

/** Quadlet 4.9 cannot wait for another unit's health: its start waits until podman says so. */
function healthyLoop(container: string): string {
  return `until /usr/bin/podman healthcheck run ${quote(container)} >/dev/null 2>&1; do sleep 2; done`;
}

/** Two members may use one named volume: one .volume unit for it. */
function dedupe(files: GeneratedFile[]): GeneratedFile[] {
  const seen = new Map<string, GeneratedFile>();
  for (const file of files) if (!seen.has(file.path)) seen.set(file.path, file);
  return [...seen.values()];
}
