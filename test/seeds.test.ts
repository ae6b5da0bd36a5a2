// The five seed systems as committed: every generated script's dry run, in every shell of
// the matrix, against stub runtimes, equals the golden file in test/seeds/ (UPDATE_GOLDEN=1
// rewrites them, to be reviewed in the diff).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isolatedPath, remove, ROOT, runScript, SHELLS, stubRuntimes, tempDir, withoutDigests } from './helpers.ts';

const SECRETS = {
  ANTHROPIC_API_KEY: 'sk-secret',
  DEVUSER_PASSWORD: 'pw-secret',
  MANAGEMENT_API_KEY: 'mk-secret',
  HF_TOKEN: 'hf-secret',
};

const CASES: [string, string, string[], Record<string, string>?][] = [
  ['zephyr', 'launch.sh', ['spack-build', '--', '--jobs', '8'], { PROJECT_ID: 'alpha', SYGALDRY_GPU: 'off' }],
  [
    'zephyr',
    'launch.sh',
    ['run-job', '--', 'nightly', '--', 'bash', '-lc', 'cd /workspace/pkg/zephyr && ./build.sh'],
    { SYGALDRY_GPU: 'off' },
  ],
  ['turbo-flow', 'launch.sh', []],
  ['turbo-flow', 'backup.sh', ['/backups']],
  ['cachyos-workstation', 'launch.sh', []],
  ['cachyos', 'stack.sh', ['up']],
  ['cachyos', 'stack.sh', ['--mode', 'microservices', 'up']],
  ['cachyos', 'stack.sh', ['build']],
  ['cachyos', 'stack.sh', ['build', '--no-cache', 'agentic-workstation']],
  ['codeopen', 'launch.sh', ['--tier', 'builder', '--flavor', 'python', '--addons', 'gui']],
  ['codeopen', 'launch.sh', ['--preset', 'desktop']],
  ['codeopen', 'launch.sh', ['--kube', '--preset', 'python-gpu', '--instance', '2']],
  ['codeopen', 'build.sh', ['combo', 'polyglot', 'gui,databases']],
  ['bazzite', 'create.sh', []],
];

for (const [id, script, args, extra] of CASES) {
  const name = `${id}-${script.replace('.sh', '')}-${
    args
      .filter((a) => /^[a-z]/.test(a))
      .slice(0, 2)
      .join('-') || 'default'
  }`;
  test(`seed ${id}: ${script} ${args.join(' ')} --dry-run is the same in every shell and matches test/seeds/${name}.txt`, () => {
    const dir = tempDir();
    try {
      // The stub runtime knows no image, container or network, so everything is "missing".
      const env = {
        PATH: isolatedPath(stubRuntimes(dir)),
        BW_ARGV_FILE: '/dev/null',
        BW_STUB_EXIT: '1',
        HOME: '/home/tester',
        ...SECRETS,
        ...extra,
      };
      const outputs = SHELLS.map((shell) =>
        runScript(shell, join(ROOT, 'generated', id, script), ['--dry-run', ...args], { env, cwd: dir }),
      );
      for (const [i, run] of outputs.entries()) {
        assert.is(run.status, 0, `${SHELLS[i]!.name}: ${run.stderr}`);
        assert.is(run.stdout, outputs[0]!.stdout, `${SHELLS[i]!.name} prints what dash prints`);
      }
      const today = new Date().toISOString().slice(0, 10).replaceAll('-', '');
      const printed = withoutDigests(outputs[0]!.stdout)
        .replaceAll(ROOT.replace(/\/$/, ''), '<repo>')
        .replaceAll(dir, '<cwd>')
        .replaceAll(today, '<YYYYMMDD>');
      for (const secret of Object.values(SECRETS))
        assert.not.ok(printed.includes(secret), 'no secret value on a command line');
      const golden = join(ROOT, 'test/seeds', `${name}.txt`);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, printed);
      assert.ok(existsSync(golden), `${golden} is missing (UPDATE_GOLDEN=1)`);
      assert.fixture(printed, readFileSync(golden, 'utf8'));
    } finally {
      remove(dir);
    }
  });
}

test("each seed system's README says what changed from the seed's own scripts, and why", () => {
  for (const seed of ['cachyos', 'turbo-flow', 'codeopen', 'zephyr', 'bazzite']) {
    const readme = readFileSync(join(ROOT, 'generated', seed, 'README.md'), 'utf8');
    const notes = readme.slice(readme.indexOf('\n## Notes\n'));
    assert.ok(readme.includes('\n## Notes\n'), `${seed}: a Notes section`);
    assert.match(notes, /seed/, `${seed}: the notes speak of the seed`);
  }
});

test.run();
