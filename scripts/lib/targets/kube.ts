// The Kubernetes target: an Environment (alone, or as a member of a stack) becomes the
// objects of generated/<name>/kube.yaml. One function per part of the Pod, so that a field
// of the config is found here by its name. Everything is resolved at generate time (see
// model/kubernetes.ts); what a manifest cannot say is refused, what it leaves out is warned.
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { kubeFields, leftOut } from '../keys/options.ts';
import { header, seal } from '../header.ts';
import { CONTAINER_DIR, runsThroughShell, type Environment, type Mount } from '../model/environment.ts';
import {
  cpuQuantity,
  DNS_LABEL,
  DNS_SUBDOMAIN,
  quantity,
  resolver,
  type Kubernetes,
  type ServiceType,
} from '../model/kubernetes.ts';
import { parseSize } from '../model/size.ts';
import type {
  IContainer,
  IContainerPort,
  IEnvVar,
  IPodSpec,
  IProbe,
  IResourceRequirements,
  ISecurityContext,
  IVolume,
  IVolumeMount,
} from 'kubernetes-models/v1';
import type { GeneratedFile } from '../output.ts';
import type { Template } from '../template-string.ts';
import { pruneEmpty } from './data.ts';
import type { TargetReport } from './report.ts';

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
export function renderManifest(
  path: string,
  source: string,
  what: string,
  objects: KubeObject[],
  leftOut: readonly string[] = [],
): GeneratedFile {
  const documents = objects.map((object) => stringify(object, { lineWidth: 0, aliasDuplicateObjects: false }));
  const notes = leftOut.length
    ? `#\n# Unlike launch.sh:\n${leftOut.map((line) => `# - ${line.replace(/[\r\n]/g, ' ')}`).join('\n')}\n`
    : '';
  const content = `${header(source, 'hash', what)}\n${notes}${documents.map((d) => `---\n${d}`).join('')}`;
  return { path, content, executable: false };
}

export function environmentObjects(
  env: Environment,
  kube: Kubernetes,
  /** The generated files the container reads (entrypoint.sh and the rest), for the ConfigMap. */
  containerFiles: readonly GeneratedFile[],
  report: TargetReport,
  membership?: KubeMembership,
): KubeObject[] {
  const given = new Map([...kube.variables, ...(membership?.variables ?? [])]);
  const resolve = resolver(env.variables, given, (message, hint) => report.refuse(message, hint));
  const text = (template: Template): string => resolve(template) ?? '';
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
  const claims: KubeObject[] = [];
  const volumes: IVolume[] = [];
  const volumeMounts: IVolumeMount[] = [];
  podVolumes(env, kube, text, report, { claims, volumes, volumeMounts, metadata });
  // Secrets given as files: each key of the Secret, at its path, read-only.
  const fileSecrets = env.secrets.filter((s) => s.file);
  if (fileSecrets.length) {
    volumes.push({
      name: 'secret-files',
      secret: {
        secretName: kube.secretName ?? `${name}-secrets`,
        items: fileSecrets.map((s) => ({ key: s.hostName, path: s.name })),
        ...(fileSecrets.every((s) => s.required) ? {} : { optional: true }),
      },
    });
    for (const secret of fileSecrets)
      volumeMounts.push({ name: 'secret-files', mountPath: secret.file!, subPath: secret.name, readOnly: true });
  }
  if (containerFiles.length) {
    volumes.push({ name: 'boxwright', configMap: { name: configMapName, defaultMode: 0o755 } });
    volumeMounts.push({ name: 'boxwright', mountPath: CONTAINER_DIR, readOnly: true });
  }
  if (env.resources.shmSize) {
    const bytes = parseSize(env.resources.shmSize);
    volumes.push({
      name: 'shm',
      emptyDir: { medium: 'Memory', ...('bytes' in bytes ? { sizeLimit: quantity(bytes.bytes) } : {}) },
    });
    volumeMounts.push({ name: 'shm', mountPath: '/dev/shm' });
  }

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
    ports: containerPorts(env),
    resources: resources(env, kube),
    securityContext: { ...(tableContext as ISecurityContext | undefined), ...securityContext(env, kube, text, report) },
    readinessProbe: probe(env),
    volumeMounts,
  };
  pruneEmpty(container);
  checkImageTag(String(container.image), kube, report);
  warnLeftOut(env, report);

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
  const configMapData = Object.fromEntries(
    containerFiles.map((f) => [f.path.slice(f.path.lastIndexOf('/') + 1), seal(f.content)]),
  );
  // A changed ConfigMap does not restart a Pod by itself: its digest in the Pod's
  // annotations makes `kubectl apply` roll the Pod when the generated files change.
  const annotations = {
    ...(containerFiles.length
      ? {
          'boxwright.io/files-digest': createHash('sha256')
            .update(JSON.stringify(configMapData))
            .digest('hex')
            .slice(0, 16),
        }
      : {}),
    ...Object.fromEntries(env.labels.map((l) => [l.name, text(l.value)])),
  };
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
    if (variable.extend) {
      report.refuse(
        `env ${variable.name} ${variable.extend.position}s to the image's value, which a manifest cannot read`,
        'give the whole value instead',
        `/env/${variable.name}`,
      );
      continue;
    }
    list.push({ name: variable.name, value: kubeText(text(variable.value)) });
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

