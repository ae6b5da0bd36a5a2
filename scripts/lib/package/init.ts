// `npx boxwright init` in a repository that installed the package: an example config whose
// $schema is the installed package's (the editor completes it), the pre-commit hook, the
// .gitattributes line that keeps generated files LF, and the first generate. Every step adds
// what is missing and says so; a file the user has is never replaced, and a second run
// changes nothing.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Streams } from '../cli.ts';
import { INSTALLED } from '../project.ts';
import { appendLine, gitTop, installHooks, type Step } from './hooks.ts';

const EXAMPLE = `// An example environment: a container that \`generated/example/launch.sh up\` starts,
// \`launch.sh shell\` opens a terminal in and \`launch.sh down\` removes. Change it, or copy it to
// configs/NAME.jsonc for another, then run \`${INSTALLED.generate}\` (the pre-commit hook checks
// that generated/ follows the configs). Every key is described in its $schema.
{
  "$schema": "${INSTALLED.schemas}/environment.schema.json",
  "kind": "environment",
  "description": "An example box: Debian, with a volume for its work",
  // Any image podman or docker can pull, or build (see build).
  "image": "docker.io/library/debian:12",
  // Long-lived: up starts it in the background; a small init passes stop's TERM on.
  "detach": true,
  "init": true,
  "command": ["sleep", "infinity"],
  // Kept across down and up: a named volume, where the shell starts.
  "mounts": [{ "type": "volume", "source": "example-work", "target": "/work" }],
  "workdir": "/work",
}
`;

/** What keeps generated files as generated: LF endings on every checkout. */
const ATTRIBUTES = 'generated/** text eol=lf';

/** The steps, each said; the generator's exit code, or EXIT.usage outside a git repository. */
export async function init(
  cwd: string,
  streams: Streams,
  generate: (argv: string[], cwd: string) => Promise<number>,
): Promise<number> {
  const top = gitTop(cwd);
  if (top === undefined) {
    streams.err('boxwright init: not in a git repository (run git init first)\n');
    return 64;
  }
  const steps = [example(top), installHooks(top), attributes(top)];
  for (const step of steps) streams.out(`${step.changed ? '  ' : '  unchanged: '}${step.said}\n`);
  const code = await generate(['--quiet'], top);
  if (code !== 0) return code;
  if (!steps.some((step) => step.changed)) {
    streams.out('boxwright init: nothing to change; generated/ is up to date.\n');
    return 0;
  }
  streams.out(nextSteps(readFileSync(join(top, 'package.json'), 'utf8')));
  return 0;
}

function example(top: string): Step {
  const configs = join(top, 'configs');
  if (existsSync(configs) && readdirSync(configs).some((f) => /\.jsonc?$/.test(f)))
    return { changed: false, said: 'configs/ has configs: no example written' };
  mkdirSync(configs, { recursive: true });
  writeFileSync(join(configs, 'example.jsonc'), EXAMPLE, { flag: 'wx' });
  return { changed: true, said: 'created configs/example.jsonc' };
}

function attributes(top: string): Step {
  const file = join(top, '.gitattributes');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (text.split('\n').some((line) => line.trim() === ATTRIBUTES))
    return { changed: false, said: `.gitattributes keeps ${ATTRIBUTES} already` };
  appendLine(file, text, ATTRIBUTES);
  return { changed: true, said: `.gitattributes: added ${ATTRIBUTES}` };
}

/** What to do next; a clone gets the hook from the prepare script, where one can be added. */
function nextSteps(packageJson: string): string {
  const prepare = (JSON.parse(packageJson) as { scripts?: { prepare?: string } }).scripts?.prepare;
  const clones = prepare?.includes('boxwright')
    ? []
    : [
        prepare
          ? `  In package.json, add \`boxwright hooks install\` to your prepare script (${prepare}), so that each clone gets the hook.`
          : '  In package.json, add "prepare": "boxwright hooks install" to scripts, so that each clone gets the hook.',
      ];
  return [
    '',
    'Next:',
    '  Edit configs/example.jsonc (your editor completes it from its $schema), then run',
    `  ${INSTALLED.generate} and commit configs/ and generated/ together.`,
    '  generated/example/README.md says how to run it: generated/example/launch.sh up, then shell.',
    ...clones,
    '',
  ].join('\n');
}
