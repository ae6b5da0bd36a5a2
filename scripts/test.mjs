#!/usr/bin/env node
// Runs the uvu test files several at once: in one long-lived worker per slot
// (scripts/test-worker.mjs), which saves starting Node and loading the library per file,
// except the end-to-end suites, which get a process each and spend most of their time
// waiting on podman, so they overlap with the rest. Each file's output is printed whole when
// it ends; the last line sums them up.
//
//   node scripts/test.mjs [--fast] [--jobs N] [PATTERN...]
//
// The project's checks run as jobs beside the files: the type check, the check that
// generated/ is up to date, and Biome's format and lint check (each counts as one test).
// --fast leaves out test/e2e/ (everything that needs podman or distrobox). A PATTERN keeps
// the files whose path contains it, and no checks. BOXWRIGHT_TEST_RUN names this run in
// everything the end-to-end suites create, so two runs on one host never touch each
// other's objects.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism, tmpdir } from 'node:os';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..');
const { values, positionals } = parseArgs({
  options: { fast: { type: 'boolean', default: false }, jobs: { type: 'string' } },
  allowPositionals: true,
});

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

const isEndToEnd = (file) => file.startsWith('test/e2e/');
// The fast loop runs a third of each property test's random samples (see propertyRuns).
if (values.fast) process.env.BOXWRIGHT_TEST_PROFILE ??= 'fast';
const timesFile = join(root, '.cache/test-times.json');
const lastTimes = existsSync(timesFile) ? JSON.parse(readFileSync(timesFile, 'utf8')) : {};
const files = testFiles(join(root, 'test'))
  .filter((file) => !(values.fast && isEndToEnd(file)))
  .filter((file) => positionals.length === 0 || positionals.some((pattern) => file.includes(pattern)))
  // The slow ones first (by the last run's times, else e2e and then size), so that the
  // run ends with short files filling the gaps.
  .sort(
    (a, b) =>
      (lastTimes[b] ?? 0) - (lastTimes[a] ?? 0) ||
      Number(isEndToEnd(b)) - Number(isEndToEnd(a)) ||
      statSync(join(root, b)).size - statSync(join(root, a)).size,
  );

const CHECKS = [
  {
    name: 'typecheck (tsc --noEmit, strict)',
    argv: [
      process.execPath,
      join(root, 'node_modules/typescript/bin/tsc'),
      '--noEmit',
      '-p',
      '.',
      '--incremental',
      '--tsBuildInfoFile',
      '.cache/tsconfig.tsbuildinfo',
    ],
  },
  {
    name: 'generated files are up to date (generate --check)',
    argv: [process.execPath, 'scripts/generate.mjs', '--check', '--quiet'],
  },
  {
    name: 'formatted and lint-free (biome check)',
    argv: [process.execPath, join(root, 'node_modules/@biomejs/biome/bin/biome'), 'check', '.'],
  },
];
const checks = positionals.length === 0 ? CHECKS : [];

if (files.length === 0) {
  console.error(`test: no test file matches ${positionals.join(' ')}`);
  process.exit(64);
}

// Waiting on podman costs no CPU, so one more process than cores keeps both busy.
const jobs = Number(values.jobs ?? availableParallelism() + 1);
process.env.BOXWRIGHT_TEST_RUN ??= randomBytes(3).toString('hex');
const run = process.env.BOXWRIGHT_TEST_RUN;
const totals = { passed: 0, failed: 0, skipped: 0 };
const timings = [];
const failures = [];
// uvu's summary, printed once per process.
const count = (text, label) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
const ESCAPE = String.fromCharCode(27);
const plain = (text) => text.replaceAll(new RegExp(`${ESCAPE}\\[[0-9;]*m`, 'g'), '');

/** Runs a command, collecting what it prints on both streams and how long it took. */
function collect(command, args, env = process.env) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd: root, env });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code, signal) => resolve({ code, signal, output, seconds: (Date.now() - started) / 1000 }));
  });
}

async function runCheck({ name, argv: [command, ...args] }) {
  const { code, signal, output, seconds } = await collect(command, args);
  if (code === 0) totals.passed++;
  else {
    totals.failed++;
    failures.push(`${name} (exit ${code ?? signal})`);
  }
  timings.push([name, seconds]);
  process.stdout.write(
    `\n── ${name} (${seconds.toFixed(1)} s): ${code === 0 ? 'ok' : 'FAILED'}\n${output.trimEnd()}${output.trim() ? '\n' : ''}`,
  );
}