// ---- volumes --------------------------------------------------------------------------

function podVolumes(
  env: Environment,
  kube: Kubernetes,
  text: (t: Template) => string,
  report: TargetReport,
  into: {
    claims: KubeObject[];
    volumes: IVolume[];
    volumeMounts: IVolumeMount[];
    metadata: (name: string) => Record<string, unknown>;
  },
): void {
  const claimed = new Map<string, string>();
  env.mounts.forEach((mount, i) => {
    const volumeName = `mount-${i}`;
    const source = mountSource(mount, `/mounts/${i}`, kube, text, report, claimed, into);
    if (!source) return;
    into.volumes.push({ name: volumeName, ...source });
    into.volumeMounts.push({
      name: volumeName,
      mountPath: text(mount.target),
      ...(mount.readOnly ? { readOnly: true } : {}),
    });
  });
  for (const target of kube.mounts.keys())
    if (!env.mounts.some((m) => m.targetText === target))
      report.refuse(`kubernetes.mounts names ${target}, which is not a mount target of this config`);
}

function mountSource(
  mount: Mount,
  pointer: string,
  kube: Kubernetes,
  text: (t: Template) => string,
  report: TargetReport,
  claimed: Map<string, string>,
  into: { claims: KubeObject[]; metadata: (name: string) => Record<string, unknown> },
): Omit<IVolume, 'name'> | undefined {
  const override = kube.mounts.get(mount.targetText);
  if (mount.type === 'workspace' && (!override || mount.targetText.includes('<folder>'))) {
    report.refuse(
      'the workspace mount is the folder launch.sh runs from, which a cluster does not have',
      'give it a target, and say what stands in for it in kubernetes.mounts under that target',
      pointer,
    );
    return undefined;
  }
  if (override?.secret)
    return { secret: { secretName: override.secret, ...(override.optional ? { optional: true } : {}) } };
  if (override?.hostPath) return { hostPath: { path: override.hostPath } };
  if (override?.emptyDir) return { emptyDir: {} };
  if (mount.type === 'tmpfs') {
    const size = mount.options.map((o) => /^size=(.+)$/.exec(o)?.[1]).find((s) => s !== undefined);
    const bytes = size === undefined ? undefined : parseSize(size);
    return {
      emptyDir: { medium: 'Memory', ...(bytes && 'bytes' in bytes ? { sizeLimit: quantity(bytes.bytes) } : {}) },
    };
  }
  if (mount.type === 'volume') {
    const volume = text(mount.source!);
    // PersistentVolumeClaims take DNS names: a runtime volume's "_" becomes "-".
    const claim = volume.toLowerCase().replaceAll('_', '-');
    if (!DNS_SUBDOMAIN.test(claim)) {
      report.refuse(
        `volume "${volume}" makes no Kubernetes name for its claim ("${claim}")`,
        undefined,
        `${pointer}/source`,
      );
      return undefined;
    }
    const first = claimed.get(claim);
    if (first !== undefined && first !== volume)
      report.refuse(
        `volumes "${first}" and "${volume}" would both be claim "${claim}"`,
        undefined,
        `${pointer}/source`,
      );
    if (first === undefined) {
      claimed.set(claim, volume);
      const size = kube.volumeSizes.get(mount.sourceText!) ?? kube.defaultVolumeSize;
      const storageClassName = kube.volumeClasses.get(mount.sourceText!) ?? kube.storageClass;
      into.claims.push(persistentClaim(into.metadata(claim), quantity(size), storageClassName));
    }
    return { persistentVolumeClaim: { claimName: claim } };
  }
  if (/^(~|\.)/.test(mount.sourceText ?? '')) {
    report.refuse(
      `bind mount ${mount.targetText} comes from ${mount.sourceText}, a folder of the host the cluster does not have`,
      `say what stands in for it in kubernetes.mounts["${mount.targetText}"] (secret, hostPath or emptyDir)`,
      `${pointer}/source`,
    );
    return undefined;
  }
  const path = text(mount.source!);
  report.warn(
    `bind mount ${mount.targetText} becomes hostPath ${path}: a folder of whichever node runs the Pod (say otherwise in kubernetes.mounts)`,
    pointer,
  );
  return { hostPath: { path, ...(mount.create ? { type: 'DirectoryOrCreate' } : {}) } };
}

// ---- resources, security and health ---------------------------------------------------

