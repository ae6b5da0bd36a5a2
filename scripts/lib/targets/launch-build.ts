// What launch.sh builds before it runs: the config's image from its Containerfile, then the
// local dev container features onto it (targets/features.ts), and what it says of the features
// it cannot install; and whether it needs the repository's folder to find them.
import { fromRegistry } from '../model/features.ts';
import type { Environment } from '../model/environment.ts';
import { REPOSITORY } from '../model/environment.ts';
import { quote, word } from '../shell/quote.ts';
import type { Template } from '../template-string.ts';
import { FEATURES_FILE, featuresContext } from './features.ts';

/** Whether a mount names a folder of the repository (./x), found from the script's place. */
export function usesRepository(env: Environment): boolean {
  const inRepository = (template: Template | undefined) =>
    template?.some((part) => 'variable' in part && part.variable === REPOSITORY) ?? false;
  return (
    env.mounts.some((m) => inRepository(m.source)) ||
    inRepository(env.build?.context) ||
    featuresContext(env) !== undefined
  );
}

/**
 * What launch.sh builds, in order: the config's image from its build (tagged as the base of
 * the features when there are local ones), then the local features onto it (targets/features.ts).
 */
function buildSteps(env: Environment) {
  const { build } = env;
  const base = env.baseImage ?? env.image;
  const steps = [];
  if (build) {
    const file = build.containerfile;
    steps.push({
      image: word(base),
      base: undefined,
      context: word(build.context),
      containerfile:
        file === undefined ? undefined : file.startsWith('/') ? quote(file) : `"$bw_context/"${quote(file)}`,
      build_options: [
        ...build.args.flatMap((arg) => ['--build-arg', word([{ literal: `${arg.name}=` }, ...arg.value])]),
        ...(build.target ? ['--target', quote(build.target)] : []),
      ].join(' '),
    });
  }
  const context = featuresContext(env);
  if (context !== undefined)
    steps.push({
      image: word(env.image),
      context: `"$bw_root"/${quote(context)}`,
      containerfile: `"$bw_dir"/${quote(FEATURES_FILE)}`,
      // The base's id and USER, read before (base): a new base rebuilds the features.
      base: { image: word(base) },
      build_options:
        '--build-arg "BOXWRIGHT_BASE=$bw_base" --build-arg "BOXWRIGHT_BASE_ID=$bw_base_id" --build-arg "BOXWRIGHT_BASE_USER=${bw_base_user:-root}"',
    });
  return steps;
}

/** The OCI features launch.sh does not install, for its note when it makes the container. */
function registryFeatures(env: Environment): string | undefined {
  const names = fromRegistry(env).map((f) => f.id);
  return names.length ? quote(names.join(', ')) : undefined;
}

/** The launch template's build section: its steps, and the features it names instead. */
export function buildView(env: Environment) {
  const builds = buildSteps(env);
  return { build: builds.length > 0, builds, registry_features: registryFeatures(env) };
}
