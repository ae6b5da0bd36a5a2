// devcontainer.json's own values as boxwright's: its ${...} variables, and the workspace
// folder it states.
import type { JsonValue } from './jsonc.ts';

type Json = JsonValue;
type Obj = { [key: string]: Json };

/** The workspaceFolder the file states, when it is a plain path (no variables of its own). */
export function statedWorkspace(definition: Obj): string | undefined {
  const folder = definition.workspaceFolder;
  return typeof folder === 'string' && folder.startsWith('/') && !folder.includes('${') ? folder : undefined;
}

/**
 * devcontainer.json's ${...} as boxwright's: ${localEnv:NAME[:default]} a variable with that
 * default, ${localEnv:HOME} ~'s ${HOME}, ${localWorkspaceFolder} the repository (./), and
 * ${containerWorkspaceFolder} the workspaceFolder the file states (a plain path), and
 * ${devcontainerId} boxwright's own id of the container.
 * Undefined (and a comment, by `drop`) for what boxwright has no value for.
 */
export function template(
  input: Json | undefined,
  variables: Obj,
  drop: (why: string) => void,
  workspace?: string,
): string | undefined {
  if (typeof input !== 'string') return input === undefined ? undefined : String(input);
  let failed = false;
  const out = input.replaceAll('$', '$$$$').replace(/\$\$\{([^}]*)\}/g, (whole, inner: string) => {
    const [kind, name, ...rest] = inner.split(':');
    if (kind === 'localWorkspaceFolder') return '.';
    // The workspace's folder in the container, where workspaceFolder names it outright.
    if (kind === 'containerWorkspaceFolder' && workspace !== undefined) return workspace;
    if (kind === 'localWorkspaceFolderBasename') return '${bw_workspace_folder}';
    // A stable id per container: boxwright's own (model/devcontainer-id.ts), per config and instance.
    if (kind === 'devcontainerId') return '${devcontainerId}';
    if (kind === 'localEnv' && name) {
      if (name === 'HOME') return '${HOME}';
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        variables[name] = rest.length ? { default: rest.join(':') } : {};
        return `\${${name}}`;
      }
    }
    failed = true;
    drop(`${whole.slice(1)} has no boxwright value`);
    return whole;
  });
  if (failed) return undefined;
  // ${bw_workspace_folder} stands for the basename only inside a workspace target.
  return out;
}
