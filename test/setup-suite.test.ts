// A suite's before hook that fails is reported as its own error, and an after hook that then
// fails too (on what the before hook never made) does not hide it: run in a child, as uvu runs
// a suite, and read what it prints.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { remove, ROOT } from './helpers.ts';

const SUITE = `
import * as assert from 'uvu/assert';
import { setupSuite } from ${JSON.stringify(join(ROOT, 'test/helpers.ts'))};
const tests = setupSuite<{ stop: () => void }>('broken setup');
tests.before(() => {
  assert.ok(false, 'no supervisor here: run scripts/setup-test-host.sh');
});
tests.after((context) => context.stop());
tests('one', () => {});
tests('two', () => {});
tests.run();
`;

test('a failing before hook fails each test with its own message; the after hook does not hide it', () => {
  // Inside the repository, so that the suite finds uvu in its node_modules.
  const parent = join(ROOT, 'node_modules/.cache/boxwright-tests');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'setup-'));
  try {
    writeFileSync(join(dir, 'broken.test.ts'), SUITE);
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(dir, 'broken.test.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const output = run.stdout + run.stderr;
    assert.is.not(run.status, 0, output);
    assert.match(output, 'no supervisor here: run scripts/setup-test-host.sh');
    assert.match(output, 'Passed:    0');
    assert.not.match(output, 'stop is not a function');
  } finally {
    remove(dir);
  }
});

test.run();
