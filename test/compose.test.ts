// The compose target: every compose.yaml boxwright writes (the golden cases', the seeds') is
// valid against the compose spec's own schema (vendored under test/vendor/compose-spec/), reads
// the same through PyYAML (podman-compose's reader, YAML 1.1) as through yaml (YAML 1.2), and is
// run by podman-compose (its dry run of up -d: 1.0.3 has no config verb). Exported and imported again, a config comes back:
// - the golden case's environment, key by key;
// - each multi-service project of test/import/compose/: imported, exported as the stack's
//   compose.yaml, that file runs the same containers under podman-compose as the original,
//   and imports back to the same configs.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'jsonc-parser';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse as parseYaml } from 'yaml';
import { composed, FIXTURES, podmanCompose, PROJECTS, type Run } from './compose-support.ts';
import { generate, remove, ROOT, runImport, tempDir, writeFiles } from './helpers.ts';

type Obj = Record<string, unknown>;

const SCHEMA = JSON.parse(readFileSync(join(ROOT, 'test/vendor/compose-spec/compose-spec.json'), 'utf8')) as object;
// The schema names draft-07 by an address ajv does not know (no #): it is draft-07 as written.
const validateCompose = new Ajv({
  strict: false,
  allErrors: true,
  validateFormats: false,
  validateSchema: false,
}).compile(SCHEMA);

const compose = suite('compose');

/** Every committed compose.yaml: of the golden cases and of the configs here. */
function committedFiles(): string[] {
  return ['generated', 'test/cases'].flatMap((folder) =>
    readdirSync(join(ROOT, folder), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(ROOT, folder, entry.name, 'compose.yaml')))
      .map((entry) => join(folder, entry.name, 'compose.yaml')),
  );
}

/** The file as PyYAML reads it (podman-compose's reader), as JSON. */
function pyYaml(path: string): unknown {
  const read = spawnSync(
    'python3',
    ['-c', 'import json,sys,yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)', path],
    { encoding: 'utf8' },
  );
  assert.is(read.status, 0, read.stderr);
  return JSON.parse(read.stdout);
}

/**
 * Whether the file uses what podman-compose 1.0 cannot run: a secret from a variable given as a
 * file, or network aliases other than the service's name.
 */
function beyondPodmanCompose10(document: Obj): boolean {
  const services = Object.values(document.services as Obj) as Obj[];
  return (
    Object.values((document.secrets ?? {}) as Obj).some((spec) => 'environment' in (spec as Obj)) ||
    services.some((service) => typeof service.networks === 'object' && !Array.isArray(service.networks))
  );
}

/**
 * A compose file checked the three ways its readers read it: the spec's schema, PyYAML as
 * podman-compose reads YAML, and podman-compose's dry run of up -d (1.0.3 has no config verb),
 * which reads every service; it runs each container the file names. A file that 1.0 cannot
 * run says so in its header.
 */
