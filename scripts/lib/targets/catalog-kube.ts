// A catalog combination as Kubernetes objects. launch.sh --kube prints them with no Node on
// the host, so the shell builds them from the pieces rendered here (literal YAML lines for
// what the catalog fixes, validated words for what the user chooses); combinationObjects is
// the same manifest built in TypeScript, which the tests hold the script's output to.
import { type Catalog, resources } from '../model/catalog.ts';
import type { ProblemList } from '../problems.ts';
import type { Locator } from '../model/kernel.ts';
import type { IContainer } from 'kubernetes-models/v1';
import { code, quote } from '../shell/quote.ts';
import { deployment, kubeText, persistentClaim, service, type KubeObject } from './kube.ts';

/** A label value: at most 63 letters, digits, "-", "_" or ".", starting and ending alphanumeric. */
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

export interface Combination {
  tier: string;
  flavor: string;
  addons: readonly string[];
  /** The container's name: launch.sh's --name, else the image's name with -N for --instance. */
  name: string;
  image: string;
}

/** The generator's checks of what --kube needs from the catalog. */
export function checkCatalogKube(catalog: Catalog, at: Locator, problems: ProblemList): void {
  if (!catalog.kubernetes) return;
  if (!LABEL_VALUE.test(catalog.id))
    problems.add(
      at('/kubernetes'),
      `the catalog's name "${catalog.id}" cannot be a Kubernetes label value`,
      'rename the config file',
    );
  if (!catalog.base.workspace) return;
  for (const tier of catalog.tiers)
    if (tier.storageGb === undefined)
      problems.add(
        at(`/tiers/${tier.id}`),
        `tier "${tier.id}" has no storageGb, which the size of its workspace claim needs (kubernetes)`,
      );
}

export function combinationObjects(catalog: Catalog, combination: Combination): KubeObject[] {
  const settings = catalog.kubernetes ?? {};
  const { name } = combination;
  const tier = catalog.tiers.find((t) => t.id === combination.tier)!;
  const chosen = catalog.addons.filter((a) => combination.addons.includes(a.id));
  const total = resources(catalog, tier, combination.addons);
  const labels = labelsOf(catalog, combination);
  const selector = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name };
  const metadata = (objectName: string) => ({
    name: objectName,
    ...(settings.namespace ? { namespace: settings.namespace } : {}),
    labels,
  });
  const ports = [...catalog.base.ports, ...chosen.flatMap((a) => a.ports)];
  const env = [...catalog.base.env, ...chosen.flatMap((a) => a.env)];
  const gpu = chosen.some((a) => a.gpu);
  const objects: KubeObject[] = [];
  if (catalog.base.workspace)
    objects.push(persistentClaim(metadata(`${name}-workspace`), `${tier.storageGb}Gi`, settings.storageClass));
  if (ports.length)
    objects.push(
      service(
        metadata(name),
        settings.serviceType ?? 'ClusterIP',
        selector,
        ports.map((port) => ({ name: `tcp-${port}`, port, targetPort: port, protocol: 'TCP' })),
      ),
    );
  const container: IContainer = {
    name,
    image: combination.image,
    imagePullPolicy: settings.imagePullPolicy ?? 'IfNotPresent',
    // launch.sh runs the combination with a terminal; so does the Pod, for kubectl attach.
    stdin: true,
    tty: true,
    ...(env.length ? { env: env.map((e) => ({ name: e.name, value: kubeText(e.value) })) } : {}),
    ...(ports.length
      ? { ports: ports.map((port) => ({ name: `tcp-${port}`, containerPort: port, protocol: 'TCP' })) }
      : {}),
    resources: {
      ...(tier.reservationMi === undefined ? {} : { requests: { memory: `${tier.reservationMi}Mi` } }),
      limits: {
        cpu: `${total.cpuMilli}m`,
        memory: `${total.memoryMi}Mi`,
        ...(gpu ? { 'nvidia.com/gpu': 1 } : {}),
      },
    },
    ...(catalog.base.workspace ? { volumeMounts: [{ name: 'workspace', mountPath: catalog.base.workspace }] } : {}),
  };
  objects.push(
    deployment(
      metadata(name),
      selector,
      { labels },
      {
        containers: [container],
        ...(catalog.base.workspace
          ? { volumes: [{ name: 'workspace', persistentVolumeClaim: { claimName: `${name}-workspace` } }] }
          : {}),
      },
    ),
  );
  return objects;
}

function labelsOf(catalog: Catalog, combination: Combination): Record<string, string> {
  return {
    'app.kubernetes.io/name': combination.name,
    'app.kubernetes.io/instance': combination.name,
    'app.kubernetes.io/part-of': catalog.id,
    'app.kubernetes.io/managed-by': 'boxwright',
    'boxwright.io/tier': combination.tier,
    'boxwright.io/flavor': combination.flavor,
  };
}

/** Where a container's env items start in the Deployment that launch.sh --kube prints. */
const ENV_INDENT = ' '.repeat(12);

/** The pieces of launch.sh --kube that the catalog fixes, for the catalog-launch template. */
export function kubeView(catalog: Catalog) {
  if (!catalog.kubernetes) return undefined;
  const settings = catalog.kubernetes;
  // Values as double-quoted YAML scalars (JSON's syntax is a subset), each line a shell word.
  const yaml = (text: string) => quote(JSON.stringify(text));
  const envLines = (env: { name: string; value: string }[]): string[] =>
    env.map(
      (e) =>
        `printf '%s\\n' ${quote(`${ENV_INDENT}- name: ${e.name}`)} ${quote(`${ENV_INDENT}  value: ${JSON.stringify(kubeText(e.value))}`)}`,
    );
  const caseLine = (id: string, steps: string[]) =>
    code(`${quote(id)})${steps.length ? ` ${steps.join('; ')}` : ''} ;;`);
  return {
    catalog_id: yaml(catalog.id),
    namespace: settings.namespace && quote(`  namespace: ${settings.namespace}`),
    service_type: quote(`  type: ${settings.serviceType ?? 'ClusterIP'}`),
    pull_policy: quote(`          imagePullPolicy: ${settings.imagePullPolicy ?? 'IfNotPresent'}`),
    storage_class: settings.storageClass && quote(`  storageClassName: ${JSON.stringify(settings.storageClass)}`),
    workspace_yaml: catalog.base.workspace && yaml(catalog.base.workspace),
    base_ports: catalog.base.ports.join(' '),
    base_has_env: String(catalog.base.env.length > 0),
    base_env: envLines(catalog.base.env).map(code),
    addon_port_cases: catalog.addons.map((a) =>
      caseLine(a.id, [
        ...(a.ports.length ? [`bw_kube_ports="$bw_kube_ports ${a.ports.join(' ')}"`] : []),
        ...(a.env.length ? ['bw_kube_env=true'] : []),
      ]),
    ),
    addon_env_cases: catalog.addons.map((a) => caseLine(a.id, envLines(a.env))),
  };
}
