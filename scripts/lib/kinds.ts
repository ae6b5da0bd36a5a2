// The config kinds boxwright knows: for each, its schema, how a validated config becomes a
// model, and the targets that render that model into files.
import { buildCatalog, type CatalogConfig } from './model/catalog.ts';
import { buildFleet, type FleetConfig } from './model/distrobox.ts';
import { buildEnvironment, type Environment, type EnvironmentConfig } from './model/environment.ts';
import type { Locator } from './model/kernel.ts';
import { buildStack, type ConfigLookup, type StackConfig } from './model/stack.ts';
import type { GeneratedFile } from './output.ts';
import type { ProblemList } from './problems.ts';
import { renderCatalog } from './targets/catalog.ts';
import { checkCatalogKube } from './targets/catalog-kube.ts';
import { renderBackup } from './targets/backup.ts';
import { renderFleet } from './targets/distrobox.ts';
import { renderDevcontainer } from './targets/devcontainer.ts';
import { environmentObjects, renderManifest } from './targets/kube.ts';
import { stackManifests } from './targets/kube-stack.ts';
import { containerFiles } from './targets/container-files.ts';
import { targetReport } from './targets/report.ts';
import { renderLaunch } from './targets/launch.ts';
import { catalogReadme, fleetReadme, stackReadme } from './targets/readme.ts';
import { environmentReadme } from './targets/readme-environment.ts';
import { renderStack } from './targets/stack.ts';
import { renderQuadlet } from './targets/quadlet.ts';
import { addFeatures } from './model/features.ts';
import { renderFeatures, warnRegistryFeatures } from './targets/features.ts';
import { renderCompose, stackCompose } from './targets/compose-file.ts';
import { stackQuadlet } from './targets/quadlet-stack.ts';
import { renderPlainUnit } from './targets/systemd.ts';

export interface ConfigContext {
  id: string; // file name without extension
  source: string; // the config path as shown in generated headers
  at: Locator;
  problems: ProblemList;
  /** What a target leaves out or says differently: shown, but it stops nothing. */
  warnings: ProblemList;
  /** The repository root as seen from this config's output folder, e.g. ../.. */
  root: string;
  /** The repository's folder, absolute: where a config's own files (local features) are read. */
  repository: string;
  /** The folder of the generated files, relative to the repository (generated). */
  output: string;
  /** Other configs of the same folder, for kinds that refer to them. */
  lookup: ConfigLookup;
  configNames: readonly string[];
  /** Whether a stack with Quadlet units has this config as a member. */
  inQuadletStack: boolean;
}

export interface Kind {
  name: string;
  schemaFile: string;
  /** Builds the model and renders every target, or reports problems and returns undefined. */
  compile(config: unknown, context: ConfigContext): GeneratedFile[] | undefined;
}

/** The files of generated/<id>/ that people and the host read. */
function hostFiles(environment: Environment): GeneratedFile[] {
  return [
    ...(environment.backupImage ? renderBackup(environment, environment.backupImage) : []),
    environmentReadme(environment),
  ];
}

export const KINDS: readonly Kind[] = [
  {
    name: 'environment',
    schemaFile: 'environment.schema.json',
    compile(config, { id, source, at, problems, warnings, root, repository, output, inQuadletStack }) {
      const environment = buildEnvironment(id, source, config as EnvironmentConfig, at, problems);
      if (!environment) return undefined;
      addFeatures(environment, (config as EnvironmentConfig).features, repository, at, problems);
      const inContainer = containerFiles(environment);
      const { kubernetes, devcontainer, quadlet } = environment;
      const before = problems.items.length;
      // Each target that cannot say everything reports at the section that asked for it.
      const report = (section: string, leftOut: string[] = []) =>
        targetReport({ problems, warnings }, (pointer) => at(pointer ?? section), leftOut);
      const units = quadlet
        ? renderQuadlet(environment, { unit: id, source, folder: '.', root, ...quadlet }, report('/quadlet'))
        : [];
      const unitNames = units.map((unit) => unit.path.slice(id.length + 1));
      const features = renderFeatures(environment, report('/features'));
      warnRegistryFeatures(environment, report('/features'));
      const files = [
        renderLaunch(environment, root, { units: unitNames, inQuadletStack }),
        ...(features ? [features] : []),
        ...inContainer,
        ...hostFiles(environment),
        ...units,
      ];
      if (environment.systemd)
        files.push(
          renderPlainUnit({
            id,
            source,
            description: environment.description ?? id,
            script: 'launch.sh',
            start: ['up', '--wait-timeout', '600'],
            stop: ['stop'],
            root,
            runtime: environment.systemd.runtime ?? environment.runtime,
            wantedBy: environment.systemd.wantedBy,
            stopSeconds: environment.stopTimeout === undefined ? undefined : environment.stopTimeout + 30,
            what: 'systemd unit',
          }),
        );
      if (environment.compose) {
        const leftOut: string[] = [];
        files.push(renderCompose(environment, { root, output }, report('/compose', leftOut), leftOut));
      }
      if (devcontainer) files.push(renderDevcontainer(environment, root, report('/devcontainer')));
      if (kubernetes) {
        const leftOut: string[] = [];
        const objects = environmentObjects(environment, kubernetes, inContainer, report('/kubernetes', leftOut));
        files.push(renderManifest(`${id}/kube.yaml`, source, `Kubernetes manifest for ${id}`, objects, leftOut));
      }
      return problems.items.length > before ? undefined : files;
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
    compile(config, { id, source, at, problems, warnings, root, output, lookup, configNames }) {
      const stack = buildStack(id, source, config as StackConfig, at, problems, lookup, configNames);
      if (!stack) return undefined;
      const before = problems.items.length;
      const quadlet = stackQuadlet(stack, { id, source, at, problems, warnings, root });
      const compose = stackCompose(stack, { id, source, at, problems, warnings, root, output });
      const files = [renderStack(stack, root, quadlet), stackReadme(stack), ...quadlet, ...compose];
      if (stack.systemd)
        files.push(
          renderPlainUnit({
            id,
            source,
            description: stack.description ?? id,
            script: 'stack.sh',
            start: ['--mode', stack.systemd.mode.id, 'up'],
            stop: ['--mode', stack.systemd.mode.id, 'down'],
            root,
            runtime: stack.systemd.runtime ?? stack.runtime,
            wantedBy: stack.systemd.wantedBy,
            what: 'systemd unit',
          }),
        );
      if (problems.items.length > before) return undefined;
      if (!stack.kubernetes) return files;
      const manifests = stackManifests(stack, { id, source, at, problems, warnings });
      return manifests && [...files, ...manifests];
    },
  },
  {
    name: 'distrobox',
    schemaFile: 'distrobox.schema.json',
    compile(config, { id, source, at, problems, root }) {
      const fleet = buildFleet(id, source, config as FleetConfig, at, problems);
      return fleet && [...renderFleet(fleet, root), fleetReadme(fleet)];
    },
  },
];
