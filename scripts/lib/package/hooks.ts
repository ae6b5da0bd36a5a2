// `boxwright hooks install` in a repository that installed the package: its pre-commit hook
// (hooks/pre-commit: configs valid, generated/ in step with them) runs where the repository
// already runs hooks: husky's .husky/pre-commit, lefthook's pre-commit commands, else git's
// core.hooksPath pointed at the package's hooks. Each is added to, never replaced.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

/** The line a husky or lefthook pre-commit runs: the package's own hook. */
export const HOOK_COMMAND = 'sh node_modules/boxwright/hooks/pre-commit';
/** core.hooksPath for a repository with no hook manager. */
export const HOOKS_PATH = 'node_modules/boxwright/hooks';

/** What installing did, as a line for the user; `changed` false when it was there already. */
export interface Step {
  changed: boolean;
  said: string;
}

const LEFTHOOK = ['lefthook.yml', 'lefthook.yaml', '.lefthook.yml', '.lefthook.yaml'];

/** The git repository `cwd` is in (its top folder), or undefined outside one. */
export function gitTop(cwd: string): string | undefined {
  try {
    return execFileSync('git', ['-C', cwd, 'rev-parse', '--show-toplevel'], { encoding: 'utf8', stdio: 'pipe' }).trim();
  } catch {
    return undefined;
  }
}

/** Adds a line at the end of a file (made when missing), after the line its text ends in. */
export function appendLine(file: string, text: string, line: string, mode?: number): void {
  writeFileSync(file, `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`, mode ? { mode } : {});
}

export function installHooks(top: string): Step {
  if (existsSync(join(top, '.husky'))) return husky(top);
  const lefthook = LEFTHOOK.find((name) => existsSync(join(top, name)));
  if (lefthook) return lefthookCommand(top, lefthook);
  return hooksPath(top);
}

function husky(top: string): Step {
  const file = join(top, '.husky/pre-commit');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (text.includes(HOOK_COMMAND)) return { changed: false, said: '.husky/pre-commit runs the boxwright hook already' };
  appendLine(file, text, HOOK_COMMAND, 0o755);
  return { changed: true, said: `.husky/pre-commit: added ${HOOK_COMMAND}` };
}

/** lefthook's pre-commit gets a command of its own; the file's comments and order stay. */
function lefthookCommand(top: string, name: string): Step {
  const file = join(top, name);
  const document = parseDocument(readFileSync(file, 'utf8'));
  if (document.errors.length) throw new Error(`${name} is not YAML: ${document.errors[0]!.message.split('\n')[0]}`);
  if (document.getIn(['pre-commit', 'commands', 'boxwright']) !== undefined)
    return { changed: false, said: `${name} runs the boxwright hook already` };
  document.setIn(['pre-commit', 'commands', 'boxwright', 'run'], HOOK_COMMAND);
  writeFileSync(file, document.toString());
  return { changed: true, said: `${name}: added pre-commit command boxwright (${HOOK_COMMAND})` };
}

/** git's core.hooksPath, when the repository has none of its own. */
function hooksPath(top: string): Step {
  const git = (...args: string[]) => execFileSync('git', ['-C', top, ...args], { encoding: 'utf8' }).trim();
  let current = '';
  try {
    current = git('config', '--get', 'core.hooksPath');
  } catch {
    // Unset: git config --get exits 1.
  }
  if (current === HOOKS_PATH) return { changed: false, said: `core.hooksPath is ${HOOKS_PATH} already` };
  if (current !== '')
    return {
      changed: false,
      said: `core.hooksPath is '${current}', which boxwright leaves alone: call ${HOOK_COMMAND} from its pre-commit`,
    };
  git('config', 'core.hooksPath', HOOKS_PATH);
  return { changed: true, said: `core.hooksPath set to ${HOOKS_PATH}` };
}
