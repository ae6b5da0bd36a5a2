// The devcontainer.json target: every file boxwright writes passes the official dev
// container schema (vendored under test/vendor/devcontainer/), and the devcontainer CLI
// reads it back with the values launch.sh would use: defaults, or the caller's environment.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse, type ParseError } from 'jsonc-parser';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { generate, remove, ROOT, runImport, tempDir, writeFiles } from './helpers.ts';

const SCHEMA = JSON.parse(
  readFileSync(join(ROOT, 'test/vendor/devcontainer/devContainer.base.schema.json'), 'utf8'),
) as object;
// The schema's own allowComments and allowTrailingCommas are editor hints, not keywords.
const validateDefinition = new Ajv2019({ strict: false, allErrors: true, validateFormats: false }).compile(SCHEMA);

/** A devcontainer.json as the tools read it: JSON with comments, and no trailing commas. */
function readDefinition(text: string): Record<string, unknown> {
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: false, disallowComments: false }) as Record<string, unknown>;
  assert.equal(errors, [], 'it parses');
  return value;
}

function schemaErrors(definition: Record<string, unknown>): string {
  return validateDefinition(definition) ? '' : JSON.stringify(validateDefinition.errors, null, 1);
}

const dev = suite('devcontainer');

dev('every committed devcontainer.json, of the seeds and the golden cases, passes the dev container schema', () => {
  const files = ['generated', 'test/cases'].flatMap((folder) =>
    readdirSync(join(ROOT, folder), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) =>
        readdirSync(join(ROOT, folder, entry.name))
          .filter((f) => f === 'devcontainer.json')
          .map((f) => join(folder, entry.name, f)),
      ),
  );
  assert.ok(files.length >= 2, files.join(', '));
  for (const file of files) assert.is(schemaErrors(readDefinition(readFileSync(join(ROOT, file), 'utf8'))), '', file);
});

dev('the schema check can fail: a key it does not know is refused', () => {
  const definition = readDefinition(readFileSync(join(ROOT, 'generated/zephyr/devcontainer.json'), 'utf8'));
  assert.is(schemaErrors(definition), '');
  assert.is.not(schemaErrors({ ...definition, entrypoint: ['/bin/sh'] }), '');
});

/** The configuration as the devcontainer CLI reads it, variables substituted from `env`. */
function readByCli(config: string, workspace: string, env: Record<string, string>) {
  const result = spawnSync(
    join(ROOT, 'node_modules/.bin/devcontainer'),
    ['read-configuration', '--workspace-folder', workspace, '--config', config, '--docker-path', 'podman'],
    { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: '/home/tester', ...env } },
  );
  assert.is(result.status, 0, result.stderr);
  return (JSON.parse(result.stdout) as { configuration: Record<string, unknown> }).configuration;
}

const podman = spawnSync('podman', ['--version']).status === 0;

(podman ? dev : dev.skip)(
  "the devcontainer CLI reads seed 003's file with launch.sh's defaults, or the caller's values",
  () => {
    const config = join(ROOT, 'generated/zephyr/devcontainer.json');
    const defaults = readByCli(config, ROOT, {});
    // The seed's image is built from its Containerfile (images/zephyr), as launch.sh builds it.
    assert.equal(defaults.build, { dockerfile: '../../images/zephyr/Containerfile', context: '../../images/zephyr' });
    assert.equal((defaults.mounts as string[]).slice(0, 2), [
      'type=bind,source=/mnt/data_infra/zephyr_container_infra/default/monorepo_home,target=/home/kvothe',
      'type=bind,source=/mnt/data_infra/zephyr_container_infra/default/spack_store,target=/opt/spack_store',
    ]);
    assert.equal(defaults.containerEnv, { PROJECT_ID: 'default', SPACK_ROOT: '/opt/spack_src' });
    const given = readByCli(config, ROOT, { ZEPHYR_INFRA: '/srv/infra', PROJECT_ID: 'alpha', HF_TOKEN: 'hf-secret' });
    assert.is((given.mounts as string[])[0], 'type=bind,source=/srv/infra/alpha/monorepo_home,target=/home/kvothe');
    assert.equal(given.containerEnv, { PROJECT_ID: 'alpha', SPACK_ROOT: '/opt/spack_src' });
    // The secret goes by name: its value is in no file and on no command line.
    assert.ok(JSON.stringify(given.runArgs).includes('"--env","HF_TOKEN"'));
    assert.not.ok(JSON.stringify(given).includes('hf-secret'));
  },
);

dev('what a dev container tool does its own way is refused at its place in the config', async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, {
      'configs/box.jsonc': `{
  "kind": "environment",
  "image": "debian:12",
  "user": "dev",
  "secrets": { "TOKEN": { "from": "HOST_TOKEN" } },
  "startup": {
    "users": { "dev": { "uid": 1000 } },
    "hooks": [{ "user": "root", "command": "apt-get update" }],
  },
  "devcontainer": {},
}
`,
    });
    const result = await generate(['--quiet'], dir);
    assert.is(result.code, 2, result.err);
    for (const expected of [
      'configs/box.jsonc:5:25  /secrets/TOKEN  secret TOKEN is read from HOST_TOKEN',
      'configs/box.jsonc:7:14  /startup/users  startup.users runs in the generated entrypoint',
      'configs/box.jsonc:8:25  /startup/hooks/0/user  a hook that runs as root cannot be a lifecycle command, which runs as dev',
    ])
      assert.ok(result.err.includes(expected), `${expected}\n--- got:\n${result.err}`);
  } finally {
    remove(dir);
  }
});

const FIVE = {
  image: 'localhost/box:1',
  onCreateCommand: 'make setup',
  updateContentCommand: ['npm', 'install'],
  postCreateCommand: { deps: 'pip install -e .', hooks: ['pre-commit', 'install'] },
  postStartCommand: 'git fetch',
  postAttachCommand: 'echo attached',
};

dev('the five lifecycle commands come back five, in their order, each in its own form', async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, { '.devcontainer/devcontainer.json': JSON.stringify(FIVE), 'configs/.keep': '' });
    const imported = await runImport(['devcontainer', '.devcontainer/devcontainer.json', '--name', 'box'], dir);
    assert.is(imported.code, 0, imported.err);
    // The import asks for the devcontainer.json back ("devcontainer": {}).
    const result = await generate(['--quiet'], dir);
    assert.is(result.code, 0, result.err);
    const back = readDefinition(readFileSync(join(dir, 'generated/box/devcontainer.json'), 'utf8'));
    const lifecycle = Object.keys(back).filter((key) => key.endsWith('Command') && key !== 'overrideCommand');
    assert.equal(lifecycle, Object.keys(FIVE).slice(1));
    for (const key of lifecycle) assert.equal(back[key], FIVE[key as keyof typeof FIVE], key);
  } finally {
    remove(dir);
  }
});

dev('a lifecycle command that runs once per container goes with when: create, and the others with start', async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, {
      'configs/box.json': JSON.stringify({
        kind: 'environment',
        image: 'box:1',
        startup: { hooks: [{ command: 'make', lifecycle: 'onCreateCommand' }] },
      }),
    });
    const result = await generate(['--quiet'], dir);
    assert.is(result.code, 2, result.err);
    assert.match(
      result.err,
      '/startup/hooks/0/lifecycle  onCreateCommand runs once per container, which is when: create',
    );
  } finally {
    remove(dir);
  }
});

dev.run();
