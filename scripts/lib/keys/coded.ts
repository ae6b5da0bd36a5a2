// The rows of the key table marked as code that are kept together here, by key: one named
// function per format, so that "where does devices become --device" is found under its key.
// The formats take the run options of these through CODED, their other parts by name.
import type { IProbe } from 'kubernetes-models/v1';
import type { Environment } from '../model/environment.ts';
import type { Kubernetes } from '../model/kubernetes.ts';
import { renderSnippet } from '../render.ts';
import { code, quote, type ShellCode } from '../shell/quote.ts';
import type { TargetReport } from '../targets/report.ts';
import { codeSpan, markdownTable, showTemplate } from '../text.ts';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const APPEND = 'set -- "$@"';

// ---- devices: a device may be optional (skipped where a host lacks it) ------------------

/** launch.sh: --device, or the snippet that skips an optional device the host lacks. */
export function devicesLaunch(env: Environment): ShellCode[] {
  return env.devices.flatMap((device) => {
    const spec = quote(device.target ? `${device.path}:${device.target}` : device.path);
    if (!device.optional) return [code(`${APPEND} --device ${spec}`)];
    return [
      renderSnippet('optional-device', {
        path: quote(device.path),
        device: spec,
        skipping: quote(`skipping ${device.path}: not present on this host`),
      }),
    ];
  });
}

/** devcontainer.json's runArgs: an optional device is left out, with a warning. */
export function devicesDevcontainer(env: Environment, _text: unknown, report: TargetReport): string[] {
  return env.devices.flatMap((device, i) => {
    if (!device.optional) return ['--device', device.target ? `${device.path}:${device.target}` : device.path];
    report.warn(`device ${device.path} is left out: devcontainer.json cannot make a device optional`, `/devices/${i}`);
    return [];
  });
}

/** A Pod gets devices from a device plugin: an optional one is left out, another refused. */
export function devicesKube(env: Environment, kube: Kubernetes, report: TargetReport): void {
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
}

/** The README's Devices section. */
export function devicesReadme(env: Environment): string[] {
  if (!env.devices.length) return [];
  return [
    '## Devices',
    '',
    ...markdownTable(
      ['Device', 'When missing'],
      env.devices.map((d) => [codeSpan(d.path), d.optional ? 'skipped' : 'error']),
    ),
  ];
}

/** One device as compose and run options write it: PATH[:TARGET]. */
function deviceOf(text: string): Json {
  const [path, target] = text.split(':');
  return target ? { path: path!, target } : { path: path! };
}

/** compose's devices, read into a config. */
export function devicesCompose(compose: Obj, config: Obj): void {
  if (Array.isArray(compose.devices)) config.devices = compose.devices.map((d) => deviceOf(String(d)));
}

/** A --device run option, read into a config (optional: Quadlet's AddDevice=-PATH). */
export function devicesRunArg(config: Obj, value: string, optional = false): void {
  const device = deviceOf(value) as Obj;
  config.devices = [...((config.devices as Json[] | undefined) ?? []), optional ? { ...device, optional } : device];
}

// ---- healthcheck: a readiness probe, compose's test forms, the README's section ----------

/**
 * The health check as a readiness probe: like a container's health, it marks the Pod ready
 * or not (a Service sends it nothing until then) and restarts nothing. `shell` writes the
 * command as the probe's sh runs it.
 */
export function healthcheckKube(env: Environment, shell: (text: string) => string): IProbe | undefined {
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
    exec: { command: ['/bin/sh', '-c', shell(check.command)] },
    initialDelaySeconds: seconds(check.startPeriod),
    periodSeconds: seconds(check.interval),
    timeoutSeconds: seconds(check.timeout),
    failureThreshold: check.retries,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/**
 * compose's test, in its three forms (CMD-SHELL, CMD, a string), as the command the runtime
 * runs; the rest of the check comes from the table's rows. `literal` reads compose's $$ as $.
 */
export function healthcheckCompose(compose: Obj, config: Obj, literal: (text: string) => string): void {
  if (compose.healthcheck === undefined) return;
  const test = (compose.healthcheck as Obj).test;
  const command = Array.isArray(test)
    ? test[0] === 'CMD-SHELL'
      ? String(test[1])
      : test
          .slice(test[0] === 'CMD' ? 1 : 0)
          .map(String)
          .join(' ')
    : String(test);
  // The command goes first, as people write it.
  config.healthcheck = { command: literal(command), ...(config.healthcheck as Obj | undefined) };
}

/** The README's Health check section. */
export function healthcheckReadme(env: Environment): string[] {
  if (!env.healthcheck) return [];
  const every = env.healthcheck.interval ? ` every ${env.healthcheck.interval}` : '';
  const byHand = `podman healthcheck run ${showTemplate(env.name)}`;
  return ['## Health check', '', `${codeSpan(env.healthcheck.command).markdown}${every}; by hand: \`${byHand}\`.`, ''];
}

/** The run options of these keys, for the formats' tables of code (typed by the table). */
export const CODED = {
  run: { devices: devicesLaunch },
  devcontainer: { devices: devicesDevcontainer },
};
