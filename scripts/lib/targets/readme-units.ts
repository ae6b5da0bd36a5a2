// The README's "Start at boot" section: how to put a config's systemd units in place with the
// script's install verb, where they go, and what to run then. The same for an environment, a
// stack and a fleet's services. And its "With compose" section, for a config's compose.yaml.

import { project } from '../project.ts';

export interface BootUnits {
  /** The script and the arguments that install, as a user types them. */
  install: string;
  /** The Quadlet units, when there are any (a system's or a user's podman 4.4 and later). */
  quadlet?: { services: string[] };
  /** The plain units, which run the generated script itself. */
  plain?: { units: string[]; userOnly?: boolean };
  /** What install adds from what up decides when it runs, when anything. */
  adds?: string[];
}

export function bootSection(units: BootUnits): string[] {
  const out = ['## Start at boot', '', '```sh', units.install, '```', ''];
  if (units.quadlet) {
    out.push(
      'With podman 4.4 or later, `install` writes the Quadlet units, to `/etc/containers/systemd/` as root or',
      '`~/.config/containers/systemd/` as a user (`--unit-dir DIR` chooses), after making the podman secrets they',
      'read from your environment or env file (no value is ever written into a unit). Then:',
      '',
      '```sh',
      `systemctl --user daemon-reload && systemctl --user start ${units.quadlet.services.join(' ')}   # without --user as root`,
      'loginctl enable-linger "$USER"   # a user\u2019s units start at boot, not only at login',
      '```',
      '',
      'Quadlet enables them from their `[Install]` section: they start again at every boot. systemd restarts the',
      'container as its restart policy says, and `launch.sh stop` or `down` tell you to use `systemctl stop` for it.',
      '',
    );
    if (units.adds?.length)
      out.push(
        `\`install\` reads what \`up\` decides when it runs and adds it to the installed unit: ${units.adds.join('; ')}. Run it again after the image changes.`,
        '',
      );
  }
  if (units.plain) {
    const scope = units.plain.userOnly ? ' --user' : '';
    out.push(
      units.quadlet
        ? 'Without Quadlet (docker, or an older podman), `install` writes the plain unit instead (`--plain` chooses it),'
        : '`install` writes the plain unit',
      `which runs the generated script from the repository, to ${units.plain.userOnly ? '`~/.config/systemd/user/`' : '`/etc/systemd/system/` as root or `~/.config/systemd/user/` as a user'}. Then:`,
      '',
      '```sh',
      `systemctl${scope} daemon-reload && systemctl${scope} enable --now ${units.plain.units.join(' ')}`,
      '```',
      '',
    );
  }
  return out;
}

/**
 * The README's "With compose" section: the compose file boxwright writes beside the script, how
 * to run it, and how it differs (its header lists what it leaves out).
 */
export function composeSection(id: string, script: string): string[] {
  return [
    '## With compose',
    '',
    `\`generated/${id}/compose.yaml\` runs the same containers with docker compose or podman-compose, for those who`,
    `use them instead of \`${script}\`. Variables and secrets come from the environment compose runs in:`,
    '',
    '```sh',
    `docker compose -f generated/${id}/compose.yaml up -d   # or podman-compose -f ...`,
    '```',
    '',
    `Its header lists what it does otherwise than the script. \`${project().import} compose\` reads it back into a config.`,
    '',
  ];
}
