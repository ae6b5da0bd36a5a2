// The credential files the entrypoint writes from secrets, read back by their consumers: the
// JSON form through JSON.parse, on random secrets (quotes, backslashes, control characters,
// any Unicode), with the generated json_string under Debian's awk and busybox's.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { propertyRuns, remove, ROOT, tempDir, which } from './helpers.ts';

const ENTRYPOINT = join(ROOT, 'generated/turbo-flow/entrypoint.sh');
const jsonString = /^json_string\(\) \{\n[\s\S]*?\n\}\n/m.exec(readFileSync(ENTRYPOINT, 'utf8'))![0];

const credentials = suite<{ dir: string; busyboxAwk: string }>('credentials');
credentials.before((context) => {
  context.dir = tempDir();
  context.busyboxAwk = join(context.dir, 'busybox-awk');
  mkdirSync(context.busyboxAwk);
  symlinkSync(which('busybox'), join(context.busyboxAwk, 'awk'));
});
credentials.after(({ dir }) => remove(dir));

/** Any Unicode text an environment variable can carry: everything but NUL. */
const secret = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom('"', '\\', '\n', '\t', '\r', '\u0001', '\u001f', '\u007f', '/', ' ', 'é', '€', '😀'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    ),
    maxLength: 24,
  })
  .map((text) => text.replaceAll('\0', ''));

for (const awk of ['mawk', 'busybox'] as const) {
  credentials(`json_string gives JSON that parses back to the secret (${awk} awk)`, ({ busyboxAwk }) => {
    fc.assert(
      fc.property(secret, (value) => {
        const result = spawnSync('dash', ['-c', `${jsonString}json_string "$SECRET"`], {
          encoding: 'utf8',
          env: { SECRET: value, PATH: awk === 'busybox' ? `${busyboxAwk}:${process.env.PATH}` : process.env.PATH },
        });
        assert.is(result.status, 0, result.stderr);
        assert.is(JSON.parse(result.stdout), value);
      }),
      { numRuns: propertyRuns(150) },
    );
  });
}

credentials.run();
