// The one place where text becomes shell. Every config string that reaches a generated
// script passes through `quote` (or `word`, which quotes its literal parts with it), and the
// result is branded so that templates can only receive code made here.

export type ShellCode = string & { readonly __shellCode: unique symbol };

/** A literal piece of text, or a run-time reference to a shell variable. */
export type WordPart = { literal: string } | { variable: string };

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;
// A variable name, or a positional parameter $1..$9.
const SHELL_NAME = /^([A-Za-z_][A-Za-z0-9_]*|[1-9])$/;

/**
 * Quotes `text` as one shell word that every POSIX shell reads back byte for byte.
 * Words made only of safe characters stay bare so that scripts read naturally; `=` may not
 * lead because zsh expands `=cmd` outside sh emulation.
 */
export function quote(text: string): ShellCode {
  if (SAFE_WORD.test(text) && !text.startsWith('=')) return text as ShellCode;
  // A $ or ` inside single quotes reads like a mistake (shellcheck SC2016), so such text is
  // double-quoted with the four characters that are special there escaped.
  if (/[$`]/.test(text)) return `"${insideDoubleQuotes(text)}"` as ShellCode;
  return `'${text.replaceAll("'", `'\\''`)}'` as ShellCode;
}

/** Text to stand inside a double-quoted word as itself: the four special characters escaped. */
export function insideDoubleQuotes(text: string): ShellCode {
  return text.replace(/[\\$`"]/g, '\\$&') as ShellCode;
}

/** A word whose variable parts expand at run time, without eval and without splitting. */
export function word(parts: readonly WordPart[]): ShellCode {
  const merged: WordPart[] = [];
  for (const part of parts) {
    const last = merged[merged.length - 1];
    if ('literal' in part && part.literal === '') continue;
    if ('literal' in part && last && 'literal' in last)
      merged[merged.length - 1] = { literal: last.literal + part.literal };
    else merged.push(part);
  }
  if (merged.length === 0) return quote('');
  return merged
    .map((part) => ('variable' in part ? `"\${${shellName(part.variable)}}"` : quote(part.literal)))
    .join('') as ShellCode;
}

/**
 * A word that is never bare: for the right side of an assignment, where a bare word that
 * names a command (`env`, `test`) reads like a mistake (shellcheck SC2209).
 */
export function assignedWord(parts: readonly WordPart[]): ShellCode {
  const text = word(parts);
  return (SAFE_WORD.test(text) ? `"${text}"` : text) as ShellCode;
}

/** A variable name used as code; names are checked by the generator, this guards the guard. */
export function shellName(name: string): ShellCode {
  if (!SHELL_NAME.test(name)) throw new Error(`not a shell variable name: ${JSON.stringify(name)}`);
  return name as ShellCode;
}

/** Code written by the generator itself (never config text). */
export function code(text: string): ShellCode {
  return text as ShellCode;
}

/** Text as `#` comment lines; a newline in the text cannot end the comment. */
export function comment(text: string, indent = ''): ShellCode {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => (line.trim() === '' ? `${indent}#` : `${indent}# ${line}`))
    .join('\n') as ShellCode;
}

/**
 * A here-document that prints `text` literally: the delimiter is quoted (no expansion) and
 * chosen so that no line of the text can end the document early.
 */
export function heredoc(text: string, command = 'cat'): ShellCode {
  const lines = text.split('\n');
  let delimiter = 'END_OF_TEXT';
  while (lines.includes(delimiter)) delimiter += '_';
  return `${command} <<'${delimiter}'\n${text}\n${delimiter}` as ShellCode;
}
