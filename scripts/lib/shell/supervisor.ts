// Quoting for supervisord.conf, which is not shell. supervisord reads it with Python's
// configparser (a blank then ";" or "#" starts an inline comment; a line break ends the
// value), expands %(name)s in values, splits command= with shlex in POSIX mode, and
// environment= with shlex in non-POSIX mode (no escapes; quotes kept, then stripped).

export type SupervisorField = 'command' | 'directory' | 'user' | 'environment';

/** Why supervisord would not read `text` back exactly as written in `field`, if it would not. */
export function supervisorProblem(field: SupervisorField, text: string): string | undefined {
  if (/[\r\n]/.test(text)) return 'supervisord.conf cannot hold a line break here';
  if (/\s[;#]/.test(text))
    return 'supervisord reads a blank followed by ";" or "#" as the start of a comment: leave out the blank';
  if (field !== 'command' && text.trim() !== text) return 'supervisord drops blanks at the start and end of a value';
  if (field === 'environment') {
    if (text.includes('"') && text.includes("'"))
      return 'supervisord cannot read an environment value holding both kinds of quotes (it has no escapes there)';
    if (/^['"]|['"]$/.test(text)) return 'supervisord strips quotes at the start and end of an environment value';
  }
  return undefined;
}

/** One shlex word, with % doubled so supervisord's expansion leaves it alone. */
export function supervisorWord(text: string): string {
  const word = /^[A-Za-z0-9_@+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
  return word.replaceAll('%', '%%');
}

/** A value of environment=KEY="value",...: quoted with the quote it does not hold. */
export function supervisorValue(text: string): string {
  const quote = text.includes('"') ? "'" : '"';
  return `${quote}${text}${quote}`.replaceAll('%', '%%');
}

/** A command line as the user wrote it, with only % escaped. */
export function supervisorCommand(text: string): string {
  return text.replaceAll('%', '%%');
}
