// The package's command, `boxwright` (scripts/boxwright.mjs): generate and check (the
// generator, scripts/lib/cli.ts), import (scripts/lib/import/cli.ts), init and hooks install
// (this folder). In a repository that installed the package, what it writes names
// `npx boxwright ...`; run from boxwright's own checkout, it names that checkout's scripts,
// so that either entry writes the same files there.
import { realpathSync } from 'node:fs';
import { defaultStreams, main as generate, type Streams } from '../cli.ts';
import { importMain } from '../import/cli.ts';
import { BOXWRIGHT_ROOT } from '../paths.ts';
import { INSTALLED, OWN, useProject } from '../project.ts';
import { gitTop, installHooks } from './hooks.ts';
import { init } from './init.ts';

const USAGE = `Usage: npx boxwright COMMAND [options]

Commands:
  generate [options]       validate every config in configs/ and compile it into generated/
  check [options]          generate --check: write nothing, say what is out of date (exit 1)
  import FORMAT FILE       write configs/NAME.jsonc from a compose file, devcontainer.json,
                           distrobox.ini or Quadlet unit
  init                     set this git repository up: an example config, the pre-commit
                           hook, .gitattributes, the first generate
  hooks install            add the pre-commit hook (husky, lefthook, or core.hooksPath)

Each command takes --help.
`;

export async function boxwright(
  argv: string[],
  cwd = process.cwd(),
  streams: Streams = defaultStreams(),
): Promise<number> {
  useProject(isOwnCheckout(cwd) ? OWN : INSTALLED);
  const [command, ...rest] = argv;
  switch (command) {
    case 'generate':
      return generate(rest, cwd, streams);
    case 'check':
      return generate(['--check', ...rest], cwd, streams);
    case 'import':
      return importMain(rest, cwd, streams);
    case 'init':
      return init(cwd, streams, (args, at) => generate(args, at, streams));
    case 'hooks':
      return hooks(rest, cwd, streams);
    case '--help':
    case '-h':
    case undefined:
      (command ? streams.out : streams.err)(USAGE);
      return command ? 0 : 64;
    default:
      streams.err(`boxwright: no command "${command}"\n${USAGE}`);
      return 64;
  }
}

function hooks(argv: string[], cwd: string, streams: Streams): number {
  if (argv.length !== 1 || argv[0] !== 'install') {
    streams.err('Usage: npx boxwright hooks install\n');
    return 64;
  }
  const top = gitTop(cwd);
  if (top === undefined) {
    streams.err('boxwright hooks: not in a git repository\n');
    return 64;
  }
  try {
    streams.out(`boxwright hooks: ${installHooks(top).said}\n`);
    return 0;
  } catch (error) {
    // A hook manager's file that cannot be read (lefthook.yml that is not YAML): one line.
    streams.err(`boxwright hooks: ${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)}\n`);
    return 64;
  }
}

/** Whether the command runs in boxwright's own checkout (the package is the repository). */
function isOwnCheckout(cwd: string): boolean {
  const top = gitTop(cwd);
  return top !== undefined && realpathSync(top) === realpathSync(BOXWRIGHT_ROOT);
}
