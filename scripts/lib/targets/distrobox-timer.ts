// A fleet's scheduled jobs, each a systemd user timer and the oneshot service it starts: the
// update (updates.every), which runs update.sh --all as the seed's weekly update did by hand,
// and the cleanup (cleanup.every), which runs cleanup.sh --prune as its quarterly review did.
// The job's own script (update.sh install, cleanup.sh install) puts both where the user's
// systemd reads them.
import { header } from '../header.ts';
import type { Fleet } from '../model/distrobox.ts';
import type { GeneratedFile } from '../output.ts';
import { rawValue, renderUnitFile, unitWords } from '../unit/syntax.ts';

interface FleetJob {
  /** The script's name, and the units' suffix: update, cleanup. */
  name: 'update' | 'cleanup';
  every: string;
  /** What the service runs: the script with these arguments, from the repository. */
  args: string;
  what: string;
  /** How long a run may take: longer than systemd's default 90 s. */
  timeout: string;
}

function jobOf(fleet: Fleet, name: FleetJob['name']): FleetJob | undefined {
  if (name === 'update') {
    if (!fleet.updateEvery) return undefined;
    return {
      name,
      every: fleet.updateEvery,
      args: '--all',
      what: `Update of the ${fleet.id} fleet's containers (update.sh --all)`,
      // Every container's upgrade, one after another.
      timeout: '6h',
    };
  }
  if (!fleet.cleanup?.every) return undefined;
  return {
    name,
    every: fleet.cleanup.every,
    args: '--prune',
    what: `Cleanup of the ${fleet.id} fleet's old snapshots and images (cleanup.sh --prune)`,
    timeout: '1h',
  };
}

/** The timer's and the service's file names of a job, when the config schedules it. */
export function jobUnits(fleet: Fleet, name: FleetJob['name']): { timer: string; service: string } | undefined {
  return jobOf(fleet, name) && unitNames(fleet, name);
}

function unitNames(fleet: Fleet, name: FleetJob['name']): { timer: string; service: string } {
  return { timer: `${fleet.id}-${name}.timer`, service: `${fleet.id}-${name}.service` };
}

export function renderJobUnits(fleet: Fleet, root: string): GeneratedFile[] {
  return (['update', 'cleanup'] as const).flatMap((name) => {
    const job = jobOf(fleet, name);
    return job ? renderJob(fleet, root, job) : [];
  });
}

function renderJob(fleet: Fleet, root: string, job: FleetJob): GeneratedFile[] {
  const units = unitNames(fleet, job.name);
  const what = `systemd user unit for ${fleet.id}`;
  const script = `cd "$BOXWRIGHT_DIR/${root}" && exec /bin/sh "$BOXWRIGHT_DIR/${job.name}.sh" ${job.args}`;
  const service = renderUnitFile(header(fleet.source, 'hash', what), [
    { name: 'Unit', entries: [['Description', job.what]] },
    {
      name: 'Service',
      comments: [`${job.name}.sh install writes the folder it is in for BOXWRIGHT_DIR; the timer starts it.`],
      entries: [
        ['Type', 'oneshot'],
        ['Environment', 'BOXWRIGHT_DIR=.'],
        ['ExecStart', unitWords(['/bin/sh', '-c', script])],
        ['TimeoutStartSec', job.timeout],
      ],
    },
  ]);
  const timer = renderUnitFile(header(fleet.source, 'hash', what), [
    { name: 'Unit', entries: [['Description', `When the ${fleet.id} fleet's ${job.name} runs`]] },
    {
      name: 'Timer',
      comments: ['A run missed while the machine was off runs at the next start (Persistent=).'],
      entries: [
        ['OnCalendar', rawValue(job.every)],
        ['Persistent', 'true'],
        ['RandomizedDelaySec', '1h'],
        ['Unit', units.service],
      ],
    },
    { name: 'Install', entries: [['WantedBy', 'timers.target']] },
  ]);
  return [
    { path: `${fleet.id}/${units.service}`, content: service, executable: false },
    { path: `${fleet.id}/${units.timer}`, content: timer, executable: false },
  ];
}
