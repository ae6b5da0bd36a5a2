// One of scripts/test.mjs's workers: runs the test files it is sent on stdin (one path per
// line), one after another in this process, as uvu's own CLI runs several files. Starting
// Node and loading the library once per worker instead of once per file is a third of the
// fast loop's CPU time. After each file it prints the mark it was started with (its first
// argument) and the file's exit code on a line of their own: the runner splits the stream
// there.
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const mark = process.argv[2];

// Set before uvu loads: its suites then wait for exec() instead of running on a timer.
globalThis.UVU_DEFER = 1;
const { exec } = await import('uvu');

for await (const file of createInterface({ input: process.stdin })) {
  globalThis.UVU_QUEUE = [[null]];
  globalThis.UVU_INDEX = 0;
  process.exitCode = 0;
  try {
    await import(pathToFileURL(file).href);
    await exec();
  } catch (error) {
    // A file that throws while loading has failed as a whole, as it does under uvu's CLI.
    console.log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  }
  process.stdout.write(`\n${mark} ${process.exitCode ?? 0}\n`);
}
process.exit(0);
