// launch.sh's check_host: what the config's host key asks of the host, in the units the
// script compares (CPUs, and kB as /proc/meminfo and df -Pk count them).
import type { Environment } from '../model/environment.ts';
import { requirementText } from '../model/host.ts';

/** The host's needs as check_host compares them: kB, as /proc/meminfo and df -Pk count. */
export function hostView(env: Environment) {
  const { host } = env;
  if (!host) return undefined;
  const kb = (bytes: number | undefined) => (bytes === undefined ? undefined : String(Math.ceil(bytes / 1024)));
  return {
    cpus: host.cpus === undefined ? undefined : String(host.cpus),
    memory_kb: kb(host.memory),
    memory: host.memory === undefined ? undefined : requirementText(host.memory),
    storage_kb: kb(host.storage),
    storage: host.storage === undefined ? undefined : requirementText(host.storage),
  };
}
