// The seeds' own images under images/: each Containerfile passes the Dockerfile linter
// (npm's dockerfile-utils, as Debian has no hadolint) and is the build of its config, and
// Turbo Flow's management API answers the config's health check. The images themselves are
// not built here: their bases (CachyOS, NVIDIA's CUDA image) come from Docker Hub, which these
// machines cannot reach.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { parse } from 'jsonc-parser';
import * as assert from 'uvu/assert';
import { ROOT, setupSuite } from './helpers.ts';

const images = setupSuite('images');
const IMAGES = join(ROOT, 'images');

/** The linter's findings as `line: message`, for a Containerfile's text. */
function lint(text: string): string[] {
  return validate(text).map((d) => `${d.range.start.line + 1}: ${d.message}`);
}

images('the linter finds what is wrong in a Containerfile', () => {
  assert.equal(lint('FROM debian:12\nRUN true\n'), []);
  assert.ok(lint('RUN true\n').length > 0, 'no FROM');
  assert.ok(lint('FROM debian:12\nEXPOSE port\n').length > 0, 'a port that is not one');
  assert.ok(lint('FROM debian:12\nCMD ["a" "b"]\nCMD true\n').length > 0, 'two CMDs');
});

for (const name of readdirSync(IMAGES, { withFileTypes: true }).filter((e) => e.isDirectory())) {
  images(`images/${name.name}/Containerfile passes the linter and is its config's build`, () => {
    const file = join(IMAGES, name.name, 'Containerfile');
    assert.equal(lint(readFileSync(file, 'utf8')), []);
    const config = parse(readFileSync(join(ROOT, 'configs', `${name.name}.json`), 'utf8')) as {
      build?: { context: string; containerfile?: string };
    };
    assert.equal(config.build, { context: `./images/${name.name}`, containerfile: 'Containerfile' });
    // What it copies is there.
    for (const [, source] of readFileSync(file, 'utf8').matchAll(/^COPY (\S+) /gm))
      assert.ok(existsSync(join(IMAGES, name.name, source!)), source);
  });
}

images("Turbo Flow's management API answers GET /health, and 404 else", async () => {
  // Port 0: the kernel's choice, which the server prints.
  const server = spawn(process.execPath, [join(IMAGES, 'turbo-flow/management-api/server.js')], {
    env: { MANAGEMENT_API_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const said = String(
      await new Promise((resolve, reject) => {
        server.stdout!.once('data', resolve);
        server.once('exit', (code) => reject(new Error(`server.js exited with ${code}`)));
      }),
    );
    const port = /port (\d+)/.exec(said)![1];
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    assert.is(health.status, 200);
    assert.is(((await health.json()) as { status: string }).status, 'ok');
    assert.is((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
  } finally {
    server.kill();
  }
});

images.run();
