// Strings that expand at launch: `${NAME}` refers to a declared variable, `$$` is a
// literal `$`, and (in host paths only) a leading `~` is the home directory.
import type { WordPart } from './shell/quote.ts';

export type Template = WordPart[];

export type TemplateResult = { ok: true; parts: Template } | { ok: false; error: string; hint: string };

const REFERENCE = /\$(?:\{([^}]*)\}|(\$))/y;
const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseTemplate(text: string, options: { tilde?: boolean } = {}): TemplateResult {
  const parts: Template = [];
  let literal = '';
  let i = 0;
  if (options.tilde && (text === '~' || text.startsWith('~/'))) {
    parts.push({ variable: 'HOME' });
    i = 1;
  }
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) {
      literal += text.slice(i);
      break;
    }
    literal += text.slice(i, dollar);
    REFERENCE.lastIndex = dollar;
    const match = REFERENCE.exec(text);
    if (!match) {
      return {
        ok: false,
        error: `stray "$" at character ${dollar + 1}`,
        hint: 'write $$ for a literal $, or ${NAME} for a variable',
      };
    }
    if (match[2] !== undefined) literal += '$';
    else {
      const name = match[1]!;
      if (!SHELL_NAME.test(name)) {
        return {
          ok: false,
          error: `"\${${name}}" is not a variable reference`,
          hint: 'variable names are letters, digits and _, not starting with a digit',
        };
      }
      if (literal) parts.push({ literal });
      literal = '';
      parts.push({ variable: name });
    }
    i = REFERENCE.lastIndex;
  }
  if (literal) parts.push({ literal });
  return { ok: true, parts };
}

export function variablesIn(parts: Template): string[] {
  return parts.flatMap((p) => ('variable' in p ? [p.variable] : []));
}

export function literalText(parts: Template): string | undefined {
  return parts.every((p) => 'literal' in p) ? parts.map((p) => ('literal' in p ? p.literal : '')).join('') : undefined;
}
