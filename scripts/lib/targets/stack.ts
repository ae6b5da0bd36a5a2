// The stack target: a Stack becomes generated/<id>/stack.sh, which drives the members'
// own generated launch scripts (generated/<member config>/launch.sh).
import { posix } from 'node:path';
import { header } from '../header.ts';
import type { Stack } from '../model/stack.ts';
import type { GeneratedFile } from '../output.ts';
import { renderTemplate } from '../render.ts';
import { code, comment, heredoc, quote, shellName, word, type ShellCode } from '../shell/quote.ts';
import { columns } from '../text.ts';

export function renderStack(stack: Stack, root: string, quadletUnits: readonly GeneratedFile[] = []): GeneratedFile {
  // What each member waits for to be healthy (started ones are met by the start order).
  const needsCases = stack.members.flatMap((m) => {
    const healthy = m.dependsOn.filter((d) => d.condition === 'healthy').map((d) => d.member);
    return healthy.length ? [code(`${quote(m.id)}) bw_needs=${quote(healthy.join(' '))} ;;`)] : [];
  });
  const view = {
    header: header(stack.source, 'hash', `Stack script for ${stack.id}`),
    usage: `  ${heredoc(usage(stack))}`,
    runtime: stack.runtime,
    member_cases: stack.members.map((m) =>
      code(
        `${quote(m.id)}) bw_container=${quote(m.container)} bw_config=${quote(m.config)} bw_image=${quote(m.image)} ;;`,
      ),
    ),
    mode_cases: stack.modes.map(modeCase),
    unknown_mode: word([
      { literal: 'unknown mode "' },
      { variable: '1' },
      { literal: `" (choose from: ${stack.modes.map((m) => m.id).join(', ')})` },
    ]),
    build_cases: stack.members.flatMap((m) =>
      m.build
        ? [
            code(
              `${quote(m.id)}) build_image ${quote(m.image)} ${inRepository(`${m.build.context}/${m.build.containerfile}`)} ${inRepository(m.build.context)} ;;`,
            ),
          ]
        : [],
    ),
    build_members: stack.members
      .filter((m) => m.build)
      .map((m) => quote(m.id))
      .join(' '),
    networks: stack.networks.map((n) => ({
      network: quote(n.name),
      subnet: n.subnet ? `--subnet ${quote(n.subnet)} ` : '',
    })),
    member_order: stack.members.map((m) => quote(m.id)).join(' '),
    has_needs: needsCases.length > 0,
    needs_cases: needsCases,
    member_reverse: [...stack.members]
      .reverse()
      .map((m) => quote(m.id))
      .join(' '),
    member_pattern: stack.members.map((m) => quote(m.id)).join(' | '),
    member_list: stack.members.map((m) => m.id).join(', '),
    default_mode: quote(stack.modes.find((m) => m.default)!.id),
    root: quote(root),
    has_build: stack.members.some((m) => m.build),
    install: installView(stack, quadletUnits),
  };
  return { path: `${stack.id}/stack.sh`, content: renderTemplate('stack.sh.mustache', view), executable: true };
}

/** stack.sh install: the stack's units, and each member's unit through its own launch.sh. */
function installView(stack: Stack, quadletUnits: readonly GeneratedFile[]) {
  if (!stack.quadlet && !stack.systemd) return undefined;
  const name = (file: GeneratedFile) => file.path.slice(stack.id.length + 1);
  return {
    quadlet: stack.quadlet && {
      mode: quote(stack.quadlet.mode.id),
      units: quadletUnits
        .map(name)
        .filter((n) => !n.endsWith('.container'))
        .map(quote),
      members: stack.members
        .filter((m) => stack.quadlet!.mode.members.includes(m.id))
        .map((m) => ({ member: quote(m.id), unit: quote(`${m.container}.container`) })),
    },
    plain: stack.systemd && { mode: quote(stack.systemd.mode.id), unit: quote(`${stack.id}.service`) },
  };
}

function modeCase(mode: Stack['modes'][number]) {
  return {
    name: quote(mode.id),
    description: mode.description && comment(mode.description, '      '),
    members: quote(mode.members.join(' ')),
    variables: mode.variables.map((variable) => ({ name: shellName(variable.name), value: quote(variable.value) })),
  };
}

function usage(stack: Stack): string {
  const lines = [
    'Usage: stack.sh [--mode NAME] [--dry-run] [--runtime podman|docker] COMMAND [ARGS]',
    '',
    ...(stack.description ? [stack.description.trim(), ''] : []),
    'Commands:',
    '  build [--no-cache] [MEMBER]  build the members that have a build (or one of them)',
    `  up            create network${stack.networks.length > 1 ? 's' : ''} ${stack.networks.map((n) => n.name).join(', ')} if missing; bring the mode's members up in order`,
    '                (each is recreated only when its config changed); stop the other members',
    '  down          stop and remove every member, in reverse order (the network and volumes stay)',
    "  status        each member's container, state, whether it matches its config, and image",
    '  logs [MEMBER] recent logs (--tail N, default 100)',
    ...(stack.quadlet || stack.systemd
      ? [
          `  install       put the stack's systemd units where systemd reads them (mode ${(stack.quadlet ?? stack.systemd)!.mode.id}):`,
          "                Quadlet's where podman has it, else the plain unit (--quadlet, --plain; --unit-dir DIR)",
        ]
      : []),
    '',
    'Members (in start order):',
    ...columns(stack.members.map((m) => [m.id, m.container, m.description ?? ''])),
    '',
    'Modes (--mode, or $BOXWRIGHT_STACK_MODE):',
  ];
  for (const mode of stack.modes) {
    lines.push(
      `  ${mode.id}${mode.default ? ' (default)' : ''}: ${mode.members.join(', ')}${mode.description ? ` (${mode.description})` : ''}`,
    );
    for (const variable of mode.variables) lines.push(`      ${variable.name}=${variable.value}`);
  }
  return lines.join('\n');
}

/** A build path as stack.sh finds it: absolute as it is, else in the repository ($bw_root). */
function inRepository(path: string): ShellCode {
  const clean = posix.normalize(path);
  return clean.startsWith('/') ? quote(clean) : code(`"$bw_root"/${quote(clean)}`);
}
