// The Kubernetes target: an Environment (alone, or as a member of a stack) becomes the
// objects of generated/<name>/kube.yaml. One function per part of the Pod, so that a field
// of the config is found here by its name. Everything is resolved at generate time (see
// model/kubernetes.ts); what a manifest cannot say is refused, what it leaves out is warned.
import { createHash } from 'node:crypto';
import { Document, parseDocument, visit } from 'yaml';
import { kubeFields } from '../keys/options.ts';
import { header, seal } from '../header.ts';
import { DEVCONTAINER_ID, devcontainerId } from '../model/devcontainer-id.ts';
import { CONTAINER_DIR, DEFAULT_PATH, runsThroughShell, type Environment, type EnvVar } from '../model/environment.ts';
import { DNS_LABEL, resolver, type Kubernetes, type ServiceType } from '../model/kubernetes.ts';
import type { IContainer, IContainerPort, IEnvVar, IPodSpec, ISecurityContext, IVolume } from 'kubernetes-models/v1';
import type { GeneratedFile } from '../output.ts';
import type { Template } from '../template-string.ts';
import { pruneEmpty } from './data.ts';
import type { TargetReport } from './report.ts';
import { checkImageTag, podStorage, resources, securityContext, warnLeftOut } from './kube-pod.ts';
import { healthcheckKube } from '../keys/coded.ts';

/** A Kubernetes object as plain data, in the order its YAML shows it. */
export type KubeObject = { apiVersion: string; kind: string; metadata: Record<string, unknown> } & Record<
  string,
  unknown
>;

/** What a stack adds to a member: its labels, and its mode's values for variables. */
export interface KubeMembership {
  partOf: string;
  variables: ReadonlyMap<string, string>;
}

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'boxwright' };
/**
 * Kubernetes expands $(NAME) in env values, command and args, and reads $$ as $: every $
 * is doubled so that the text arrives as written.
 */
export function kubeText(text: string): string {
  return text.replaceAll('$', '$$$$');
}

/**
 * The manifest's text: the header, what the manifest leaves out or says differently from
 * launch.sh (as comments, where a reader of the manifest looks), then one YAML document per
 * object.
 */
/**
 * One object as a YAML document. A text with a line of only blanks is double-quoted: written as
 * a block scalar, such a line is read back as empty (yaml 2.9 gives no indentation indicator).
 * So is a text that YAML 1.1 or 1.2 would read as another type when plain (0:0, yes, 0o7): the
 * readers differ (kubectl's and PyYAML follow 1.1, docker compose's 1.2).
 */
export function yamlText(object: object): string {
  const document = new Document(object, { aliasDuplicateObjects: false });
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      if ((/^[ \t]+$/m.test(node.value) && node.value.includes('\n')) || readsAsOther(node.value))
        node.type = 'QUOTE_DOUBLE';
    },
  });
  return document.toString({ lineWidth: 0 });
}

/** Whether a one-line text, written plain, reads back as something else in YAML 1.1 or 1.2. */
function readsAsOther(text: string): boolean {
  if (text.includes('\n') || text === '') return false;
  return (['1.1', '1.2'] as const).some((version) => {
    try {
      return parseDocument(text, { version }).toJS() !== text;
    } catch {
      return true;
    }
  });
}

/** What a file leaves out or says differently from launch.sh, as comments under its header. */
export function leftOutNotes(leftOut: readonly string[]): string {
  if (!leftOut.length) return '';
  return `#\n# Unlike launch.sh:\n${leftOut.map((line) => `# - ${line.replace(/[\r\n]/g, ' ')}`).join('\n')}\n`;
}

export function renderManifest(
  path: string,
  source: string,
  what: string,
  objects: KubeObject[],
  leftOut: readonly string[] = [],
): GeneratedFile {
  const documents = objects.map(yamlText);
  const notes = leftOutNotes(leftOut);
  const content = `${header(source, 'hash', what)}\n${notes}${documents.map((d) => `---\n${d}`).join('')}`;
  return { path, content, executable: false };
}

/** Templates as the manifest's text: the config's id, the section's values, the defaults. */
function manifestText(
  env: Environment,
  kube: Kubernetes,
  report: TargetReport,
  membership?: KubeMembership,
): (template: Template) => string {
  const given = new Map([
    [DEVCONTAINER_ID, devcontainerId(env.id)],
    ...kube.variables,
    ...(membership?.variables ?? []),
  ]);
  const resolve = resolver(env.variables, given, (message, hint) => report.refuse(message, hint));
  return (template) => resolve(template) ?? '';
}

