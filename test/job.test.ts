// The job runner (seed 003): status files and JSONL logs that always parse, whatever bytes
// a command prints. The expected text of a line is what the WHATWG UTF-8 decoder (Node's
// TextDecoder) makes of its bytes; both Debian's awk (mawk) and busybox awk are checked.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import { busyboxAwkFolder, propertyRuns, remove, ROOT, runScript, setupSuite, SHELLS, tempDir } from './helpers.ts';

const JOB = join(ROOT, 'generated/zephyr/job.sh');
const jobs = setupSuite<{ dir: string; busyboxAwk: string }>('job');

jobs.before((context) => {
  context.dir = tempDir();
  context.busyboxAwk = busyboxAwkFolder(context.dir);
});
jobs.after(({ dir }) => remove(dir));

/** printf octal escapes for bytes, so that any byte, NUL too, reaches the command's output. */
function printfArgument(bytes: number[]): string {
  return bytes.map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
}

function records(directory: string, name: string): { time: string; stream: string; text: string }[] {
  const log = readdirSync(directory).find((f) => f.startsWith(`${name}-`) && f.endsWith('.jsonl'))!;
  return readFileSync(join(directory, log), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { time: string; stream: string; text: string });
}

function split(bytes: number[], separator: number): number[][] {
  const parts: number[][] = [[]];
  for (const byte of bytes)
    if (byte === separator) parts.push([]);
    else parts.at(-1)!.push(byte);
  return parts;
}

const lineBytes = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom(0x00, 0x22, 0x5c, 0x09, 0x0d, 0x7f, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0xed, 0xa0),
    ),
    { maxLength: 24 },
  )
  .map((bytes) => bytes.filter((b) => b !== 0x0a));

for (const awk of ['mawk', 'busybox'] as const) {
  jobs(`every line becomes JSON that decodes to the line's text (${awk} awk)`, ({ dir, busyboxAwk }) => {
    let run = 0;
    fc.assert(
      fc.property(fc.array(lineBytes, { minLength: 1, maxLength: 4 }), (lines) => {
        const directory = join(dir, `${awk}-${run++}`);
        const script = lines.map((bytes) => `printf '${printfArgument(bytes)}\\n'`).join('; ');
        const path = awk === 'busybox' ? `${busyboxAwk}:${process.env.PATH}` : process.env.PATH!;
        const result = runScript(SHELLS[0]!, JOB, ['lines', '--', 'sh', '-c', script], {
          env: { PATH: path, BOXWRIGHT_JOB_DIR: directory },
        });
        assert.is(result.status, 0, result.stderr);
        // busybox awk ends a line at a NUL too; mawk keeps it, as \u0000.
        const read = awk === 'busybox' ? lines.flatMap((bytes) => split(bytes, 0)) : lines;
        const decoded = read.map((bytes) => new TextDecoder('utf-8').decode(new Uint8Array(bytes)));
        assert.equal(
          records(directory, 'lines').map((r) => r.text),
          decoded,
        );
      }),
      { numRuns: propertyRuns(40) },
    );
  });
}

for (const shell of SHELLS) {
  jobs(
    `${shell.name}: status records success and failure with exit code and times; streams are labelled`,
    ({ dir }) => {
      const directory = join(dir, `status-${shell.name}`);
      const env = { PATH: process.env.PATH!, BOXWRIGHT_JOB_DIR: directory };
      const ok = runScript(shell, JOB, ['build', '--', 'sh', '-c', 'echo out; echo err >&2'], { env });
      assert.is(ok.status, 0, ok.stderr);
      assert.is(ok.stdout, 'out\n', 'output still reaches the terminal');
      const status = readFileSync(join(directory, 'build.status'), 'utf8');
      assert.match(
        status,
        /^state=succeeded\nexit=0\nstarted=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\nfinished=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\nlog=.*build-\d{8}-\d{6}\.jsonl\ncommand=sh -c echo out; echo err >&2\n$/,
      );
      const lines = records(directory, 'build');
      assert.equal(lines.map((r) => [r.stream, r.text]).sort(), [
        ['stderr', 'err'],
        ['stdout', 'out'],
      ]);
      assert.ok(Math.abs(Date.parse(lines[0]!.time) - Date.now()) < 120_000, 'the time is now, in UTC');

      const failed = runScript(shell, JOB, ['check', '--', 'sh', '-c', 'exit 7'], { env });
      assert.is(failed.status, 7);
      assert.match(readFileSync(join(directory, 'check.status'), 'utf8'), /^state=failed\nexit=7\n/);
      const table = runScript(shell, JOB, ['status'], { env });
      assert.match(table.stdout, /build +succeeded +0 +\S+Z +\S+Z\ncheck +failed +7 /);
      assert.match(runScript(shell, JOB, ['tail', 'build'], { env }).stdout, /"text":"out"/);
      assert.is(runScript(shell, JOB, ['status', '--', 'x'], { env }).status, 2);
      assert.match(runScript(shell, JOB, ['tail'], { env }).stderr, 'usage: job.sh tail NAME [-f]');
      assert.match(runScript(shell, JOB, ['tail', 'nope'], { env }).stderr, "no job named 'nope'");
      assert.match(runScript(shell, JOB, ['bad name', '--', 'true'], { env }).stderr, "'bad name' cannot name a job");
    },
  );
}

for (const shell of SHELLS) {
  jobs(
    `${shell.name}: launch.sh jobs reads the records on the host side of the mount; the log path in them works there`,
    ({ dir }) => {
      const infra = join(dir, `infra ${shell.name}`);
      const records = join(infra, 'p1/bazel_cache/zephyr_jobs');
      // A job run as launch.sh runs it in the container: it is told where the host sees the folder.
      const ran = runScript(shell, JOB, ['nightly', '--', 'sh', '-c', 'echo done'], {
        env: { PATH: process.env.PATH!, BOXWRIGHT_JOB_DIR: records, BOXWRIGHT_JOB_HOST_DIR: '/host/side' },
      });
      assert.is(ran.status, 0, ran.stderr);
      const log = readdirSync(records).find((f) => f.endsWith('.jsonl'))!;
      assert.match(readFileSync(join(records, 'nightly.status'), 'utf8'), `\nlog=/host/side/${log}\n`);
      const env = { PATH: process.env.PATH!, ZEPHYR_INFRA: infra, PROJECT_ID: 'p1', HOME: dir };
      const launch = join(ROOT, 'generated/zephyr/launch.sh');
      const status = runScript(shell, launch, ['jobs', 'status'], { env, cwd: dir });
      assert.is(status.status, 0, status.stderr);
      assert.match(status.stdout, /\nnightly +succeeded +0 /);
      const tail = runScript(shell, launch, ['jobs', 'tail', 'nightly'], { env, cwd: dir });
      assert.is(tail.status, 0, tail.stderr);
      assert.match(tail.stdout, '"text":"done"');
      assert.is(runScript(shell, launch, ['status', 'jobs'], { env, cwd: dir }).status, 2);
    },
  );
}

jobs.run();
