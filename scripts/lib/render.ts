// Mustache rendering for generated files. Templates receive only ShellCode (already quoted)
// or plain text for comments, so mustache's HTML escaping is switched off: it must never
// touch shell. Templates are parsed once per run.
import { readFileSync } from 'node:fs';
import Mustache from 'mustache';
import { TEMPLATES_DIR } from './paths.ts';
import { project } from './project.ts';
import type { ShellCode } from './shell/quote.ts';

const cache = new Map<string, string>();

/** Partials live in templates/partials/ and are named by file, e.g. `<%> common.sh %>`. */
function partial(name: string): string {
  const key = `partials/${name}.mustache`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const text = readFileSync(TEMPLATES_DIR + key, 'utf8');
  cache.set(key, text);
  return text;
}

export function renderTemplate(name: string, view: object): string {
  let template = cache.get(name);
  if (template === undefined) {
    template = readFileSync(TEMPLATES_DIR + name, 'utf8');
    Mustache.parse(template);
    cache.set(name, template);
  }
  // What every template may name: the project's regenerate command (plain words, no quotes).
  const shared = { regenerate_command: project().generate };
  const text = Mustache.render(template, { ...shared, ...view }, partial, { escape: (value: string) => value });
  // Only the end is normalised: anything inside could be part of a quoted config value.
  return text.endsWith('\n') ? text : `${text}\n`;
}

/**
 * A block of shell with control flow of its own (if, case, loops), from
 * templates/snippets/<name>.sh.mustache, for a target to place among its lines. The view
 * holds only ShellCode made in scripts/lib/shell/.
 */
export function renderSnippet(name: string, view: object = {}): ShellCode {
  return renderTemplate(`snippets/${name}.sh.mustache`, view).replace(/\n$/, '') as ShellCode;
}