export function environmentObjects(
  env: Environment,
  kube: Kubernetes,
  /** The generated files the container reads (entrypoint.sh and the rest), for the ConfigMap. */
  containerFiles: readonly GeneratedFile[],
  report: TargetReport,
  membership?: KubeMembership,
): KubeObject[] {
  const text = manifestText(env, kube, report, membership);
  const name = text(env.name);
  if (!DNS_LABEL.test(name))
    report.refuse(
      `the container name "${name}" is not a Kubernetes name (lowercase letters, digits and -, at most 63)`,
      'rename it, or give its variables other values in kubernetes.variables',
      '/name',
    );
  const labels = {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': name,
    ...(membership ? { 'app.kubernetes.io/part-of': membership.partOf } : {}),
    ...MANAGED_BY,
  };
  const selector = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name };
  const metadata = (objectName: string, more: Record<string, unknown> = {}) => ({
    name: objectName,
    ...(kube.namespace ? { namespace: kube.namespace } : {}),
    labels,
    ...more,
  });

  const configMapName = `${name}-boxwright`;
  const { claims, volumes, volumeMounts } = podStorage(env, kube, text, report, {
    name,
    configMapName,
    hasFiles: containerFiles.length > 0,
    metadata,
  });

  const interactive = !env.detach && env.interactive !== false;
  // The key table's fields of the container (its securityContext's too).
  const { securityContext: tableContext, ...fields } = kubeFields(env, 'container', text);
  const container: IContainer = {
    name,
    image: text(env.image),
    imagePullPolicy: kube.imagePullPolicy,
    ...commandAndArgs(env, kube, report),
    ...fields,
    ...(interactive ? { stdin: true, tty: true } : {}),
    env: containerEnv(env, kube, name, text, report),
    ...envFrom(env, kube, name),
    ports: containerPorts(env),
    resources: resources(env, kube),
    securityContext: { ...(tableContext as ISecurityContext | undefined), ...securityContext(env, kube, text, report) },
    readinessProbe: healthcheckKube(env, kubeText),
    volumeMounts,
  };
  pruneEmpty(container);
  checkImageTag(String(container.image), kube, report);
  warnLeftOut(env, report);

  const pod = podSpec(env, text, container, volumes, report);
  const configMapData = Object.fromEntries(
    containerFiles.map((f) => [f.path.slice(f.path.lastIndexOf('/') + 1), seal(f.content)]),
  );
  const annotations = podAnnotations(env, text, containerFiles.length ? configMapData : undefined);
  const podMetadata = { labels, ...(Object.keys(annotations).length ? { annotations } : {}) };

  const objects: KubeObject[] = [];
  if (containerFiles.length)
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(configMapName), data: configMapData });
  objects.push(...claims);
  objects.push(...services(env, kube, name, text, selector, metadata, report, membership));
  if (env.detach) objects.push(deployment(metadata(name), selector, podMetadata, pod));
  else
    objects.push({ apiVersion: 'v1', kind: 'Pod', metadata: { ...metadata(name), ...podMetadata, labels }, spec: pod });
  return objects;
}

/** The Pod: its container and volumes, and the fields of the key table's Pod column. */
function podSpec(
  env: Environment,
  text: (t: Template) => string,
  container: IContainer,
  volumes: IVolume[],
  report: TargetReport,
): IPodSpec {
  const hostname = env.hostname && text(env.hostname);
  const pod: IPodSpec = {
    ...(hostname !== undefined && DNS_LABEL.test(hostname) ? { hostname } : {}),
    ...(env.network && text(env.network.name) === 'host' ? { hostNetwork: true } : {}),
    ...(env.ipc === 'host' ? { hostIPC: true } : {}),
    ...(env.detach ? {} : { restartPolicy: 'Never' }),
    ...kubeFields(env, 'pod', text),
    containers: [container],
    volumes,
  };
  if (hostname !== undefined && !DNS_LABEL.test(hostname))
    report.warn(`hostname "${hostname}" is not a DNS label, so the Pod keeps its own`, '/hostname');
  pruneEmpty(pod);
  return pod;
}

/**
 * The Pod's annotations: the config's labels, and the digest of the generated files. A changed
 * ConfigMap does not start a Pod again by itself: its digest here makes `kubectl apply` roll it.
 */
function podAnnotations(
  env: Environment,
  text: (t: Template) => string,
  files: Record<string, string> | undefined,
): Record<string, string> {
  return {
    ...(files
      ? {
          'boxwright.io/files-digest': createHash('sha256').update(JSON.stringify(files)).digest('hex').slice(0, 16),
        }
      : {}),
    ...Object.fromEntries(env.labels.map((l) => [l.name, text(l.value)])),
  };
}

