// The credential files the entrypoint writes from secrets, read back by their consumers: the
// JSON form through JSON.parse (the generated json_string under Debian's awk and busybox's),
// the env form line by line, on random secrets (quotes, backslashes, control characters, any
// Unicode).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import { busyboxAwkFolder, propertyRuns, remove, ROOT, setupSuite, tempDir } from './helpers.ts';

const ENTRYPOINT = join(ROOT, 'generated/turbo-flow/entrypoint.sh');
const jsonString = /^json_string\(\) \{\n[\s\S]*?\n\}\n/m.exec(readFileSync(ENTRYPOINT, 'utf8'))![0];

const credentials = setupSuite<{ dir: string; busyboxAwk: string }>('credentials');
credentials.before((context) => {
  context.dir = tempDir();
  context.busyboxAwk = busyboxAwkFolder(context.dir);
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

// The env form: the generated lines, from the newline checks to the write, with write_credential
// and die standing in for the entrypoint's own (which need root and a container).
const CASE = readFileSync(join(ROOT, 'test/cases/container-side/entrypoint.sh'), 'utf8');
const envLines = CASE.slice(CASE.indexOf('case ${API_KEY-} in'), CASE.indexOf("else\n  log 'skipping /etc/bot/env"));

credentials('an env credential reads back, line by line, as each secret; a newline in one is refused', () => {
  const script = `bw_newline='
'
die() { printf '%s\n' "$*" >&2; exit 1; }
write_credential() { printf '%s' "$5"; }
${envLines}fi
`;
  fc.assert(
    fc.property(secret, secret, (key, extra) => {
      const result = spawnSync('dash', ['-c', script], { encoding: 'utf8', env: { API_KEY: key, EXTRA: extra } });
      if (key.includes('\n') || extra.includes('\n')) {
        assert.is(result.status, 1);
        assert.match(result.stderr, 'contains a newline, which /etc/bot/env cannot hold');
        return;
      }
      assert.is(result.status, 0, result.stderr);
      const lines = result.stdout.split('\n');
      assert.is(lines.pop(), '', 'ends with a newline');
      const read = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      assert.equal(read, { KEY: key, MORE: extra });
    }),
    { numRuns: propertyRuns(150) },
  );
});

credentials(
  "a credential whose optional secret is not set is written with it empty, as the seed wrote zai-user's",
  () => {
    const text = readFileSync(ENTRYPOINT, 'utf8');
    // The zai-user block of seed 001's entrypoint, run with write_credential printing the file.
    const block = /^if \[[^\n]*\n {2}write_credential zai-user [\s\S]*?\nfi\n/m.exec(text)![0];
    const script = `set -eu\nbw_newline='\n'\n${jsonString}\nlog() { echo "log: $*"; }\nwrite_credential() { printf '%s' "$5"; }\n${block}`;
    const run = (env: Record<string, string>) =>
      spawnSync('sh', ['-c', script], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', ...env } });
    const written = run({ ANTHROPIC_API_KEY: 'sk-1' });
    assert.is(written.status, 0, written.stderr);
    assert.equal(JSON.parse(written.stdout), { api_key: 'sk-1', base_url: '' });
    assert.equal(JSON.parse(run({ ANTHROPIC_API_KEY: 'sk-1', ANTHROPIC_BASE_URL: 'https://z.example' }).stdout), {
      api_key: 'sk-1',
      base_url: 'https://z.example',
    });
    assert.is(run({}).stdout, 'log: skipping /home/zai-user/.config/zai/config.json: ANTHROPIC_API_KEY not set\n');
  },
);

credentials.run();
