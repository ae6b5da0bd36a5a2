// The [Container] keys of Quadlet 4.9 (podman-systemd.unit(5)) as the importer reads them: the
// run option Quadlet makes of each, the keys that need code, the ones refused, and how
// systemd's specifiers read in a config.

/** [Container] keys as the run option Quadlet makes of each, value by value. */
export const SIMPLE: Record<string, { flag: string; words?: true; bool?: true }> = {
  AddCapability: { flag: '--cap-add', words: true },
  DropCapability: { flag: '--cap-drop', words: true },
  Annotation: { flag: '--annotation', words: true },
  DNS: { flag: '--dns' },
  DNSOption: { flag: '--dns-option' },
  DNSSearch: { flag: '--dns-search' },
  ExposeHostPort: { flag: '--expose' },
  GIDMap: { flag: '--gidmap' },
  UIDMap: { flag: '--uidmap' },
  SubGIDMap: { flag: '--subgidname' },
  SubUIDMap: { flag: '--subuidname' },
  HealthCmd: { flag: '--health-cmd' },
  HealthInterval: { flag: '--health-interval' },
  HealthOnFailure: { flag: '--health-on-failure' },
  HealthRetries: { flag: '--health-retries' },
  HealthStartPeriod: { flag: '--health-start-period' },
  HealthStartupCmd: { flag: '--health-startup-cmd' },
  HealthStartupInterval: { flag: '--health-startup-interval' },
  HealthStartupRetries: { flag: '--health-startup-retries' },
  HealthStartupSuccess: { flag: '--health-startup-success' },
  HealthStartupTimeout: { flag: '--health-startup-timeout' },
  HealthTimeout: { flag: '--health-timeout' },
  HostName: { flag: '--hostname' },
  IP: { flag: '--ip' },
  IP6: { flag: '--ip6' },
  Label: { flag: '--label', words: true },
  LogDriver: { flag: '--log-driver' },
  Mount: { flag: '--mount' },
  PidsLimit: { flag: '--pids-limit' },
  PublishPort: { flag: '--publish', words: true },
  Pull: { flag: '--pull' },
  ShmSize: { flag: '--shm-size' },
  Sysctl: { flag: '--sysctl', words: true },
  Tmpfs: { flag: '--tmpfs' },
  Timezone: { flag: '--tz' },
  Ulimit: { flag: '--ulimit' },
  UserNS: { flag: '--userns' },
  WorkingDir: { flag: '--workdir' },
  StopTimeout: { flag: '--stop-timeout' },
  StopSignal: { flag: '--stop-signal' },
  Memory: { flag: '--memory' },
  Entrypoint: { flag: '--entrypoint' },
  RunInit: { flag: '--init', bool: true },
  EnvironmentHost: { flag: '--env-host', bool: true },
  ReadOnly: { flag: '--read-only', bool: true },
  ReadOnlyTmpfs: { flag: '--read-only-tmpfs', bool: true },
};

/** [Container] keys read elsewhere, or that say nothing about the container. */
export const HANDLED = new Set([
  'Image',
  'ContainerName',
  'Environment',
  'EnvironmentFile',
  'Exec',
  'User',
  'Group',
  'Volume',
  'Network',
  'AddDevice',
  'Secret',
  'PodmanArgs',
  'NoNewPrivileges',
  'SeccompProfile',
  'SecurityLabelDisable',
  'SecurityLabelFileType',
  'SecurityLabelLevel',
  'SecurityLabelNested',
  'SecurityLabelType',
  'Mask',
  'Unmask',
  'VolatileTmp',
  'AutoUpdate',
  'LogOpt',
  // How systemd learns the container is up: Quadlet's own, not the container's.
  'Notify',
  'RemapUsers',
  'RemapUid',
  'RemapGid',
  'RemapUidSize',
]);

export function yes(value: string): boolean {
  return /^(yes|true|1|on)$/i.test(value);
}

/** Keys no environment config can hold, and why. */
export const REFUSED: Record<string, string> = {
  Rootfs: 'boxwright runs images, not a root filesystem',
  Pod: 'boxwright has no pods (a stack puts containers on one network)',
  GlobalArgs: 'podman options before run are not a container’s',
  ContainersConfModule: 'a containers.conf module is podman’s setting, not a container’s',
};

export const SPECIFIERS: Record<string, (unit: string) => string> = {
  '%': () => '%',
  h: () => '${HOME}',
  N: (unit) => unit,
  n: (unit) => `${unit}.service`,
  p: (unit) => unit,
};

export const LONG: Record<string, string> = {
  '-e': '--env',
  '-v': '--volume',
  '-p': '--publish',
  '--net': '--network',
  '-u': '--user',
};

/** Run options that take no value, for reading the ones boxwright keeps as extraArgs. */
export const SWITCHES = new Set([
  '--read-only',
  '--read-only-tmpfs',
  '--env-host',
  '--init',
  '--privileged',
  '--rm',
  '-d',
  '--detach',
  '-i',
  '--interactive',
  '-t',
  '--tty',
  '--no-hosts',
  '--http-proxy',
  '--replace',
]);
