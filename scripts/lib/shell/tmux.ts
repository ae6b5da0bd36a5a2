// Arguments that tmux reads itself, after the shell: it ends a command at an argument that
// ends in ";" (and turns a final "\;" into ";"), expands #{...} formats in window names and
// start directories, and reads a send-keys argument that names a key (Enter, C-c) as that key.

/** An argument tmux passes on as it is: a final ";" escaped as "\;". */
export function tmuxArgument(text: string): string {
  return text.endsWith(';') ? `${text.slice(0, -1)}\\;` : text;
}

/** An argument tmux expands as a format (-n, -c): "#" doubled, then as tmuxArgument. */
export function tmuxFormatArgument(text: string): string {
  return tmuxArgument(text.replaceAll('#', '##'));
}
