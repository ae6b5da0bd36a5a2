// systemd unit files, both ways: the one place where text becomes a unit file's value (for
// Quadlet units and plain systemd units), and the reader that takes a unit apart the way
// systemd and Quadlet do (systemd.syntax(7), systemd.service(5) "Command lines"), so that
// tests read back what was written and the Quadlet importer reads what people wrote.

/** A value that a unit file cannot hold as written. */
export class UnitValueError extends Error {}

/**
 * Text as systemd reads it back after specifier and variable expansion: `%` is written `%%`
 * (every value of a unit may hold specifiers) and, in command lines and the Quadlet keys
 * that become one, `$` is written `$$`.
 */
function escapeExpansions(text: string, dollars: boolean): string {
  const percent = text.replaceAll('%', '%%');
  return (dollars ? percent.replaceAll('$', '$$$$') : percent).replaceAll(SPECIFIER, '%');
}

/**
 * A specifier that the unit's text keeps (%h, the home folder): marked with a character of
 * Unicode's private use area until the text is written, so that escaping `%` leaves it alone.
 */
export const SPECIFIER = '\uE000';

export function specifier(letter: string): string {
  return `${SPECIFIER}${letter}`;
}

/**
 * A value taken as it stands (Description=, Quadlet's Image=, HostName=, HealthCmd=...): the
 * unit file syntax has no quoting for it, so a line break, a backslash at its end, or space
 * at either end cannot be written.
 */
export function rawValue(text: string, options: { dollars?: boolean } = {}): string {
  if (/[\n\r]/.test(text)) throw new UnitValueError('a line break');
  if (/^\s|\s$/.test(text)) throw new UnitValueError('space at its start or end');
  if (text.endsWith('\\')) throw new UnitValueError('a backslash at its end');
  return escapeExpansions(text, options.dollars ?? true);
}

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One word of a list value or a command line (Exec=, Environment=, PodmanArgs=...): bare when
 * it is plain, else double-quoted with systemd's C escapes, which carry any text.
 */
export function unitWord(text: string): string {
  const escaped = escapeExpansions(text, true);
  if (SAFE_WORD.test(escaped)) return escaped;
  // Control characters (below space, and DEL) as C escapes: a unit's line holds none raw.
  const inside = [...escaped]
    .map((c) => {
      if (c === '\\' || c === '"') return `\\${c}`;
      const code = c.charCodeAt(0);
      if (code >= 0x20 && code !== 0x7f) return c;
      const named: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };
      return named[c] ?? `\\x${code.toString(16).padStart(2, '0')}`;
    })
    .join('');
  return `"${inside}"`;
}

/** Words as one list value. */
export function unitWords(words: readonly string[]): string {
  return words.map(unitWord).join(' ');
}

/** A unit file's sections, in order, each a list of KEY=VALUE lines (values already written). */
export type UnitSections = { name: string; comments?: string[]; entries: [string, string][] }[];

/** The text of a unit file: a header comment, then its sections. */
export function renderUnitFile(header: string, sections: UnitSections): string {
  const parts = [header];
  for (const section of sections) {
    if (section.entries.length === 0) continue;
    const lines = [
      ...(section.comments ?? []).map((c) => `# ${c}`),
      `[${section.name}]`,
      ...section.entries.map(([k, v]) => `${k}=${v}`),
    ];
    parts.push(lines.join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}

// ---- reading ------------------------------------------------------------------------

export interface UnitEntry {
  section: string;
  key: string;
  value: string;
  /** 1-based line of the key in the file. */
  line: number;
}

/**
 * A unit file's entries as systemd reads them: comments (# and ;) skipped, a backslash at a
 * line's end joins the next line (with a space), space around = and at the ends trimmed.
 * A line outside a section, or that is neither a section nor KEY=VALUE, is an error.
 */
export function parseUnitFile(text: string): UnitEntry[] {
  const entries: UnitEntry[] = [];
  const lines = text.split(/\r?\n/);
  let section: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*[#;]/.test(line)) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      i++;
      const next = lines[i]!;
      // Comment lines inside a continued value are skipped, as systemd does.
      if (/^\s*[#;]/.test(next)) {
        line = `${line.slice(0, -1)}\\`;
        continue;
      }
      line = `${line.slice(0, -1)} ${next}`;
    }
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const header = /^\[([^\]]+)\]$/.exec(trimmed);
    if (header) {
      section = header[1]!;
      continue;
    }
    const at = trimmed.indexOf('=');
    if (at <= 0) throw new UnitSyntaxError(start + 1, `"${trimmed}" is neither [Section] nor KEY=VALUE`);
    if (section === undefined)
      throw new UnitSyntaxError(start + 1, `${trimmed.slice(0, at).trim()}= is outside a section`);
    entries.push({ section, key: trimmed.slice(0, at).trim(), value: trimmed.slice(at + 1).trim(), line: start + 1 });
  }
  return entries;
}

export class UnitSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

const C_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', s: ' ' };

/**
 * Words of a list value or command line, as systemd splits them: whitespace separates, single
 * and double quotes group, a backslash escapes (C escapes: \n, \t, \xNN, \\, \", \').
 */
export function splitUnitWords(value: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < value.length) {
    while (i < value.length && /\s/.test(value[i]!)) i++;
    if (i >= value.length) break;
    let word = '';
    let quote: string | undefined;
    for (; i < value.length; i++) {
      const c = value[i]!;
      if (quote === undefined && /\s/.test(c)) break;
      if (c === '\\') {
        const [text, length] = cEscape(value, i + 1);
        word += text;
        i += length;
      } else if (quote !== undefined && c === quote) quote = undefined;
      else if (quote === undefined && (c === '"' || c === "'")) quote = c;
      else word += c;
    }
    if (quote !== undefined) throw new UnitValueError(`an unclosed ${quote} in: ${value}`);
    words.push(word);
  }
  return words;
}

/** The text of the escape after a backslash at `at`, and how many characters it takes. */
function cEscape(value: string, at: number): [string, number] {
  const c = value[at];
  if (c === undefined) return ['', 0];
  if (c in C_ESCAPES) return [C_ESCAPES[c]!, 1];
  if (c === 'x') return [String.fromCharCode(Number.parseInt(value.slice(at + 1, at + 3), 16)), 3];
  if (c === 'u') return [String.fromCodePoint(Number.parseInt(value.slice(at + 1, at + 5), 16)), 5];
  if (/[0-7]/.test(c)) return [String.fromCharCode(Number.parseInt(value.slice(at, at + 3), 8)), 3];
  return [c, 1];
}

/**
 * A command line's words as the service runs them: specifiers (`%%` and those given) and
 * `$$`/`${NAME}` (from `environment`) expanded, as systemd does for ExecStart=.
 */
export function expandCommandLine(
  line: string,
  specifiers: Record<string, string>,
  environment: Record<string, string> = {},
): string[] {
  const specified = line.replace(/%(.)/g, (_whole, c: string) => {
    if (c === '%') return '%';
    if (c in specifiers) return specifiers[c]!;
    throw new UnitValueError(`the specifier %${c} has no value here`);
  });
  return splitUnitWords(specified).map((word) =>
    word.replace(/\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)\})/g, (_whole, dollar: string, name?: string) =>
      name === undefined ? dollar : (environment[name] ?? ''),
    ),
  );
}
