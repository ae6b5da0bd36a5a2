// The backup target: backup.sh and restore.sh for an Environment's named volumes, with
// dated archives (<volume>-<YYYYMMDD>.tar.gz), as seed 001's manual docker commands did.
import { DEVCONTAINER_ID, devcontainerId, usesDevcontainerId } from '../model/devcontainer-id.ts';
import { header } from '../header.ts';
import type { Environment } from '../model/environment.ts';
import type { GeneratedFile } from '../output.ts';
import { renderTemplate } from '../render.ts';
import { code, heredoc, quote, shellName, word, type ShellCode } from '../shell/quote.ts';
import { variablesIn, type Template } from '../template-string.ts';

export function renderBackup(env: Environment, image: Template): GeneratedFile[] {
  const names = env.mounts
    .filter((m) => m.type === 'volume')
    .map((m) => m.sourceText)
    .join(', ');
  const volumeLines = env.mounts
    .filter((m) => m.type === 'volume' && m.source)
    .map((m) => code(`printf '%s %s\n' ${quote(shortName(m.sourceText ?? ''))} ${word(m.source!)}`));
  const common = {
    volume_lines: volumeLines,
    image: word(image),
    container: env.name ? word(env.name) : "''",
    runtime: env.runtime,
    variable_lines: variableLines(env, image),
  };
  const backupUsage = `Usage: backup.sh [--dry-run] [--force] [--runtime NAME] [DIR] [VOLUME...]\n\nArchives each named volume (or those named, by short or full name) into DIR (default: .)\nas <volume>-<YYYYMMDD>.tar.gz (UTC date):\n  ${names}`;
  const restoreUsage = `Usage: restore.sh [--dry-run] [--force] [--runtime NAME] DIR DATE [VOLUME...]\n\nReplaces each named volume (or those named) with DIR/<volume>-DATE.tar.gz, or\nDIR/<short name>-DATE.tar.gz as the seed named them (workspace-DATE.tar.gz), once the\narchive checked whole. Refuses while the container runs (--force to do it anyway). Volumes\nwithout an archive are left alone.`;
  return [
    {
      path: `${env.id}/backup.sh`,
      content: renderTemplate('backup.sh.mustache', {
        ...common,
        backup: true,
        header: header(env.source, 'hash', `Volume backup script for ${env.id}`),
        usage: `  ${heredoc(backupUsage)}`,
      }),
      executable: true,
    },
    {
      path: `${env.id}/restore.sh`,
      content: renderTemplate('backup.sh.mustache', {
        ...common,
        backup: false,
        header: header(env.source, 'hash', `Volume restore script for ${env.id}`),
        usage: `  ${heredoc(restoreUsage)}`,
      }),
      executable: true,
    },
  ];
}

/** A volume's short name: what follows the project's "_" (turbo-flow-unified_workspace → workspace). */
function shortName(source: string): string {
  return source.includes('_') ? source.slice(source.lastIndexOf('_') + 1) : source;
}

/** The config's variable defaults, and a check for those the image, name and volumes need. */
function variableLines(env: Environment, image: Template): ShellCode[] {
  const used = new Set(
    variablesIn([
      ...image,
      ...(env.name ?? []),
      ...env.mounts.flatMap((m) => (m.type === 'volume' ? (m.source ?? []) : [])),
    ]),
  );
  // backup.sh has no instances: the config's own container id.
  const id = usesDevcontainerId(env) ? [code(`${DEVCONTAINER_ID}=${devcontainerId(env.id)}`)] : [];
  return id.concat(
    env.variables.flatMap((v) => {
      if (v.default) return [code(`[ -n "\${${shellName(v.name)}:-}" ] || ${v.name}=${word(v.default)}`)];
      return used.has(v.name)
        ? [
            code(
              `[ -n "\${${shellName(v.name)}:-}" ] || die ${quote(`set ${v.name}: it names the image, container or a volume`)}`,
            ),
          ]
        : [];
    }),
  );
}
