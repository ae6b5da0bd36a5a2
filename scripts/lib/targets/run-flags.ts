// The run flags that podman and docker take for fixed values of the config, as [flag, value]
// pairs: launch.sh writes them as shell words, devcontainer.json as runArgs.
import type { Environment } from '../model/environment.ts';

export type RunFlag = [flag: string, value: string];

function present(flags: [string, string | number | undefined][]): RunFlag[] {
  return flags.flatMap(([flag, value]) => (value === undefined ? [] : [[flag, String(value)] as RunFlag]));
}

export function resourceFlags(env: Environment): RunFlag[] {
  const { cpus, memory, memoryReservation, shmSize, pids } = env.resources;
  return present([
    ['--cpus', cpus],
    ['--memory', memory],
    ['--memory-reservation', memoryReservation],
    ['--shm-size', shmSize],
    ['--pids-limit', pids],
  ]);
}

export function healthcheckFlags(env: Environment): RunFlag[] {
  const check = env.healthcheck;
  if (!check) return [];
  return present([
    ['--health-cmd', check.command],
    ['--health-interval', check.interval],
    ['--health-timeout', check.timeout],
    ['--health-start-period', check.startPeriod],
    ['--health-retries', check.retries],
  ]);
}

export function loggingFlags(env: Environment): RunFlag[] {
  if (!env.logging) return [];
  return [
    ['--log-driver', env.logging.driver],
    ...env.logging.options.map((o): RunFlag => ['--log-opt', `${o.name}=${o.value}`]),
  ];
}
