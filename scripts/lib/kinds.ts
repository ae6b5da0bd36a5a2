// The config kinds boxwright knows: for each, its schema, how a validated config becomes a
// model, and the targets that render that model into files.
import { buildCatalog, type CatalogConfig } from './model/catalog.ts';
import { buildFleet, type FleetConfig } from './model/distrobox.ts';
import { buildEnvironment, type EnvironmentConfig } from './model/environment.ts';
import type { Locator } from './model/kernel.ts';
import { buildStack, type ConfigLookup, type StackConfig } from './model/stack.ts';
import type { GeneratedFile } from './output.ts';
import type { ProblemList } from './problems.ts';
import { renderCatalog } from './targets/catalog.ts';
import { checkCatalogKube } from './targets/catalog-kube.ts';
import { renderBackup } from './targets/backup.ts';
import { renderFleet } from './targets/distrobox.ts';
import { renderEntrypoint } from './targets/entrypoint.ts';
import { renderJob } from './targets/job.ts';
import { environmentObjects, renderManifest, type KubeReport } from './targets/kube.ts';
import { renderLaunch } from './targets/launch.ts';
import { catalogReadme, environmentReadme, fleetReadme, stackReadme } from './targets/readme.ts';
import { renderStack } from './targets/stack.ts';
import { renderSupervisord } from './targets/supervisord.ts';
import { renderWorkspace } from './targets/workspace.ts';

export interface ConfigContext {
  id: string; // file name without extension
  source: string; // the config path as shown in generated headers
  at: Locator;
  problems: ProblemList;
  /** What a target leaves out or says differently: shown, but it stops nothing. */
  warnings: ProblemList;
  /** The repository root as seen from this config's output folder, e.g. ../.. */
  root: string;
  /** Other configs of the same folder, for kinds that refer to them. */
  lookup: ConfigLookup;
  configNames: readonly string[];
}

export interface Kind {
  name: string;
  schemaFile: string;
  /** Builds the model and renders every target, or reports problems and returns undefined. */
  compile(config: unknown, context: ConfigContext): GeneratedFile[] | undefined;
}

export const KINDS: readonly Kind[] = [
  {
    name: 'environment',
    schemaFile: 'environment.schema.json',
    compile(config, { id, source, at, problems, warnings, root }) {
      const environment = buildEnvironment(id, source, config as EnvironmentConfig, at, problems);
      if (!environment) return undefined;
      const { startup, services, workspace, jobs, kubernetes } = environment;
      const files = [
        renderLaunch(environment, root),
        ...(startup ? [renderEntrypoint(environment, startup)] : []),
        ...(services.length ? [renderSupervisord(environment)] : []),
        ...(workspace ? [renderWorkspace(environment, workspace)] : []),
        ...(jobs ? [renderJob(environment, jobs)] : []),
        ...(environment.backupImage ? renderBackup(environment, environment.backupImage) : []),
        environmentReadme(environment),
      ];
      if (!kubernetes) return files;
      const before = problems.items.length;
      const report: KubeReport = {
        refuse: (message, hint, pointer) => problems.add(pointer ? at(pointer) : kubernetes.at, message, hint),
        warn: (message, pointer) => {
          warnings.add(pointer ? at(pointer) : kubernetes.at, message);
          leftOut.push(message);
        },
      };
      const leftOut: string[] = [];
      const objects = environmentObjects(environment, kubernetes, files, report);
      if (problems.items.length > before) return undefined;
      return [...files, renderManifest(`${id}/kube.yaml`, source, `Kubernetes manifest for ${id}`, objects, leftOut)];
    },
  },
  {
    name: 'catalog',
    schemaFile: 'catalog.schema.json',
    compile(config, { id, source, at, problems, root }) {
      const catalog = buildCatalog(id, source, config as CatalogConfig, at, problems);
      if (!catalog) return undefined;
      const before = problems.items.length;
      checkCatalogKube(catalog, at, problems);
      return problems.items.length > before ? undefined : [...renderCatalog(catalog, root), catalogReadme(catalog)];
    },
  },
  {
    name: 'stack',
    schemaFile: 'stack.schema.json',
    compile(config, { id, source, at, problems, root, lookup, configNames }) {
      const stack = buildStack(id, source, config as StackConfig, at, problems, lookup, configNames);
      return stack && [renderStack(stack, root), stackReadme(stack)];
    },
  },
  {
    name: 'distrobox',
    schemaFile: 'distrobox.schema.json',
    compile(config, { id, source, at, problems }) {
      const fleet = buildFleet(id, source, config as FleetConfig, at, problems);
      return fleet && [...renderFleet(fleet), fleetReadme(fleet)];
    },
  },
];
