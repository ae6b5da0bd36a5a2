// The generator's promise, tested with random input: whatever strings a config holds, the
// launch script hands the runtime exactly those strings, in every shell, and --dry-run
// prints a command line that a shell reads back as the same argv.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  generate,
  isolatedPath,
  propertyRuns,
  readArgv,
  remove,
  runScript,
  SHELLS,
  stubRuntimes,
  tempDir,
  writeFiles,
} from './helpers.ts';

const text = fc
  .oneof(
    fc.string({
      unit: fc.constantFrom(...[...`'"\`$\\!*?[]{}()<>|&;~#=%- \t\n\u00e9\ud83d\ude00abcZ09,./@+`]),
      maxLength: 16,
    }),
    fc.constantFrom("'", '$(id)', '`id`', '${HOME}', '-n', '--', '=x', '*', '\n', 'END_OF_TEXT'),
  )
  .filter((s) => !s.includes('\0'));
const pathText = text.filter((s) => !s.includes(':'));
/** Strings that expand (${NAME}) need $ written as $$ to stay literal. */
const literal = (s: string) => s.replaceAll('$', '$$$$');

const sample = fc.record({
  description: text,
  image: text.filter((s) => s.length > 0),
  name: text.filter((s) => s.length > 0),
  hostname: text.filter((s) => s.length > 0),
  workdir: pathText,
  user: text.filter((s) => s.length > 0),
  defaultValue: text.filter((s) => s.length > 0 && !s.startsWith('~')),
  envValue: text,
  labelName: text.filter((s) => s.length > 0 && !s.includes('=')),
  labelValue: text,
  mountSource: pathText,
  mountTarget: pathText,
  volumeTarget: pathText,
  network: text.filter((s) => s.length > 0),
  alias: text.filter((s) => s.length > 0),
  extraArgs: fc.array(text, { maxLength: 3 }),
  health: text.filter((s) => s.length > 0),
  command: fc.array(text, { minLength: 1, maxLength: 3 }),
  userArgs: fc.array(text, { maxLength: 4 }),
});

type Sample = typeof sample extends fc.Arbitrary<infer T> ? T : never;

function configFor(s: Sample, mountRoot: string): object {
  return {
    kind: 'environment',
    description: s.description,
    image: literal(s.image),
    name: literal(s.name),
    hostname: literal(s.hostname),
    workdir: `/${literal(s.workdir)}`,
    user: literal(s.user),
    interactive: 'auto',
    variables: { FIELD: { description: s.description, default: `x${literal(s.defaultValue)}`, export: true } },
    env: { E1: literal(s.envValue) },
    labels: { [s.labelName]: literal(s.labelValue) },
    mounts: [
      {
        source: literal(`${mountRoot}/${s.mountSource}`),
        target: `/${literal(s.mountTarget)}`,
        readOnly: true,
        create: true,
      },
      { type: 'volume', source: 'vol', target: `/v/${literal(s.volumeTarget)}` },
    ],
    network: { name: literal(s.network), aliases: [literal(s.alias)] },
    extraArgs: s.extraArgs.map(literal),
    healthcheck: { command: s.health },
    entrypoints: { main: { description: s.description, command: s.command } },
    defaultEntrypoint: 'main',
  };
}

/** The digest `up` labels a container with, from its dry run (one word of it, quoted or not). */
function digestOf(upDryRun: string): string | undefined {
  return /io\.boxwright\.digest=(\d+(?:-\d+)?)/.exec(upDryRun)?.[1];
}

function expectedArgv(s: Sample, mountRoot: string): string[] {
  return [
    'podman',
    'run',
    '--rm',
    '--interactive',
    '--name',
    s.name,
    '--hostname',
    s.hostname,
    '--workdir',
    `/${s.workdir}`,
    '--user',
    s.user,
    '--env',
    `FIELD=x${s.defaultValue}`,
    '--env',
    `E1=${s.envValue}`,
    '--volume',
    `${mountRoot}/${s.mountSource}:/${s.mountTarget}:ro`,
    '--volume',
    `vol:/v/${s.volumeTarget}`,
    '--network',
    s.network,
    // The hostname is an alias too (unless the alias list has it, or the network is the runtime's own).
    ...(s.hostname !== s.alias && !['host', 'bridge', 'none', 'podman'].includes(s.network)
      ? ['--network-alias', s.hostname]
      : []),
    '--network-alias',
    s.alias,
    '--health-cmd',
    s.health,
    '--label',
    `${s.labelName}=${s.labelValue}`,
    '--label',
    'io.boxwright.config=box',
    ...s.extraArgs,
    s.image,
    ...s.command,
    ...s.userArgs,
  ];
}

let sampleIndex = 0;

test('every string field reaches the runtime intact in every shell, and --dry-run reads back the same', async () => {
  await fc.assert(
    fc.asyncProperty(sample, async (s) => {
      const dir = tempDir();
      try {
        const mountRoot = join(dir, 'mounts');
        writeFiles(dir, { 'configs/box.json': JSON.stringify(configFor(s, mountRoot), null, 2) });
        const generated = await generate(['--quiet'], dir);
        assert.is(generated.code, 0, generated.err);
        const script = join(dir, 'generated/box/launch.sh');
        const argvFile = join(dir, 'argv');
        const env = { PATH: isolatedPath(stubRuntimes(dir)), BW_ARGV_FILE: argvFile };
        const expected = expectedArgv(s, mountRoot);
        const digests = new Set<string | undefined>();
        for (const shell of SHELLS) {
          const run = runScript(shell, script, ['--', ...s.userArgs], { env });
          assert.is(run.status, 0, `${shell.name}: ${run.stderr}`);
          assert.equal(readArgv(argvFile), expected, shell.name);

          const dry = runScript(shell, script, ['--dry-run', '--', ...s.userArgs], { env });
          assert.is(dry.status, 0, `${shell.name}: ${dry.stderr}`);
          const pasted = spawnSync('sh', ['-c', `printf '%s\\0' ${dry.stdout}`], { encoding: 'utf8' });
          assert.equal(pasted.stdout.split('\0').slice(0, -1), expected, `${shell.name} dry-run`);

          // up labels the container with a digest of its config: the same in every shell.
          const up = runScript(shell, script, ['--dry-run', 'up', '--', ...s.userArgs], { env });
          assert.is(up.status, 0, `${shell.name} up: ${up.stderr}`);
          digests.add(digestOf(up.stdout));
        }
        // --help prints the description from a here-document; the shell takes turns by sample.
        const shell = SHELLS[sampleIndex++ % SHELLS.length]!;
        const help = runScript(shell, script, ['--help'], { env });
        assert.ok(help.stdout.includes(s.description.trim()), `${shell.name} --help shows the description`);
        assert.is(digests.size, 1, `every shell computes the same config digest: ${[...digests].join(' ')}`);
        assert.ok([...digests][0], 'up labels the container with a digest');
      } finally {
        remove(dir);
      }
    }),
    {
      numRuns: propertyRuns(30, 4),
      reporter: (details) => {
        if (details.failed)
          throw new Error(`${fc.defaultReportMessage(details)}\n${String((details.errorInstance as Error)?.message)}`);
      },
    },
  );
});

test.run();
