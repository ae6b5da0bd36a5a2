// The workspace target: a tmux session with named windows, as generated/<id>/workspace.sh.
import { header } from '../header.ts';
import type { Environment } from '../model/environment.ts';
import type { Workspace } from '../model/startup.ts';
import type { GeneratedFile } from '../output.ts';
import { renderTemplate } from '../render.ts';
import { code, quote, type ShellCode } from '../shell/quote.ts';
import { tmuxArgument, tmuxFormatArgument } from '../shell/tmux.ts';

export function renderWorkspace(env: Environment, workspace: Workspace): GeneratedFile {
  const view = {
    header: header(env.source, 'hash', `tmux workspace for ${env.id}`),
    session: quote(workspace.session),
    user: workspace.user && quote(workspace.user),
    window_lines: windows(workspace),
  };
  return { path: `${env.id}/workspace.sh`, content: renderTemplate('workspace.sh.mustache', view), executable: true };
}

/** Types `command` into a pane's shell: -l types the text as it is, even text naming a key. */
function typeInto(target: string, command: string | undefined): ShellCode[] {
  if (!command) return [];
  return [
    code(`tmux send-keys -t "${target}" -l -- ${quote(tmuxArgument(command))}`),
    code(`tmux send-keys -t "${target}" Enter`),
  ];
}

function windows(workspace: Workspace): ShellCode[] {
  const directory = workspace.directory ? ` -c ${quote(tmuxFormatArgument(workspace.directory))}` : '';
  return workspace.windows.flatMap((window, i) => {
    const name = quote(tmuxFormatArgument(window.name));
    // "=" makes the target the session of exactly that name, not the first one it prefixes.
    const create =
      i === 0
        ? `bw_window=$(tmux new-session -d -P -F '#{window_id}' -s "$bw_session" -n ${name}${directory})`
        : `bw_window=$(tmux new-window -d -P -F '#{window_id}' -t "=$bw_session:" -n ${name}${directory})`;
    const panes = window.panes ?? [];
    return [
      code(create),
      ...typeInto('$bw_window', window.command),
      ...panes.flatMap((command) => [
        code(`bw_pane=$(tmux split-window -d -P -F '#{pane_id}' -t "$bw_window"${directory})`),
        // Rearranged after each split, so that the next one has room.
        code(`tmux select-layout -t "$bw_window" ${window.layout ?? 'tiled'}`),
        ...typeInto('$bw_pane', command),
      ]),
    ];
  });
}
