// The Pod's parts of an environment on Kubernetes: its volumes (named volumes as claims, host
// folders, secret files, the generated files, /dev/shm), resources, security context and
// readiness probe, and what a Pod cannot say.
// ---- volumes --------------------------------------------------------------------------

import type { IResourceRequirements, ISecurityContext, IVolume, IVolumeMount } from 'kubernetes-models/v1';
import { CONTAINER_DIR, type Environment, type Mount } from '../model/environment.ts';
import { cpuQuantity, DNS_SUBDOMAIN, quantity, type Kubernetes } from '../model/kubernetes.ts';
import { parseSize } from '../model/size.ts';
import { devicesKube } from '../keys/coded.ts';
import { leftOut } from '../keys/options.ts';
import type { Template } from '../template-string.ts';
import { type KubeObject, persistentClaim } from './kube.ts';
import type { TargetReport } from './report.ts';

type Metadata = (name: string) => Record<string, unknown>;

/**
 * The Pod's volumes and the container's mounts: the config's mounts (named volumes as claims),
 * the secrets given as files, the generated files' ConfigMap and /dev/shm of shmSize.
 */
export function podStorage(
  env: Environment,
  kube: Kubernetes,
  text: (t: Template) => string,
  report: TargetReport,
  names: { name: string; configMapName: string; hasFiles: boolean; metadata: Metadata },
): { claims: KubeObject[]; volumes: IVolume[]; volumeMounts: IVolumeMount[] } {
  const claims: KubeObject[] = [];
  const volumes: IVolume[] = [];
  const volumeMounts: IVolumeMount[] = [];
  podVolumes(env, kube, text, report, { claims, volumes, volumeMounts, metadata: names.metadata });
  // Secrets given as files: each key of the Secret, at its path, read-only.
  const fileSecrets = env.secrets.filter((s) => s.file);
  if (fileSecrets.length) {
    volumes.push({
      name: 'secret-files',
      secret: {
        secretName: kube.secretName ?? `${names.name}-secrets`,
        items: fileSecrets.map((s) => ({ key: s.hostName, path: s.name })),
        ...(fileSecrets.every((s) => s.required) ? {} : { optional: true }),
      },
    });
    for (const secret of fileSecrets)
      volumeMounts.push({ name: 'secret-files', mountPath: secret.file!, subPath: secret.name, readOnly: true });
  }
  if (names.hasFiles) {
    volumes.push({ name: 'boxwright', configMap: { name: names.configMapName, defaultMode: 0o755 } });
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
  return { claims, volumes, volumeMounts };
}

export function podVolumes(
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

export function resources(env: Environment, kube: Kubernetes): IResourceRequirements {
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

export function securityContext(
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
  devicesKube(env, kube, report);
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

export function checkImageTag(image: string, kube: Kubernetes, report: TargetReport): void {
  const tag = /:([^/:@]+)$/.exec(image)?.[1];
  if (!image.includes('@') && (tag === undefined || tag === 'latest'))
    report.warn(
      `image ${image} has ${tag ? 'the moving tag latest' : 'no tag'}: with imagePullPolicy ${kube.imagePullPolicy}, nodes may run different builds of it`,
      '/image',
    );
}

/** Settings of the runtime that a Pod has no field for. */
export function warnLeftOut(env: Environment, report: TargetReport): void {
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
