// Bad input: each folder in test/errors/ holds configs/ and expected.txt, the exact
// messages the generator must print. A failing run must also write nothing.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generate, remove, tempDir } from './helpers.ts';

const ERRORS = join(import.meta.dirname, 'errors');

for (const name of readdirSync(ERRORS).sort()) {
  test(`rejects ${name} with located messages and writes nothing`, async () => {
    const out = tempDir();
    try {
      const result = await generate(['--out', out], join(ERRORS, name));
      const expectedFile = join(ERRORS, name, 'expected.txt');
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(expectedFile, result.err);
      assert.is(result.code, 2);
      assert.fixture(result.err, readFileSync(expectedFile, 'utf8'));
      assert.equal(readdirSync(out), []);
    } finally {
      remove(out);
    }
  });
}

test("a stack compiled alone (--only) still shows its members' own problems", async () => {
  const out = tempDir();
  try {
    const result = await generate(['--out', out, '--only', 'stack'], join(ERRORS, 'stack-member-problems'));
    assert.is(result.code, 2);
    assert.fixture(result.err, readFileSync(join(ERRORS, 'stack-member-problems/expected.txt'), 'utf8'));
  } finally {
    remove(out);
  }
});

test('every error case has its expected output', () => {
  for (const name of readdirSync(ERRORS)) assert.ok(existsSync(join(ERRORS, name, 'expected.txt')), name);
});

test.run();
