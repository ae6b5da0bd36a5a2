// generated/<name>/features.Containerfile: the config's local dev container features built
// onto its image as the devcontainer CLI builds them: as root, one layer each in install
// order, install.sh run from the feature's folder with its options as environment variables,
// the manifest's containerEnv as the image's, then back to the image's own user. launch.sh
// builds it (BOXWRIGHT_BASE: the config's image, BOXWRIGHT_BASE_USER: its USER); its context
// is the folder that holds every local feature.
import { posix } from 'node:path';
import { header } from '../header.ts';
import type { Environment } from '../model/environment.ts';
import { fromRegistry, type LocalFeature } from '../model/features.ts';
import type { GeneratedFile } from '../output.ts';
import { quote } from '../shell/quote.ts';
import type { TargetReport } from './report.ts';

export const FEATURES_FILE = 'features.Containerfile';

/** Where the features are copied from into the build: the folder that holds them all. */
export function featuresContext(env: Environment): string | undefined {
  const folders = env.features.flatMap((f) => (f.local ? [f.local.folder] : []));
  if (!folders.length) return undefined;
  let common = posix.dirname(folders[0]!);
  while (!folders.every((f) => f === common || f.startsWith(`${common}/`) || common === '.'))
    common = posix.dirname(common);
  return common;
}

export function renderFeatures(env: Environment, report: TargetReport): GeneratedFile | undefined {
  const context = featuresContext(env);
  if (context === undefined) return undefined;
  const lines = [
    header(env.source, 'hash', `Dev container features for ${env.id}`),
    '',
    'ARG BOXWRIGHT_BASE',
    'FROM ${BOXWRIGHT_BASE}',
    '# The image the features were built on, and its USER, which the container runs as again.',
    'ARG BOXWRIGHT_BASE_ID=',
    'ARG BOXWRIGHT_BASE_USER=root',
    'LABEL io.boxwright.features-base=${BOXWRIGHT_BASE_ID}',
    'USER root',
  ];
  env.features.forEach((feature, i) => {
    if (!feature.local) return;
    lines.push('', ...featureLayer(feature.local, i, context, report, `/features/${feature.id.replaceAll('/', '~1')}`));
  });
  lines.push('', 'USER ${BOXWRIGHT_BASE_USER}', '');
  return { path: `${env.id}/${FEATURES_FILE}`, content: lines.join('\n'), executable: false };
}

/** One feature: copied in, installed and removed in one RUN (one layer), then its containerEnv. */
function featureLayer(
  feature: LocalFeature,
  index: number,
  context: string,
  report: TargetReport,
  pointer: string,
): string[] {
  const folder = context === '.' ? feature.folder : posix.relative(context, feature.folder);
  const inImage = `/tmp/dev-container-features/${feature.featureId.replace(/[^\w.-]/g, '_')}_${index}`;
  // The CLI's own variables: the user the container runs as, here the image's.
  const env = [
    ...feature.env.map((e) => `${e.name}=${quote(e.value)}`),
    '_REMOTE_USER="$BOXWRIGHT_BASE_USER"',
    '_CONTAINER_USER="$BOXWRIGHT_BASE_USER"',
  ];
  const out = [
    `# ${feature.featureId} (./${feature.folder})`,
    `COPY ${folder}/ ${inImage}/`,
    `RUN cd ${inImage} && chmod +x install.sh && env ${env.join(' ')} ./install.sh && rm -rf ${inImage}`,
  ];
  for (const { name, value } of feature.containerEnv) {
    if (/[\r\n]/.test(value) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      report.refuse(
        `the feature ${feature.featureId}'s containerEnv ${name} cannot be an ENV line`,
        undefined,
        pointer,
      );
      continue;
    }
    // $ stays: ENV expands ${PATH} against the image's, as the CLI's own Dockerfile does.
    out.push(`ENV ${name}="${value.replace(/[\\"]/g, '\\$&')}"`);
  }
  return out;
}

/** The features from a registry, which only devcontainer.json's tools install. */
export function warnRegistryFeatures(env: Environment, report: TargetReport): void {
  const names = fromRegistry(env).map((f) => f.id);
  if (names.length)
    report.warn(
      `not installed by launch.sh or the units, compose and manifests: ${names.join(', ')} (from a registry; devcontainer.json carries them for the devcontainer CLI)`,
    );
}
