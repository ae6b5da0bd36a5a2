// The kubernetes section of a config, normalised, and the rule that turns the config's
// templates into the plain strings a manifest holds. A manifest is data with no shell to
// read variables at run time, so `${NAME}` is resolved when the file is generated: from
// kubernetes.variables, else the variable's default. What cannot be resolved is refused.
import type { Location, ProblemList } from '../problems.ts';
import type { Template } from '../template-string.ts';
import type { Locator } from './kernel.ts';
import { parseSize } from './size.ts';

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer';
export type PullPolicy = 'IfNotPresent' | 'Always' | 'Never';

export interface KubernetesConfig {
  namespace?: string;
  secretName?: string;
  serviceType?: ServiceType;
  imagePullPolicy?: PullPolicy;
  storageClass?: string;
  volumeSize?: string;
  volumes?: Record<string, { size?: string; storageClass?: string }>;
  mounts?: Record<string, MountOverride>;
  variables?: Record<string, string>;
  entrypoint?: string;
  user?: string;
  requests?: { cpu?: number; memory?: string };
  gpus?: number;
  image?: ImageFacts;
}

/** What the image itself runs, stated for a file that cannot read it from the image. */
export interface ImageFacts {
  entrypoint?: string[];
  cmd?: string[];
  user?: string;
  env?: Record<string, string>;
}

/** What stands in for a host folder on a cluster. */
export type MountOverride = { secret?: string; optional?: boolean; hostPath?: string; emptyDir?: true };

export interface Kubernetes {
  namespace?: string;
  secretName?: string;
  serviceType: ServiceType;
  imagePullPolicy: PullPolicy;
  storageClass?: string;
  /** Bytes requested by a named volume's claim, by volume name, and for the others. */
  volumeSizes: Map<string, number>;
  volumeClasses: Map<string, string>;
  defaultVolumeSize: number;
  mounts: Map<string, MountOverride>;
  variables: Map<string, string>;
  entrypoint?: string;
  user?: string;
  requests: { cpu?: number; memoryBytes?: number };
  gpus: number;
  image: ImageFacts;
  /** Where the section was written, for problems about what it leaves out. */
  at: Location;
}

/** A DNS-1123 label: what Kubernetes takes for names of Services, containers and hosts. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A DNS-1123 subdomain: names of most other objects. */
export const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function buildKubernetes(
  config: KubernetesConfig,
  at: Locator,
  problems: ProblemList,
  pointer = '/kubernetes',
): Kubernetes {
  const size = (text: string, where: string): number => {
    const parsed = parseSize(text);
    if ('problem' in parsed) {
      problems.add(at(where), parsed.problem);
      return 0;
    }
    return parsed.bytes;
  };
  const volumeSizes = new Map<string, number>();
  const volumeClasses = new Map<string, string>();
  for (const [name, volume] of Object.entries(config.volumes ?? {})) {
    if (volume.size !== undefined) volumeSizes.set(name, size(volume.size, `${pointer}/volumes/${name}/size`));
    if (volume.storageClass !== undefined) volumeClasses.set(name, volume.storageClass);
  }
  for (const [target, mount] of Object.entries(config.mounts ?? {})) {
    const kinds = (['secret', 'hostPath', 'emptyDir'] as const).filter((k) => mount[k] !== undefined);
    if (kinds.length !== 1)
      problems.add(
        at(`${pointer}/mounts`, target),
        `mount ${target} needs exactly one of secret, hostPath and emptyDir`,
      );
    if (mount.optional !== undefined && mount.secret === undefined)
      problems.add(at(`${pointer}/mounts/${target}/optional`), 'optional applies to a secret only');
  }
  return {
    namespace: config.namespace,
    secretName: config.secretName,
    serviceType: config.serviceType ?? 'ClusterIP',
    imagePullPolicy: config.imagePullPolicy ?? 'IfNotPresent',
    storageClass: config.storageClass,
    volumeSizes,
    volumeClasses,
    defaultVolumeSize: size(config.volumeSize ?? '10Gi', `${pointer}/volumeSize`),
    mounts: new Map(Object.entries(config.mounts ?? {})),
    variables: new Map(Object.entries(config.variables ?? {})),
    entrypoint: config.entrypoint,
    user: config.user,
    requests: {
      cpu: config.requests?.cpu,
      memoryBytes:
        config.requests?.memory === undefined ? undefined : size(config.requests.memory, `${pointer}/requests/memory`),
    },
    gpus: config.gpus ?? 1,
    image: config.image ?? {},
    at: at(pointer),
  };
}

/** A variable as a manifest sees it: its value given for the cluster, else its default. */
export interface ResolvableVariable {
  name: string;
  default?: Template;
  required: boolean;
}

/**
 * Resolves templates against the variables' values for the cluster. A variable with neither
 * a value nor a default is empty when optional; a required one, or ~ (a home folder the
 * cluster does not have), is reported once at `where` and resolves to undefined.
 */
export function resolver(
  variables: readonly ResolvableVariable[],
  given: ReadonlyMap<string, string>,
  report: (message: string, hint?: string) => void,
): (template: Template) => string | undefined {
  const values = new Map<string, string | undefined>();
  const reported = new Set<string>();
  const fail = (key: string, message: string, hint?: string) => {
    if (!reported.has(key)) report(message, hint);
    reported.add(key);
    return undefined;
  };
  const resolve = (template: Template): string | undefined => {
    let text = '';
    for (const part of template) {
      if ('literal' in part) {
        text += part.literal;
        continue;
      }
      const value = valueFor(part.variable);
      if (value === undefined) return undefined;
      text += value;
    }
    return text;
  };
  const valueFor = (name: string): string | undefined => {
    if (values.has(name)) return values.get(name);
    let value: string | undefined;
    const variable = variables.find((v) => v.name === name);
    if (given.has(name)) value = given.get(name);
    else if (name === 'HOME')
      value = fail(
        name,
        'a manifest has no home folder to put for ~ or ${HOME}',
        'list the mount under kubernetes.mounts',
      );
    else if (variable?.default) value = resolve(variable.default);
    else if (variable?.required)
      value = fail(
        name,
        `variable ${name} is required and has no value for the manifest`,
        `set kubernetes.variables.${name}`,
      );
    else value = '';
    values.set(name, value);
    return value;
  };
  return resolve;
}

/** Unknown names in kubernetes.variables are most likely typos. */
export function checkGivenVariables(
  given: ReadonlyMap<string, string>,
  declared: readonly string[],
  at: Locator,
  problems: ProblemList,
  pointer = '/kubernetes/variables',
): void {
  for (const name of given.keys())
    if (!declared.includes(name)) problems.add(at(pointer, name), `no variable named "${name}" is declared`);
}

/** Bytes as a Kubernetes quantity: the largest of Ti, Gi, Mi and Ki that is exact. */
export function quantity(bytes: number): string {
  for (const [unit, size] of [
    ['Ti', 2 ** 40],
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ] as const) {
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/** CPUs as a Kubernetes quantity: whole cores, else millicores. */
export function cpuQuantity(cpus: number): string {
  const milli = Math.round(cpus * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}
