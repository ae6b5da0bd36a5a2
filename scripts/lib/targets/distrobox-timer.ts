// A fleet's scheduled update (updates.every): a systemd user timer and the oneshot service it
// starts, which runs update.sh --all from the repository, as the seed's weekly update did by
// hand. update.sh install puts both where the user's systemd reads them.
import { header } from '../header.ts';
import type { Fleet } from '../model/distrobox.ts';
import type { GeneratedFile } from '../output.ts';
import { rawValue, renderUnitFile, unitWords } from '../unit/syntax.ts';

/** The timer's and the service's file names. */
export function updateUnits(fleet: Fleet): { timer: string; service: string } | undefined {
  if (!fleet.updateEvery) return undefined;
  return { timer: `${fleet.id}-update.timer`, service: `${fleet.id}-update.service` };
}

export function renderUpdateUnits(fleet: Fleet, root: string): GeneratedFile[] {
  const units = updateUnits(fleet);
  if (!units) return [];
  const what = `systemd user unit for ${fleet.id}`;
  const script = `cd "$BOXWRIGHT_DIR/${root}" && exec /bin/sh "$BOXWRIGHT_DIR/update.sh" --all`;
  const service = renderUnitFile(header(fleet.source, 'hash', what), [
    { name: 'Unit', entries: [['Description', `Update of the ${fleet.id} fleet's containers (update.sh --all)`]] },
    {
      name: 'Service',
      comments: ['update.sh install writes the folder it is in for BOXWRIGHT_DIR; the timer starts it.'],
      entries: [
        ['Type', 'oneshot'],
        ['Environment', 'BOXWRIGHT_DIR=.'],
        ['ExecStart', unitWords(['/bin/sh', '-c', script])],
        // Every container's upgrade, one after another: longer than systemd's default 90 s.
        ['TimeoutStartSec', '6h'],
      ],
    },
  ]);
  const timer = renderUnitFile(header(fleet.source, 'hash', what), [
    { name: 'Unit', entries: [['Description', `When the ${fleet.id} fleet is updated`]] },
    {
      name: 'Timer',
      comments: ['A run missed while the machine was off runs at the next start (Persistent=).'],
      entries: [
        ['OnCalendar', rawValue(fleet.updateEvery!)],
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