function checkFile(path: string, env: Record<string, string>, inPlace = false): Obj {
  const text = readFileSync(path, 'utf8');
  const document = parseYaml(text) as Obj;
  assert.ok(validateCompose(document), `${path}: ${JSON.stringify(validateCompose.errors, null, 1)}`);
  assert.equal(pyYaml(path), document, `${path}: PyYAML reads what yaml reads`);
  const beyond = beyondPodmanCompose10(document);
  assert.is(/# - .*podman-compose 1\.0 cannot/.test(text), beyond, `${path}: its header says what 1.0 cannot run`);
  if (beyond) return document;
  if (!podmanCompose) return document;
  // A copy in a repository of its own: podman-compose makes the bind mounts' missing folders,
  // and needs the env files (made empty here, as a user makes them).
  const dir = tempDir();
  try {
    const folder = inPlace ? dirname(path) : join(dir, 'repo/generated', basename(dirname(path)));
    if (!inPlace) cpSync(dirname(path), folder, { recursive: true });
    for (const service of Object.values(document.services as Obj) as Obj[])
      for (const file of (service.env_file ?? []) as string[])
        if (!existsSync(join(folder, file))) writeFileSync(join(folder, file), '');
    // A copy has no build contexts: the images are the repository's to build.
    const options = inPlace ? [] : ['--no-build'];
    const runs = composed(folder, basename(path), { PATH: process.env.PATH!, HOME: dir, ...env }, dir, options);
    const services = Object.keys(document.services as Obj);
    assert.is(runs.length, services.length, `${path}: podman-compose runs every service`);
  } finally {
    remove(dir);
  }
  return document;
}

compose('every committed compose.yaml passes the compose spec, PyYAML and podman-compose’s dry run', () => {
  const files = committedFiles();
  assert.ok(files.length >= 2, files.join(', '));
  // The variables the files require, set as a user sets them.
  for (const file of files) checkFile(join(ROOT, file), { DOMAIN: 'example.org' });
});

/** A config file's JSON, without the comments and $schema the importer writes. */
function readConfig(path: string): Obj {
  const config = parse(readFileSync(path, 'utf8')) as Obj;
  delete config.$schema;
  return config;
}

/** The keys both sides hold alike, by the key table's compose column and its coded rows. */
const CARRIED = [
  'image',
  'restart',
  'stopTimeout',
  'variables',
  'env',
  'ports',
  'mounts',
  'capabilities',
  'resources',
  'healthcheck',
  'labels',
  'command',
  'user',
];

compose('an environment exported and imported again keeps its keys, its secrets and its network', async () => {
  const dir = tempDir();
  try {
    const original = readConfig(join(ROOT, 'test/cases/compose.jsonc'));
    // Without startup (not a compose key), the service runs the config's own user and command.
    delete original.startup;
    delete original.compose;
    writeFiles(dir, { 'configs/box.json': JSON.stringify({ ...original, compose: {} }) });
    const generated = await generate(['--quiet'], dir);
    assert.is(generated.code, 0, generated.err);
    const file = join(dir, 'generated/box/compose.yaml');
    checkFile(file, { DOMAIN: 'example.org' }, true);
    const imported = await runImport(['compose', 'generated/box/compose.yaml', '--name', 'again'], dir);
    assert.is(imported.code, 0, imported.err);
    const back = readConfig(join(dir, 'configs/again-box.jsonc'));
    for (const key of CARRIED) assert.equal(back[key], original[key], key);
    assert.equal(back.secrets, original.secrets, 'secrets');
    assert.equal(back.name, 'box');
    // compose's service name is an alias on every network: the importer says it.
    assert.equal(back.network, {
      name: 'box-net',
      aliases: [...new Set(['box', ...((original.network as Obj).aliases as string[])])],
    });
  } finally {
    remove(dir);
  }
});

for (const { name, file, env: settings } of PROJECTS)
  (podmanCompose ? compose : compose.skip)(
    `${name}: the stack's compose.yaml runs what the original runs, and imports back to the same configs`,
    async () => {
      const dir = tempDir();
      const project = join(dir, name);
      cpSync(join(FIXTURES, name), project, { recursive: true });
      const env = { PATH: process.env.PATH!, HOME: dir, ...settings };
      try {
        const first = await runImport(['compose', file], project);
        assert.is(first.code, 0, first.err);
        const stack = /wrote configs\/([^.]+)\.jsonc/.exec(first.out)![1]!;
        const stackFile = join(project, `configs/${stack}.jsonc`);
        writeFileSync(stackFile, JSON.stringify({ ...readConfig(stackFile), compose: {} }));
        const generated = await generate(['--quiet'], project);
        assert.is(generated.code, 0, generated.err);
        const exported = `generated/${stack}/compose.yaml`;
        checkFile(join(project, exported), settings, true);
        const byName = (runs: Run[]) => Object.fromEntries(runs.map((run) => [run.name, run]));
        assert.equal(byName(composed(project, exported, env, dir)), byName(composed(project, file, env, dir)));
        const configs = (folder: string) =>
          Object.fromEntries(
            readdirSync(join(project, folder))
              .filter((f) => f.endsWith('.jsonc') && f !== `${stack}.jsonc`)
              .map((f) => [f, readConfig(join(project, folder, f))]),
          );
        const before = configs('configs');
        const again = await runImport(['compose', exported, '--name', stack, '--configs', 'again'], project);
        assert.is(again.code, 0, again.err);
        assert.equal(configs('again'), before);
      } finally {
        remove(dir);
      }
    },
  );

compose('what compose cannot say is refused or warned, at the key that asks for it', async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, {
      'configs/box.json': JSON.stringify({
        kind: 'environment',
        image: 'debian:12',
        detach: true,
        startup: { users: { dev: { uid: 1000 } } },
        mounts: [{ type: 'workspace', target: '/work' }],
        env: { PATH: { prepend: '/opt/bin' } },
        gpu: { mode: 'auto' },
        extraArgs: ['--pull=never'],
        compose: {},
      }),
    });
    const result = await generate(['--quiet'], dir);
    assert.is(result.code, 2);
    for (const expected of [
      "hands over to the image's own ENTRYPOINT",
      'state it in compose.image.entrypoint',
      "the image's CMD",
      "drops to the image's USER",
      'no current folder to mount as the workspace',
      "env PATH prepends to the image's value",
    ])
      assert.ok(result.err.includes(expected), `${expected} in ${result.err}`);
    assert.ok(/configs\/box\.json:\d+:\d+/.test(result.err), result.err);
    assert.not.ok(existsSync(join(dir, 'generated/box')), 'nothing is written');
  } finally {
    remove(dir);
  }
});

compose.run();
