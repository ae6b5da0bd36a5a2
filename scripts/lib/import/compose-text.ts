// compose's text as boxwright reads it: its interpolation (${VAR}, ${VAR:-default},
// ${VAR:?message}, $$) as boxwright's variables or as the text the runtime gets, its durations,
// its KEY=value lists and its command strings (split as compose splits them).
import type { JsonValue } from './jsonc.ts';

type Json = JsonValue;
type Obj = { [key: string]: Json };

/** A compose duration (1m30s, 10s, 500ms) in whole seconds, rounded up; a bare number is seconds. */
export function durationSeconds(text: string): number | undefined {
  if (/^[0-9]+$/.test(text)) return Number(text);
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9 };
  const parts = [...text.matchAll(/([0-9.]+)(h|ms|m|s|us|ns)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return Math.ceil(parts.reduce((total, [, amount, unit]) => total + Number(amount) * units[unit!]!, 0));
}

/**
 * A value boxwright passes as written: compose's $$ is a $, and a compose variable is fixed to
 * its default (compose would read it from the environment), which a comment says.
 */
export function literal(text: string, variables: Obj, drop: (key: string, why: string) => void): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced, dash, fallback, bare) => {
      if (whole === '$$') return '$';
      const name = (braced ?? bare) as string;
      const fixed = dash?.endsWith('-') ? (fallback as string) : '';
      if (!(name in variables))
        drop(whole, `fixed to ${JSON.stringify(fixed)}: boxwright passes this value as written`);
      return fixed;
    },
  );
}

/** A compose list (KEY=value) or map as an object. */
export function mapOf(input: Json | undefined, value: (v: Json | undefined) => string | undefined): Obj {
  if (input === undefined || input === null) return {};
  const entries: [string, Json | undefined][] = Array.isArray(input)
    ? input.map((item) => {
        const text = String(item);
        const at = text.indexOf('=');
        return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
      })
    : Object.entries(input as Obj);
  return Object.fromEntries(
    entries.flatMap(([key, v]) => {
      const carried = value(v);
      return carried === undefined ? [] : [[key, carried]];
    }),
  );
}

/** compose's ${VAR}, ${VAR:-default} and $$ as boxwright's ${VAR} (a variable) and $$. */
export function interpolate(text: string, variables: Obj): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced, operator, after, bare) => {
      if (whole === '$$') return '$$';
      const name = (braced ?? bare) as string;
      // HOME is boxwright's own, as the host has it.
      if (!(name in variables) && name !== 'HOME')
        variables[name] = declared(operator as string | undefined, after as string);
      return `\${${name}}`;
    },
  );
}

/** ${NAME:-default} has a default; ${NAME:?message} is required, and says why. */
function declared(operator: string | undefined, after: string): Obj {
  if (operator?.endsWith('?')) return { required: true, ...(after ? { description: after } : {}) };
  return operator ? { default: after } : {};
}

/** A compose command: a list as it is, a string split as compose splits it (shlex). */
export function words(command: Json): string[] {
  if (Array.isArray(command)) return command.map(String);
  const out: string[] = [];
  let word = '';
  let quote: string | undefined;
  let started = false;
  for (const char of String(command)) {
    if (quote) {
      if (char === quote) quote = undefined;
      else word += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      started = true;
    } else if (/\s/.test(char)) {
      if (started) out.push(word);
      word = '';
      started = false;
    } else {
      word += char;
      started = true;
    }
  }
  if (started) out.push(word);
  return out;
}