/**
 * One Pod kept running: a long-lived environment, or a catalog combination. One workstation
 * with ReadWriteOnce claims: on a change the old Pod goes before the new one comes.
 */
export function deployment(
  metadata: Record<string, unknown>,
  selector: Record<string, string>,
  podMetadata: Record<string, unknown>,
  spec: IPodSpec,
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: 1,
      strategy: { type: 'Recreate' },
      selector: { matchLabels: selector },
      template: { metadata: podMetadata, spec },
    },
  };
}

/** A Service publishing ports to the Pods of `selector`. */
export function service(
  metadata: Record<string, unknown>,
  type: ServiceType,
  selector: Record<string, string>,
  ports: { name: string; port: number; targetPort: number; protocol: 'TCP' | 'UDP' | 'SCTP' }[],
): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata, spec: { type, selector, ports } };
}

/** A claim of one node's storage (ReadWriteOnce), of `storage` (a quantity). */
export function persistentClaim(
  metadata: Record<string, unknown>,
  storage: string,
  storageClassName: string | undefined,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata,
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(storageClassName ? { storageClassName } : {}),
      resources: { requests: { storage } },
    },
  };
}

// ---- the container's command ----------------------------------------------------------

/**
 * What the container runs, as launch.sh runs it without arguments: the chosen entrypoint, or
 * the config's command, or the image's CMD; behind the generated entrypoint when the config
 * has startup phases, with the image's own ENTRYPOINT handed over to when nothing else runs.
 */
function commandAndArgs(
  env: Environment,
  kube: Kubernetes,
  report: TargetReport,
): { command?: string[]; args?: string[] } {
  const chosenName = kube.entrypoint ?? env.defaultEntrypoint;
  const chosen = env.entrypoints.find((e) => e.name === chosenName);
  if (chosenName !== undefined && !chosen)
    report.refuse(
      `no entrypoint named "${chosenName}"`,
      `choose from: ${env.entrypoints.map((e) => e.name).join(', ') || '(none declared)'}`,
    );
  const main = chosen ? chosen.command : env.command;
  const override = env.imageEntrypoint;
  if (!env.startup) {
    // A command without args runs alone, as --entrypoint sets the image's CMD aside.
    if (override) return { command: runnable(override), ...(main === 'image' ? {} : { args: runnable(main) }) };
    return main === 'image' ? {} : { args: runnable(main) };
  }
  const command = ['/bin/sh', `${CONTAINER_DIR}/entrypoint.sh`];
  if (env.services.length) return { command, ...(main === 'image' ? {} : { args: runnable(main) }) };
  const entrypoint = override ?? kube.image.entrypoint;
  const cmd = override ? [] : kube.image.cmd;
  if (entrypoint === undefined)
    report.refuse(
      "the generated entrypoint hands over to the image's own ENTRYPOINT, which a manifest cannot read from the image",
      'state it in kubernetes.image.entrypoint ([] when the image has none)',
    );
  if (main === 'image' && cmd === undefined)
    report.refuse(
      "the container runs the image's CMD, which a manifest cannot read from the image",
      'state it in kubernetes.image.cmd, or choose a command',
    );
  return { command, args: runnable([...(entrypoint ?? []), ...(main === 'image' ? (cmd ?? []) : main)]) };
}

function runnable(argv: string[]): string[] {
  return (runsThroughShell(argv[0] ?? '') ? ['/bin/sh', ...argv] : argv).map(kubeText);
}

// ---- environment ----------------------------------------------------------------------

function containerEnv(
  env: Environment,
  kube: Kubernetes,
  name: string,
  text: (t: Template) => string,
  report: TargetReport,
): IEnvVar[] {
  const list: IEnvVar[] = [];
  for (const variable of env.variables.filter((v) => v.export))
    list.push({ name: variable.name, value: kubeText(text([{ variable: variable.name }])) });
  for (const variable of env.env) {
    if (variable.extend && kube.image.env === undefined) {
      report.refuse(
        `env ${variable.name} ${variable.extend.position}s to the image's value, which a manifest cannot read`,
        "state the image's own environment in kubernetes.image.env, or give the whole value",
        `/env/${variable.name}`,
      );
      continue;
    }
    list.push({ name: variable.name, value: kubeText(extended(variable, text(variable.value), kube.image.env)) });
  }
  if (env.startup && env.startup.runAs === undefined) {
    const user = env.user ? text(env.user) : kube.image.user;
    if (user === undefined)
      report.refuse(
        "the generated entrypoint drops to the image's USER, which a manifest cannot read from the image",
        'state it in kubernetes.image.user',
      );
    else list.push({ name: 'BOXWRIGHT_USER', value: kubeText(user) });
  }
  // Secrets by the names they have on the host (the .env file's), so that
  // `kubectl create secret generic NAME --from-env-file=.env` makes the Secret.
  const secretName = kube.secretName ?? `${name}-secrets`;
  for (const secret of env.secrets.filter((s) => !s.file))
    list.push({
      name: secret.name,
      valueFrom: {
        secretKeyRef: { name: secretName, key: secret.hostName, ...(secret.required ? {} : { optional: true }) },
      },
    });
  return list;
}

