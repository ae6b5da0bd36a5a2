// backup.sh and restore.sh against a stub runtime: host folders reach the runtime through
// --mount, and a folder --mount cannot carry is refused before anything runs.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isolatedPath, readArgv, remove, ROOT, runScript, SHELLS, stubRuntimes, tempDir } from './helpers.ts';

const backups = suite<{ dir: string; bin: string }>('backup and restore');
backups.before.each((context) => {
  context.dir = tempDir();
  context.bin = stubRuntimes(context.dir, ['podman']);
});
backups.after.each(({ dir }) => remove(dir));

const script = (name: string) => join(ROOT, 'generated/turbo-flow', name);

backups('a folder with a colon is mounted whole, in every shell', ({ dir, bin }) => {
  for (const shell of SHELLS) {
    const target = join(dir, `archives:${shell.name}`);
    const argv = join(dir, `argv-${shell.name}`);
    const result = runScript(shell, script('backup.sh'), ['--force', target], {
      env: { PATH: isolatedPath(bin), BW_ARGV_FILE: argv },
      cwd: dir,
    });
    assert.is(result.status, 0, `${shell.name}: ${result.stderr}`);
    assert.ok(existsSync(target), shell.name);
    const args = readArgv(argv);
    assert.ok(args.includes(`type=bind,source=${target},target=/backup`), `${shell.name}: ${args.join(' ')}`);
  }
});

backups('a folder with a comma is refused before the runtime runs', ({ dir, bin }) => {
  for (const [name, args] of [
    ['backup.sh', [join(dir, 'a,b')]],
    ['restore.sh', [join(dir, 'a,b'), '20260101']],
  ] as const) {
    mkdirSync(join(dir, 'a,b'), { recursive: true });
    const argv = join(dir, 'argv');
    const result = runScript(SHELLS[0]!, script(name), [...args], {
      env: { PATH: isolatedPath(bin), BW_ARGV_FILE: argv },
      cwd: dir,
    });
    assert.is(result.status, 1, result.stderr);
    assert.match(result.stderr, 'a folder name with a comma cannot be mounted');
    assert.not.ok(existsSync(argv), name);
  }
});

backups('chosen volumes by short or full name, and archives named as the seed named them', ({ dir, bin }) => {
  const env = { PATH: isolatedPath(bin), BW_ARGV_FILE: join(dir, 'argv') };
  for (const shell of SHELLS) {
    const chosen = runScript(
      shell,
      script('backup.sh'),
      ['--dry-run', 'out', 'workspace', 'turbo-flow-unified_agents'],
      {
        env,
        cwd: dir,
      },
    );
    assert.is(chosen.status, 0, `${shell.name}: ${chosen.stderr}`);
    const commands = chosen.stdout.trim().split('\n');
    assert.is(commands.length, 2, chosen.stdout);
    assert.match(commands[0]!, `--volume turbo-flow-unified_workspace:/data:ro --mount type=bind,source=${dir}/out,`);
    assert.match(commands[1]!, '--volume turbo-flow-unified_agents:/data:ro');
  }
  writeFileSync(join(dir, 'workspace-20241019.tar.gz'), '');
  const restored = runScript(SHELLS[0]!, script('restore.sh'), ['--dry-run', '.', '20241019'], { env, cwd: dir });
  assert.is(restored.status, 0, restored.stderr);
  assert.match(restored.stdout, 'restore /backup/workspace-20241019.tar.gz');
  assert.match(restored.stderr, 'no archive');
  const unknown = runScript(SHELLS[0]!, script('backup.sh'), ['--dry-run', 'out', 'nope'], { env, cwd: dir });
  assert.is(unknown.status, 2);
  assert.match(unknown.stderr, "no volume named 'nope' here (volumes: workspace agents claude-config");
});

backups.run();
