#!/usr/bin/env node
// Runs the uvu test files, each in its own Node process, several at once: the end-to-end
// suites spend most of their time waiting on podman, so they overlap with the rest. Each
// file's output is printed whole when it ends; the last line sums them up.
//
//   node scripts/test.mjs [--fast] [--jobs N] [PATTERN...]
//
// The project's checks run as jobs beside the files: the type check, the check that
// generated/ is up to date, and Biome's format and lint check (each counts as one test).
// --fast leaves out test/e2e/ (everything that needs podman or distrobox). A PATTERN keeps
// the files whose path contains it, and no checks. BOXWRIGHT_TEST_RUN names this run in
// everything the end-to-end suites create, so two runs on one host never touch each
// other's objects.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

async function runFile(file) {
  const env = { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' };
  const { code, signal, output, seconds } = await collect(process.execPath, ['--import', 'tsx', file], env);
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

const started = Date.now();
console.log(`test: ${files.length} files and ${checks.length} checks, ${jobs} at a time, run ${run}`);
// Longest first, checks among the files, by what they took last time.
const queue = [
  ...files.map((file) => ({ seconds: lastTimes[file] ?? 0, start: () => runFile(file) })),
  ...checks.map((check) => ({ seconds: lastTimes[check.name] ?? 0, start: () => runCheck(check) })),
]
  .sort((a, b) => b.seconds - a.seconds)
  .map((job) => job.start);
await Promise.all(
  Array.from({ length: Math.min(jobs, queue.length) }, async () => {
    while (queue.length) await queue.shift()();
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
