// What every kind's model builder shares: finding where a JSON pointer was written, names
// that become shell variables, and host templates (`${NAME}`) checked against the names a
// config declares. Builders report into the ProblemList and never throw.
import type { Location, ProblemList } from '../problems.ts';
import { suggestion } from '../problems.ts';
import { parseTemplate, variablesIn, type Template } from '../template-string.ts';
import { DEVCONTAINER_ID } from './devcontainer-id.ts';

/** Locates a JSON pointer of the merged config (optionally the key itself) in its source. */
export type Locator = (pointer: string, key?: string) => Location;

export const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Names the launch script itself relies on; a config variable may not shadow them. */
const RESERVED_NAMES = new Set([
  'HOME',
  'IFS',
  'PATH',
  'PWD',
  'OLDPWD',
  'OPTIND',
  'OPTARG',
  'PS1',
  'PS2',
  'PS4',
  'ENV',
  'CDPATH',
  'LINENO',
  'PPID',
  'BOXWRIGHT_RUNTIME',
  DEVCONTAINER_ID,
]);

/** A builder's view of one config: where things are, where problems go, what is declared. */
export interface Scope {
  at: Locator;
  problems: ProblemList;
  /** Parses host text with `${NAME}` references to declared names (see declare). */
  template(text: string, pointer: string, options?: { tilde?: boolean }): Template;
  optionalTemplate(text: string | undefined, pointer: string): Template | undefined;
  /** Makes NAME available to the templates parsed after this. */
  declare(name: string): void;
  isDeclared(name: string): boolean;
  /**
   * Reports a name that cannot be a shell variable, or that the launcher reserves: at the key
   * `name` under `pointer` (a name that is a key), or at `pointer` itself (a name that is a value).
   */
  checkName(name: string, pointer: string, what: string, isKey?: boolean): void;
}

export function scope(at: Locator, problems: ProblemList): Scope {
  // ~ and ${HOME} are the host user's home; ${devcontainerId} is the container's id.
  const declared = new Set<string>(['HOME', DEVCONTAINER_ID]);
  const self: Scope = {
    at,
    problems,
    template(text, pointer, options = {}) {
      const parsed = parseTemplate(text, options);
      if (!parsed.ok) {
        problems.add(at(pointer), parsed.error, parsed.hint);
        return [];
      }
      for (const name of variablesIn(parsed.parts)) {
        if (!declared.has(name)) {
          problems.add(
            at(pointer),
            `\${${name}} is not a declared variable`,
            suggestion(name, [...declared]).replace('expected one of', 'declared'),
          );
        }
      }
      return parsed.parts;
    },
    optionalTemplate: (text, pointer) => (text === undefined ? undefined : self.template(text, pointer)),
    declare: (name) => void declared.add(name),
    isDeclared: (name) => declared.has(name),
    checkName(name, pointer, what, isKey = true) {
      const where = isKey ? at(pointer, name) : at(pointer);
      if (!SHELL_NAME.test(name))
        problems.add(
          where,
          `${what} "${name}" is not a valid shell variable name`,
          'use letters, digits and _, not starting with a digit',
        );
      else if (RESERVED_NAMES.has(name) || /^bw_/i.test(name))
        problems.add(where, `${what} "${name}" is reserved by the launch script`, 'choose another name');
    },
  };
  return self;
}
