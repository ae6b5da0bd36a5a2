// Where boxwright runs: in its own repository, whose entry scripts are scripts/generate.mjs and
// scripts/import.mjs and whose configs name ../schemas/, or in a repository that installed the
// package, whose users run `npx boxwright generate` and whose configs name the installed
// package's schemas. The entry that starts a run says which (scripts/boxwright.mjs, the
// package's command, finds boxwright's own checkout too); what boxwright writes for people
// (headers, usage, hints, the importer's comments and $schema) names that project's commands.
export interface Project {
  /** How a person regenerates: the command the headers and hints name. */
  generate: string;
  /** How a person imports a file. */
  import: string;
  /** The schemas folder as a config in configs/ names it. */
  schemas: string;
}

export const OWN: Project = {
  generate: 'npx zx scripts/generate.mjs',
  import: 'npx zx scripts/import.mjs',
  schemas: '../schemas',
};

export const INSTALLED: Project = {
  generate: 'npx boxwright generate',
  import: 'npx boxwright import',
  schemas: '../node_modules/boxwright/schemas',
};

// One run generates for one project, and its headers are written deep in every target: the
// entry sets it once, before anything is rendered.
let current: Project = OWN;

export function useProject(project: Project): void {
  current = project;
}

export function project(): Project {
  return current;
}

/** A kind's schema, as a config in configs/ names it in $schema. */
export function schemaReference(kind: 'environment' | 'stack' | 'distrobox' | 'catalog'): string {
  return `${current.schemas}/${kind}.schema.json`;
}
