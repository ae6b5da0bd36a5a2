#!/usr/bin/env zx
// Prints the figures the issues set targets for; no test asserts on time (machines here are
// shared and noisy). Run with `npm run bench`.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { loadLibrary } from './load-library.mjs';

const { main } = await loadLibrary('cli.ts');
const silent = { out: () => {}, err: (t) => process.stderr.write(t) };
const root = process.cwd();

async function timed(label, fn, repeat = 5) {
  const times = [];
  for (let i = 0; i < repeat; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(
    `${label.padEnd(52)} median ${median.toFixed(1).padStart(8)} ms  (min ${times[0].toFixed(1)}, ${repeat} runs)`,
  );
  return median;
}

function syntheticConfigs(dir, count) {
  mkdirSync(join(dir, 'configs'), { recursive: true });
  for (let i = 0; i < count; i++) {
    writeFileSync(
      join(dir, 'configs', `env${String(i).padStart(5, '0')}.jsonc`),
      JSON.stringify({
        kind: 'environment',
        image: `registry.example/box-${i}:1`,
        name: `box-${i}-\${PROJECT}`,
        variables: { PROJECT: { default: `p${i}`, export: true }, ROOT: { default: '/srv' } },
        secrets: { TOKEN: { required: i % 2 === 0 } },
        env: { A: 'x', B: "it's ${PROJECT}" },
        ports: [{ host: 10000 + i, container: 22 }],
        mounts: [
          { source: '${ROOT}/${PROJECT}/data', target: '/data', create: true },
          { source: '~/.ssh', target: '/ssh', readOnly: true },
        ],
        gpu: { mode: 'auto', minCuda: '12.9' },
        entrypoints: { default: { command: ['bash', '-l'], args: 'replace' }, job: { command: ['/job.sh'] } },
        defaultEntrypoint: 'default',
      }),
    );
  }
}

console.log(`boxwright benchmark — node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`);

// Generation against another revision (npm run bench -- --against REV), in the same run: the
// revision's tree is exported beside this one and each generates the same 1000 synthetic
// configs, in turns, in a process of its own; the ratio is taken pair by pair (BENCH_PAIRS,
// default 9). With --against-only, nothing else is measured.
const againstAt = process.argv.indexOf('--against');
if (againstAt > 0) {
  const revision = process.argv[againstAt + 1];
  const baseline = mkdtempSync(join(tmpdir(), 'boxwright-baseline-'));
  const work = mkdtempSync(join(tmpdir(), 'boxwright-against-'));
  spawnSync('sh', ['-c', `git archive "$1" | tar -x -C "$2"`, 'sh', revision, baseline], { stdio: 'inherit' });
  symlinkSync(join(root, 'node_modules'), join(baseline, 'node_modules'));
  syntheticConfigs(work, 1000);
  const once = (tree) => {
    const script = `const { loadLibrary } = await import(${JSON.stringify(join(tree, 'scripts/load-library.mjs'))});
const { main } = await loadLibrary('cli.ts');
const silent = { out: () => {}, err: () => {} };
await main(['--quiet', '--out', 'out'], process.argv[1], silent);
const start = process.hrtime.bigint();
await main(['--quiet', '--force', '--out', 'fresh'], process.argv[1], silent);
console.log(Number(process.hrtime.bigint() - start) / 1e6);`;
    rmSync(join(work, 'fresh'), { recursive: true, force: true });
    const result = spawnSync('node', ['--input-type=module', '-e', script, work], { encoding: 'utf8' });
    return Number(result.stdout.trim().split('\n').pop());
  };
  const ratios = [];
  const pairs = Number(process.env.BENCH_PAIRS ?? 9);
  for (let i = 0; i < pairs; i++) ratios.push(once(root) / once(baseline));
  ratios.sort((a, b) => a - b);
  console.log(
    `generate 1000 configs, this tree / ${revision}: median ×${ratios[Math.floor(pairs / 2)].toFixed(3)} (pairs ${ratios.map((r) => r.toFixed(2)).join(' ')}; target ≤ ×1.05)\n`,
  );
  rmSync(baseline, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
}
if (process.argv.includes('--against-only')) process.exit(0);
// --runtimes: the launcher against podman and docker themselves (scripts/bench-runtimes.mjs).
if (process.argv.includes('--runtimes')) {
  await import('./bench-runtimes.mjs');
  process.exit(0);
}

await timed('generate --check, this repository', () => main(['--check', '--quiet'], root, silent));
await timed('generate (in memory + compare), repository configs', () => main(['--check', '--quiet'], root, silent));

const perSize = [];
for (const count of [1000, 10000]) {
  const dir = mkdtempSync(join(tmpdir(), 'boxwright-bench-'));
  syntheticConfigs(dir, count);
  const first = await timed(
    `generate ${count} synthetic environments (cold out dir)`,
    async () => {
      rmSync(join(dir, 'generated'), { recursive: true, force: true });
      await main(['--quiet'], dir, silent);
    },
    count > 1000 ? 1 : 3,
  );
  await timed(
    `--check ${count} synthetic environments`,
    () => main(['--check', '--quiet'], dir, silent),
    count > 1000 ? 1 : 3,
  );
  perSize.push([count, first]);
  rmSync(dir, { recursive: true, force: true });
}
const [small, large] = [perSize[0], perSize[perSize.length - 1]];
console.log(
  `growth 1000 → 10000 configs: ×${(large[1] / small[1]).toFixed(2)} time for ×10 configs (linear ≈ 10; target ≤ 3000 ms for 1000)\n`,
);

// The generator's start-up, as a user meets it: `npx zx scripts/generate.mjs --check` against
// `npx zx` running an empty script, alternated in one run so that both see the same load.
const empty = join(mkdtempSync(join(tmpdir(), 'boxwright-bench-')), 'empty.mjs');
writeFileSync(empty, '#!/usr/bin/env zx\n');
const npxZx =
  (...args) =>
  () => {
    const result = spawnSync('npx', ['zx', ...args], { cwd: root });
    if (result.status !== 0) throw new Error(`npx zx ${args.join(' ')} failed: ${result.stderr}`);
  };
const pairs = [];
for (let i = 0; i < 7; i++) {
  const t0 = process.hrtime.bigint();
  npxZx('scripts/generate.mjs', '--check', '--quiet')();
  const t1 = process.hrtime.bigint();
  npxZx(empty)();
  pairs.push([Number(t1 - t0) / 1e6, Number(process.hrtime.bigint() - t1) / 1e6]);
}
const medianOf = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const [generateMs, bareMs] = [medianOf(pairs.map((p) => p[0])), medianOf(pairs.map((p) => p[1]))];
console.log(`npx zx scripts/generate.mjs --check (this repository)     median ${generateMs.toFixed(0).padStart(5)} ms`);
console.log(`npx zx <empty script>                                     median ${bareMs.toFixed(0).padStart(5)} ms`);
console.log(`generator / bare zx: ×${(generateMs / bareMs).toFixed(2)} (target ≤ ×1.5)\n`);
rmSync(dirname(empty), { recursive: true, force: true });

// Launch script overhead: the zephyr launcher until it execs a runtime that is `true`,
// minus dash starting and exec'ing `true` itself.
const dir = mkdtempSync(join(tmpdir(), 'boxwright-bench-'));
mkdirSync(join(dir, 'bin'));
symlinkSync(
  ['/usr/bin/true', '/bin/true'].find((path) => existsSync(path)),
  join(dir, 'bin', 'podman'),
);
mkdirSync(join(dir, 'infra/default/monorepo_home'), { recursive: true });
mkdirSync(join(dir, 'infra/default/spack_store'), { recursive: true });
mkdirSync(join(dir, 'infra/default/bazel_cache'), { recursive: true });
const env = {
  PATH: `${join(dir, 'bin')}:/usr/bin:/bin`,
  HOME: dir,
  ZEPHYR_INFRA: join(dir, 'infra'),
  ZEPHYR_WORKSPACE: dir,
  SYGALDRY_GPU: 'off',
};
const loops = 300;
function loop(command) {
  const script = `i=0; while [ $i -lt ${loops} ]; do ${command} || exit 1; i=$((i + 1)); done`;
  const start = process.hrtime.bigint();
  const result = spawnSync('dash', ['-c', script], { env, cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} failed`);
  return Number(process.hrtime.bigint() - start) / 1e6 / loops;
}
const samples = [];
for (let round = 0; round < 5; round++) {
  const launcher = loop(`dash ${join(root, 'generated/zephyr/launch.sh')} </dev/null`);
  const baseline = loop(`dash -c 'exec true' </dev/null`);
  samples.push([launcher, baseline]);
}
samples.sort((a, b) => a[0] - a[1] - (b[0] - b[1]));
const [launcher, baseline] = samples[2];
console.log(`launch.sh under dash until exec (zephyr, GPU off)        ${launcher.toFixed(2)} ms per run`);
console.log(`sh -c 'exec true' under dash (baseline)                  ${baseline.toFixed(2)} ms per run`);
console.log(
  `launch script's own time before exec                     ${(launcher - baseline).toFixed(2)} ms (target ≤ 5 ms)`,
);
rmSync(dir, { recursive: true, force: true });

// The pre-commit hook in a scratch repository holding a copy of this project.
const repo = mkdtempSync(join(tmpdir(), 'boxwright-bench-repo-'));
for (const part of ['scripts', 'schemas', 'templates', 'hooks', 'configs', 'generated', 'package.json'])
  cpSync(join(root, part), join(repo, part), { recursive: true });
symlinkSync(join(root, 'node_modules'), join(repo, 'node_modules'));
writeFileSync(join(repo, 'README.md'), 'bench\n');
writeFileSync(join(repo, '.gitignore'), 'node_modules\n');
const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'b',
  GIT_AUTHOR_EMAIL: 'b@b',
  GIT_COMMITTER_NAME: 'b',
  GIT_COMMITTER_EMAIL: 'b@b',
};
const git = (...args) => spawnSync('git', args, { cwd: repo, env: gitEnv });
git('init', '-q');
git('add', '-A');
git('commit', '-q', '--no-verify', '-m', 'bench');
const hook = (label, repeat) =>
  timed(
    label,
    () => {
      const result = spawnSync('sh', ['hooks/pre-commit'], { cwd: repo, env: gitEnv });
      if (result.status !== 0) throw new Error(`hook failed: ${result.stderr}`);
    },
    repeat,
  );
writeFileSync(join(repo, 'README.md'), 'bench, changed\n');
git('add', 'README.md');
console.log('');
await hook('pre-commit, nothing relevant staged (fast path)', 21);
writeFileSync(join(repo, 'configs/zephyr.json'), `${readFileSync(join(repo, 'configs/zephyr.json'), 'utf8')}\n`);
git('add', 'configs');
const slow = await hook('pre-commit, a config staged', 7);
const check = await timed(
  'npx zx scripts/generate.mjs --check',
  () => {
    const result = spawnSync('npx', ['zx', 'scripts/generate.mjs', '--check', '--quiet'], { cwd: repo, env: gitEnv });
    if (result.status !== 0) throw new Error(`check failed: ${result.stderr}`);
  },
  7,
);
console.log(`hook / --check: ×${(slow / check).toFixed(2)} (targets: fast path ≤ 20 ms, full check ≤ ×1.2)`);
rmSync(repo, { recursive: true, force: true });

// Issue 15 (#9, #10): work linear in the length of a line. A 1 MB config on one line must
// generate in about the time of its pretty-printed copy; job.sh must log a 10 MB line in
// seconds.
console.log('');
const wide = mkdtempSync(join(tmpdir(), 'boxwright-bench-wide-'));
const config = {
  kind: 'environment',
  image: 'registry.example/wide:1',
  env: Object.fromEntries(Array.from({ length: 16000 }, (_, i) => [`VARIABLE_${i}`, `value ${i} `.padEnd(40, 'x')])),
};
const layouts = { pretty: JSON.stringify(config, null, 2), 'one line': JSON.stringify(config) };
const layoutMs = {};
for (const [layout, text] of Object.entries(layouts)) {
  const dir = join(wide, layout.replace(' ', '-'));
  mkdirSync(join(dir, 'configs'), { recursive: true });
  writeFileSync(join(dir, 'configs/wide.json'), text);
  layoutMs[layout] = await timed(
    `generate a ${(text.length / 1e6).toFixed(2)} MB config, ${layout}`,
    () => main(['--quiet', '--force'], dir, silent),
    3,
  );
}
console.log(`one line / pretty: ×${(layoutMs['one line'] / layoutMs.pretty).toFixed(2)} (target: about ×1)`);
const jobs = join(wide, 'jobs');
for (const megabytes of [1, 10]) {
  const line = join(wide, `line-${megabytes}`);
  writeFileSync(line, 'x"\\é'.repeat((megabytes * 1e6) / 5));
  await timed(
    `job.sh logs one ${megabytes} MB line (dash, mawk)`,
    () => {
      const result = spawnSync('dash', ['generated/zephyr/job.sh', `line${megabytes}`, '--', 'cat', line], {
        env: { ...process.env, BOXWRIGHT_JOB_DIR: jobs },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      if (result.status !== 0) throw new Error(`job.sh failed: ${result.stderr}`);
    },
    3,
  );
}
rmSync(wide, { recursive: true, force: true });