/** Counts one file's uvu output into the totals, and prints it. */
function report(file, { code, signal, output, seconds }) {
  const text = plain(output);
  const total = count(text, 'Total');
  const passed = count(text, 'Passed');
  const skipped = count(text, 'Skipped');
  // A file that crashed before uvu's summary has failed as a whole.
  const failed = code === 0 ? total - passed : Math.max(total - passed, 1);
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  timings.push([file, seconds]);
  // uvu exits 0 when a before-hook throws, having run none of the tests: that fails too.
  if (code !== 0 || failed > 0)
    failures.push(`${file} (${code !== 0 ? `exit ${code ?? signal}` : `${failed} of ${total} did not pass`})`);
  process.stdout.write(`\n── ${file} (${seconds.toFixed(1)} s)\n${output.trimEnd()}\n`);
}

const testEnv = { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' };

/**
 * Where the workers' tests keep their scratch files: /dev/shm where it holds programs that
 * can run (the tests write and run thousands of small scripts; in memory that is a tenth of
 * the fast loop), else the usual temporary folder. The end-to-end suites keep the usual one:
 * podman's image files are large.
 */
function scratchFolder() {
  let probe;
  try {
    probe = mkdtempSync('/dev/shm/boxwright-probe-');
    const script = join(probe, 'probe');
    writeFileSync(script, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    return spawnSync(script).status === 0 ? '/dev/shm' : undefined;
  } catch {
    return undefined;
  } finally {
    if (probe) rmSync(probe, { recursive: true, force: true });
  }
}
const workerEnv = { ...testEnv, TMPDIR: scratchFolder() ?? testEnv.TMPDIR ?? tmpdir() };

/** Runs a test file in a Node process of its own: the end-to-end suites, which clean up on exit. */
async function runFile(file) {
  report(file, await collect(process.execPath, ['--import', 'tsx', file], testEnv));
}

const MARK = `boxwright-test-file-done-${randomBytes(4).toString('hex')}`;

/**
 * A long-lived process running test files one after another (scripts/test-worker.mjs), its
 * stderr joined to its stdout. `run(file)` resolves when the worker prints the mark after the
 * file; if the worker dies instead, the file fails with what it printed and the next file
 * gets a new worker.
 */
function worker() {
  let child;
  let pending;
  let output = '';
  let started = 0;
  const start = () => {
    child = spawn(
      'sh',
      ['-c', 'exec "$0" "$@" 2>&1', process.execPath, '--import', 'tsx', 'scripts/test-worker.mjs', MARK],
      { cwd: root, env: workerEnv, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const at = output.indexOf(`\n${MARK} `);
      const end = at < 0 ? -1 : output.indexOf('\n', at + 1);
      if (end < 0) return;
      const code = Number(output.slice(at + MARK.length + 2, end));
      const done = { code, signal: null, output: output.slice(0, at), seconds: (Date.now() - started) / 1000 };
      output = output.slice(end + 1);
      pending(done);
    });
    child.on('close', (code, signal) => {
      child = undefined;
      if (pending) pending({ code: code || 1, signal, output, seconds: (Date.now() - started) / 1000 });
    });
  };
  return {
    run: (file) =>
      new Promise((resolve) => {
        if (!child) start();
        output = '';
        started = Date.now();
        pending = (result) => {
          pending = undefined;
          resolve(result);
        };
        child.stdin.write(`${file}\n`);
      }),
    // Waits for the worker to exit, so that what it removes on exit is gone when the run ends.
    stop: () =>
      new Promise((resolve) => {
        if (!child) return resolve();
        child.on('close', resolve);
        child.stdin.end();
      }),
  };
}

const started = Date.now();
console.log(`test: ${files.length} files and ${checks.length} checks, ${jobs} at a time, run ${run}`);
// Longest first, checks among the files, by what they took last time. Each slot keeps one
// worker for the files that can share a process.
const queue = [
  ...files.map((file) => ({ file, seconds: lastTimes[file] ?? 0 })),
  ...checks.map((check) => ({ check, seconds: lastTimes[check.name] ?? 0 })),
].sort((a, b) => b.seconds - a.seconds);
await Promise.all(
  Array.from({ length: Math.min(jobs, queue.length) }, async () => {
    const slot = worker();
    while (queue.length) {
      const { file, check } = queue.shift();
      if (check) await runCheck(check);
      else if (isEndToEnd(file)) await runFile(file);
      else report(file, await slot.run(file));
    }
    await slot.stop();
  }),
);

mkdirSync(join(root, '.cache'), { recursive: true });
writeFileSync(timesFile, JSON.stringify({ ...lastTimes, ...Object.fromEntries(timings) }, null, 1));

console.log('\nslowest files:');
for (const [file, seconds] of timings.sort((a, b) => b[1] - a[1]).slice(0, 8))
  console.log(`  ${seconds.toFixed(1).padStart(6)} s  ${file}`);
if (failures.length) console.log(`\nfailed: ${failures.join(', ')}`);
console.log(`\ntest: ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failures.length ? 1 : 0);