// ---- ports and Services ---------------------------------------------------------------

function containerPorts(env: Environment): IContainerPort[] {
  const seen = new Set<string>();
  const ports: IContainerPort[] = [];
  const add = (port: number, protocol: string) => {
    const key = `${port}/${protocol}`;
    if (seen.has(key)) return;
    seen.add(key);
    ports.push({ name: portName(port, protocol), containerPort: port, protocol: protocolName(protocol) });
  };
  for (const port of env.ports) add(port.container, port.protocol);
  for (const spec of env.expose) {
    const [range, protocol = 'tcp'] = spec.split('/');
    const [from, to = from] = range!.split('-').map(Number);
    for (let port = from!; port <= to!; port++) add(port, protocol);
  }
  return ports;
}

function protocolName(protocol: string): 'TCP' | 'UDP' | 'SCTP' {
  const name = protocol.toUpperCase();
  return name === 'UDP' || name === 'SCTP' ? name : 'TCP';
}

function portName(port: number, protocol: string): string {
  return `${protocol.toLowerCase()}-${port}`;
}

/**
 * A Service named as the container is, for its published ports (the host port becomes the
 * Service's port, so clients keep the numbers they used); and a headless Service for each
 * other name it is reached by on its network, as a network alias is.
 */
function services(
  env: Environment,
  kube: Kubernetes,
  name: string,
  text: (t: Template) => string,
  selector: Record<string, string>,
  metadata: (name: string) => Record<string, unknown>,
  report: TargetReport,
  membership: KubeMembership | undefined,
): KubeObject[] {
  const objects: KubeObject[] = [];
  if (env.ports.length)
    objects.push(
      service(
        metadata(name),
        kube.serviceType,
        selector,
        env.ports.map((port) => ({
          name: portName(port.container, port.protocol),
          port: port.host,
          targetPort: port.container,
          protocol: protocolName(port.protocol),
        })),
      ),
    );
  // In a stack the others reach a member by its container name, ports or not.
  const names = [
    ...(env.ports.length === 0 && membership ? [name] : []),
    ...[env.network, ...env.extraNetworks].flatMap((network) => (network?.aliases ?? []).map(text)),
  ];
  if (env.extraNetworks.length)
    report.warn(
      'networks: on a cluster every Pod reaches every other, so the segmentation is not carried (a NetworkPolicy would say it)',
      '/networks',
    );
  const aliases = [...new Set(names)].filter((alias) => alias !== name || env.ports.length === 0);
  for (const alias of aliases) {
    if (!DNS_LABEL.test(alias)) {
      report.warn(
        `network alias "${alias}" is not a DNS label: on Kubernetes the container is not reached by it`,
        '/network',
      );
      continue;
    }
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(alias),
      spec: { clusterIP: 'None', selector, publishNotReadyAddresses: true },
    });
  }
  return objects;
}

/** An env value joined to the image's own, as launch.sh joins it: alone where the image has none. */
function extended(variable: EnvVar, value: string, image: Record<string, string> | undefined): string {
  // Where the image states no PATH, it runs with the runtimes' default, as launch.sh joins it.
  const own = image?.[variable.name] ?? (image && variable.name === 'PATH' ? DEFAULT_PATH : undefined);
  if (!variable.extend || own === undefined || own === '') return value;
  const { position, separator } = variable.extend;
  return position === 'prepend' ? `${value}${separator}${own}` : `${own}${separator}${value}`;
}

/** envFileToContainer: every key of the Secret made from the env file, as launch.sh passes them. */
function envFrom(env: Environment, kube: Kubernetes, name: string): Pick<IContainer, 'envFrom'> {
  if (!env.envFile || !env.envFileToContainer) return {};
  return { envFrom: [{ secretRef: { name: kube.secretName ?? `${name}-secrets`, optional: true } }] };
}
