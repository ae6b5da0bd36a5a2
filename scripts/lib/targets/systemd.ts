// The plain systemd unit, for hosts without Quadlet (docker, or podman before 4.4): a
// oneshot service that runs the generated script's up when it starts and its stop (or down)
// when it stops, as people run `docker compose up -d` from a unit. The container keeps its
// own restart policy. BOXWRIGHT_DIR is the unit's folder: `install` writes it.
import { header } from '../header.ts';
import type { Runtime } from '../model/environment.ts';
import type { GeneratedFile } from '../output.ts';
import { rawValue, renderUnitFile, unitWords } from '../unit/syntax.ts';

export interface PlainUnit {
  /** generated/<id>/<id>.service */
  id: string;
  source: string;
  description: string;
  /** The script beside the unit, and its arguments to start and to stop. */
  script: string;
  start: string[];
  stop: string[];
  /** The repository relative to the unit's folder: ./ paths and a relative env file are its. */
  root: string;
  runtime?: Runtime;
  wantedBy: string;
  /** Seconds systemd gives the stop before it kills the script. */
  stopSeconds?: number;
  /** What the header calls it. */
  what: string;
  /** A user unit only (a distrobox service): the user's manager has no network-online.target. */
  userOnly?: true;
  /** The file's name, when it is not <id>.service. */
  file?: string;
}

/** A command line that runs the script from the repository, as people run it. */
function scriptLine(unit: PlainUnit, args: readonly string[]): string {
  const quoted = args.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
  const script = `cd "$BOXWRIGHT_DIR/${unit.root}" && exec /bin/sh "$BOXWRIGHT_DIR/${unit.script}" ${quoted}`;
  return unitWords(['/bin/sh', '-c', script]);
}

export function renderPlainUnit(unit: PlainUnit): GeneratedFile {
  const docker = unit.runtime === 'docker';
  const content = renderUnitFile(header(unit.source, 'hash', `${unit.what} for ${unit.id}`), [
    {
      name: 'Unit',
      entries: [
        ['Description', rawValue(unit.description.split('\n')[0]?.trim() || unit.id, { dollars: false })],
        ...(unit.userOnly
          ? []
          : ([
              ['Wants', 'network-online.target'],
              ['After', 'network-online.target'],
            ] as [string, string][])),
        ...(docker
          ? ([
              ['Requires', 'docker.service'],
              ['After', 'docker.service'],
            ] as [string, string][])
          : []),
      ],
    },
    {
      name: 'Service',
      comments: ['install (of the script beside this unit) writes the folder it is in for BOXWRIGHT_DIR.'],
      entries: [
        ['Type', 'oneshot'],
        ['RemainAfterExit', 'yes'],
        ['Environment', 'BOXWRIGHT_DIR=.'],
        // A system service has no HOME; the scripts expand ~ with it.
        ['Environment', 'HOME=%h'],
        ...(unit.runtime ? ([['Environment', `BOXWRIGHT_RUNTIME=${unit.runtime}`]] as [string, string][]) : []),
        ['ExecStart', scriptLine(unit, unit.start)],
        ['ExecStop', scriptLine(unit, unit.stop)],
        // Pulling or building the image may take longer than systemd's default 90 s.
        ['TimeoutStartSec', '900'],
        ...(unit.stopSeconds === undefined
          ? []
          : ([['TimeoutStopSec', String(unit.stopSeconds)]] as [string, string][])),
      ],
    },
    { name: 'Install', entries: [['WantedBy', unit.wantedBy]] },
  ]);
  return { path: `${unit.id}/${unit.file ?? `${unit.id}.service`}`, content, executable: false };
}
