// Quoting for supervisord.conf, which is not shell: supervisord expands %(name)s in values and
// splits command= and environment= with Python's shlex in POSIX mode.

/** One shlex word, with % doubled so supervisord's expansion leaves it alone. */
export function supervisorWord(text: string): string {
  const word = /^[A-Za-z0-9_@+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
  return word.replaceAll('%', '%%');
}

/** A value of environment=KEY="value",... */
export function supervisorValue(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&')}"`.replaceAll('%', '%%');
}

/** A command line as the user wrote it, with only % escaped. */
export function supervisorCommand(text: string): string {
  return text.replaceAll('%', '%%');
}