function resources(env: Environment, kube: Kubernetes): IResourceRequirements {
  const bytes = (size: string | undefined) => {
    if (size === undefined) return undefined;
    const parsed = parseSize(size);
    return 'bytes' in parsed ? parsed.bytes : undefined;
  };
  const limits: Record<string, string | number> = {};
  const requests: Record<string, string> = {};
  if (env.resources.cpus !== undefined) limits.cpu = cpuQuantity(env.resources.cpus);
  const memory = bytes(env.resources.memory);
  if (memory !== undefined) limits.memory = quantity(memory);
  if (env.gpu.mode !== 'off' && kube.gpus > 0) limits['nvidia.com/gpu'] = kube.gpus;
  if (kube.requests.cpu !== undefined) requests.cpu = cpuQuantity(kube.requests.cpu);
  const reservation = kube.requests.memoryBytes ?? bytes(env.resources.memoryReservation);
  if (reservation !== undefined) requests.memory = quantity(reservation);
  return { ...(Object.keys(requests).length ? { requests } : {}), ...(Object.keys(limits).length ? { limits } : {}) };
}

function securityContext(
  env: Environment,
  kube: Kubernetes,
  text: (t: Template) => string,
  report: TargetReport,
): ISecurityContext {
  const context: ISecurityContext = {};
  Object.assign(context, runAs(env, kube, text, report));
  for (const option of env.securityOpt) {
    if (option === 'no-new-privileges' || option === 'no-new-privileges:true') context.allowPrivilegeEscalation = false;
    else if (option === 'seccomp=unconfined') context.seccompProfile = { type: 'Unconfined' };
    else if (option === 'apparmor=unconfined') context.appArmorProfile = { type: 'Unconfined' };
    else if (option === 'label=disable') context.seLinuxOptions = { type: 'spc_t' };
    else report.refuse(`security option "${option}" has no securityContext field`, undefined, '/securityOpt');
  }
  if (env.ipc !== undefined && !['host', 'private', 'shareable', 'none'].includes(env.ipc))
    report.refuse(`ipc "${env.ipc}" cannot be said in a Pod`, 'a Pod takes host or its own', '/ipc');
  for (const [i, device] of env.devices.entries()) {
    // The NVIDIA device plugin gives the GPU's device nodes with the nvidia.com/gpu limit.
    if (env.gpu.mode !== 'off' && kube.gpus > 0 && device.path.startsWith('/dev/nvidia')) continue;
    if (device.optional)
      report.warn(`device ${device.path} is left out: a Pod gets devices from a device plugin`, `/devices/${i}`);
    else
      report.refuse(
        `device ${device.path} cannot be passed to a Pod`,
        'a Pod gets devices from a device plugin (make it optional to leave it out)',
        `/devices/${i}`,
      );
  }
  return context;
}

/** The uid the container runs as: root for the generated entrypoint, else the config's user. */
function runAs(env: Environment, kube: Kubernetes, text: (t: Template) => string, report: TargetReport) {
  if (env.startup) return { runAsUser: 0, runAsGroup: 0 };
  const user = kube.user ?? (env.user ? text(env.user) : undefined);
  if (user === undefined) return {};
  const numeric = /^([0-9]+)(?::([0-9]+))?$/.exec(user);
  if (!numeric) {
    report.refuse(
      `user "${user}" is a name, and a Pod runs as a number`,
      'state its uid[:gid] in kubernetes.user',
      '/user',
    );
    return {};
  }
  return { runAsUser: Number(numeric[1]), ...(numeric[2] === undefined ? {} : { runAsGroup: Number(numeric[2]) }) };
}

/**
 * The health check as a readiness probe: like a container's health, it marks the Pod ready
 * or not (a Service sends it nothing until then) and restarts nothing.
 */
function probe(env: Environment): IProbe | undefined {
  const check = env.healthcheck;
  if (!check) return undefined;
  const seconds = (duration: string | undefined) => {
    if (duration === undefined) return undefined;
    let total = 0;
    for (const [, amount, unit] of duration.matchAll(/([0-9.]+)(ns|us|ms|s|m|h)/g))
      total += Number(amount) * { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 }[unit as 'ns']!;
    return Math.max(1, Math.ceil(total));
  };
  const fields = {
    exec: { command: ['/bin/sh', '-c', kubeText(check.command)] },
    initialDelaySeconds: seconds(check.startPeriod),
    periodSeconds: seconds(check.interval),
    timeoutSeconds: seconds(check.timeout),
    failureThreshold: check.retries,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function checkImageTag(image: string, kube: Kubernetes, report: TargetReport): void {
  const tag = /:([^/:@]+)$/.exec(image)?.[1];
  if (!image.includes('@') && (tag === undefined || tag === 'latest'))
    report.warn(
      `image ${image} has ${tag ? 'the moving tag latest' : 'no tag'}: with imagePullPolicy ${kube.imagePullPolicy}, nodes may run different builds of it`,
      '/image',
    );
}

/** Settings of the runtime that a Pod has no field for. */
function warnLeftOut(env: Environment, report: TargetReport): void {
  if (env.startup?.users.some((u) => u.uid === 'host' || u.gid === 'host'))
    report.refuse(
      'a user with the host user\'s ids (uid or gid "host") has no host user on a cluster',
      'give it numbers',
      '/startup/users',
    );
  if (env.build)
    report.warn('build is not carried: push the image to a registry that the cluster pulls from', '/build');
  for (const { message, pointer } of leftOut(env, 'kubernetes')) report.warn(message, pointer);
}
