#!/usr/bin/env zx
// The launcher against the runtime it drives, side by side in one run, for podman and for
// docker (each where it answers): `up` on a running, current container against `start`,
// `shell -- true` against `exec NAME true`, and how long `down` of a `sleep infinity`
// container takes. Needs an image of the end-to-end tests (npm test builds it). Run with
// `npm run bench -- --runtimes` or `npx zx scripts/bench-runtimes.mjs`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadLibrary } from './load-library.mjs';

const { main } = await loadLibrary('cli.ts');
const ROUNDS = Number(process.env.BENCH_PAIRS ?? 9);

function run(command, args, env) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env }, stdio: 'pipe' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The end-to-end tests' Debian image, as this runtime has it, or nothing. */
function testImage(runtime) {
  const listed = spawnSync(runtime, ['images', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' });
  if (listed.status !== 0) return undefined;
  return listed.stdout.split('\n').find((image) => /^localhost\/boxwright-test:bookworm-/.test(image));
}

async function bench(runtime) {
  const image = testImage(runtime);
  if (!image) {
    console.log(`${runtime}: skipped (no localhost/boxwright-test image: run npm test first)`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'boxwright-bench-runtime-'));
  const name = `bw-bench-${process.pid}-${runtime}`;
  mkdirSync(join(dir, 'configs'));
  // A user to make, so the generated entrypoint runs and hands over, as in the seeds.
  writeFileSync(
    join(dir, 'configs/box.json'),
    JSON.stringify({
      kind: 'environment',
      image,
      name,
      detach: true,
      remove: false,
      startup: { users: { keeper: { uid: 1500 } } },
      user: 'keeper',
      command: ['sleep', 'infinity'],
    }),
  );
  const silent = { out: () => {}, err: (text) => process.stderr.write(text) };
  if ((await main(['--quiet'], dir, silent)) !== 0) throw new Error('generate failed');
  const launch = join(dir, 'generated/box/launch.sh');
  const env = { BOXWRIGHT_RUNTIME: runtime };
  try {
    run('sh', [launch, 'up'], env);
    const up = [];
    const shell = [];
    // The floor of any up that checks the container: the one inspect it makes, alone.
    const inspect = [];
    // Each kind of pair in a loop of its own, so that both sides of a pair follow the same
    // calls: podman clears an ended exec session in the next call that takes the container,
    // which would otherwise be charged to the up that follows a shell.
    for (let i = 0; i < ROUNDS; i++) up.push(run('sh', [launch, 'up'], env) / run(runtime, ['start', name]));
    for (let i = 0; i < ROUNDS; i++) {
      inspect.push(
        run(runtime, ['container', 'inspect', '--format', '{{.State.Status}}', name]) / run(runtime, ['start', name]),
      );
    }
    for (let i = 0; i < ROUNDS; i++) {
      shell.push(run('sh', [launch, 'shell', '--', 'true'], env) / run(runtime, ['exec', name, 'true']));
    }
    const down = run('sh', [launch, 'down'], env);
    const show = (values) => values.map((v) => v.toFixed(2)).join(' ');
    console.log(
      `${runtime}: up (running, current) / ${runtime} start: median ×${median(up).toFixed(2)} (${show(up)}; target ≤ ×1.3)`,
    );
    console.log(
      `${runtime}: (its one container inspect / ${runtime} start: median ×${median(inspect).toFixed(2)}, the floor of up)`,
    );
    console.log(
      `${runtime}: shell -- true / ${runtime} exec true:      median ×${median(shell).toFixed(2)} (${show(shell)}; target ≤ ×1.2)`,
    );
    console.log(`${runtime}: down of a sleep infinity container:   ${(down / 1000).toFixed(2)} s (target < 2 s)`);
  } finally {
    spawnSync(runtime, ['rm', '--force', name], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const runtime of ['podman', 'docker']) {
  if (spawnSync(runtime, ['info'], { stdio: 'ignore' }).status === 0) await bench(runtime);
  else console.log(`${runtime}: skipped (it does not answer)`);
}
