// An environment's mounts and image build: host paths as templates, a ./ path as a folder of
// the repository found from the script's place, and the workspace mount.
import type { Template } from '../template-string.ts';
import type { Scope } from './kernel.ts';
import {
  type EnvironmentConfig,
  type ImageBuild,
  type Mount,
  REPOSITORY,
  WORKSPACE,
  WORKSPACE_FOLDER,
} from './environment.ts';

/** The host folder of `directory` in the container, when a bind mount holds it. */
export function hostFolderOf(directory: string, mounts: Mount[]): Template | undefined {
  // The deepest mount wins, as it does in the container.
  const holding = mounts
    .filter(
      (m) => m.type === 'bind' && m.source && (directory === m.targetText || directory.startsWith(`${m.targetText}/`)),
    )
    .sort((a, b) => b.targetText.length - a.targetText.length)[0];
  if (!holding) return undefined;
  return [...holding.source!, { literal: directory.slice(holding.targetText.length) }];
}

/** What follows the repository's folder for a ./ path: "" for ".", "/x" for "./x", "/../x" for "../x". */
export function inRepositoryPath(source: string): string {
  if (source === '.') return '';
  return source.startsWith('./') ? source.slice(1) : `/${source}`;
}

/** A folder of the repository (./x, found from the script's place at run time) as a template. */
export function inRepository(text: string, pointer: string, names: Scope): Template {
  return [{ variable: REPOSITORY }, ...names.template(inRepositoryPath(text), pointer)];
}

const REPOSITORY_PATH = /^\.\.?(\/|$)/;

export function buildImageBuild(config: EnvironmentConfig, names: Scope): ImageBuild {
  const build = config.build!;
  const { at, problems } = names;
  if (config.image.includes('@'))
    problems.add(at('/image'), 'an image that is built here is tagged, so it cannot name a digest (@sha256:...)');
  const relative = REPOSITORY_PATH.test(build.context);
  if (!relative && !/^(\/|~$|~\/|\$\{)/.test(build.context))
    problems.add(
      at('/build/context'),
      `build context "${build.context}" is not an absolute path`,
      'start it with /, ~/, ${VARIABLE}, or ./ for a folder of this repository',
    );
  return {
    context: relative
      ? inRepository(build.context, '/build/context', names)
      : names.template(build.context, '/build/context', { tilde: true }),
    containerfile: build.containerfile,
    args: Object.entries(build.args ?? {}).map(([name, value]) => {
      if (name === '' || name.includes('='))
        problems.add(at('/build/args', name), `build argument "${name}" must be non-empty and contain no "="`);
      return { name, value: names.template(value, `/build/args/${name}`) };
    }),
    target: build.target,
  };
}

/**
 * The folder launch.sh is run from, as devcontainer's workspace: at /workspaces/<its name>
 * unless a target is given. The launch script sets both variables before it runs.
 */
export function workspaceMount(
  mount: NonNullable<EnvironmentConfig['mounts']>[number],
  pointer: string,
  names: Scope,
): Mount {
  if (mount.source !== undefined)
    names.problems.add(
      names.at(`${pointer}/source`),
      'a workspace mount has no source: it is the folder launch.sh is run from',
    );
  if (mount.create)
    names.problems.add(names.at(`${pointer}/create`), 'only bind mounts can create their host directory');
  if (mount.target !== undefined && !/^(\/|\$\{)/.test(mount.target))
    names.problems.add(
      names.at(`${pointer}/target`),
      `mount target "${mount.target}" is not an absolute path`,
      'paths inside the container start with /',
    );
  return {
    type: 'workspace',
    source: [{ variable: WORKSPACE }],
    target:
      mount.target === undefined
        ? [{ literal: '/workspaces/' }, { variable: WORKSPACE_FOLDER }]
        : names.template(mount.target, `${pointer}/target`),
    targetText: mount.target ?? '/workspaces/<folder>',
    readOnly: mount.readOnly ?? false,
    create: false,
    options: mount.options ?? [],
    description: mount.description,
  };
}

export function buildMounts(config: EnvironmentConfig, names: Scope): Mount[] {
  const { at, problems } = names;
  const seenTargets = new Map<string, string>();
  if ((config.mounts ?? []).filter((m) => m.type === 'workspace').length > 1)
    problems.add(at('/mounts'), 'only one mount can be the workspace');
  return (config.mounts ?? []).map((mount, i) => {
    const pointer = `/mounts/${i}`;
    const type = mount.type ?? 'bind';
    if (type === 'workspace') return workspaceMount(mount, pointer, names);
    const target = mount.target!;
    if (!target.startsWith('/') && !target.startsWith('${')) {
      problems.add(
        at(`${pointer}/target`),
        `mount target "${target}" is not an absolute path`,
        'paths inside the container start with /',
      );
    }
    if (target.includes(':') || mount.source?.includes(':'))
      problems.add(at(pointer), 'mount paths cannot contain ":"', 'the runtime splits --volume at ":"');
    const first = seenTargets.get(target);
    if (first !== undefined)
      problems.add(at(`${pointer}/target`), `"${target}" is mounted twice`, `first at line ${at(first).line}`);
    else seenTargets.set(target, `${pointer}/target`);
    if (type === 'tmpfs' && mount.source !== undefined)
      problems.add(at(`${pointer}/source`), 'a tmpfs mount has no source', 'remove source');
    if (type !== 'tmpfs' && mount.source === undefined) problems.add(at(pointer), `a ${type} mount needs a source`);
    const repositoryFolder = type === 'bind' && mount.source !== undefined && REPOSITORY_PATH.test(mount.source);
    if (type === 'bind' && mount.source !== undefined && !repositoryFolder && !/^(\/|~$|~\/|\$\{)/.test(mount.source)) {
      problems.add(
        at(`${pointer}/source`),
        `bind source "${mount.source}" is not an absolute path`,
        'start it with /, ~/, ${VARIABLE}, or ./ for a folder of this repository',
      );
    }
    if (type === 'volume' && mount.source !== undefined && !/^[A-Za-z0-9$]/.test(mount.source)) {
      problems.add(
        at(`${pointer}/source`),
        `volume name "${mount.source}" must start with a letter or digit`,
        'for a host path use type "bind"',
      );
    }
    if (mount.create && type !== 'bind')
      problems.add(at(`${pointer}/create`), 'only bind mounts can create their host directory');
    return {
      type,
      source:
        mount.source === undefined
          ? undefined
          : repositoryFolder
            ? // ./x is a folder of the repository that holds the config, wherever it is run from.
              inRepository(mount.source, `${pointer}/source`, names)
            : names.template(mount.source, `${pointer}/source`, { tilde: type === 'bind' }),
      sourceText: mount.source,
      target: names.template(target, `${pointer}/target`),
      targetText: target,
      readOnly: mount.readOnly ?? false,
      create: mount.create ?? false,
      options: mount.options ?? [],
      description: mount.description,
    };
  });
}
