// The importers: each input in test/import/ gives the config in its expected.jsonc (a golden,
// reviewed in the diff; UPDATE_GOLDEN=1 rewrites them), which the generator accepts; and
// the round trips: a distrobox.ini and the manifest generated from its import give distrobox
// assemble 1.8 the same commands, and a devcontainer.json and the one generated from its
// import read the same to the devcontainer CLI.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { importCompose } from '../scripts/lib/import/compose.ts';
import { parse as parseJsonc } from 'jsonc-parser';
import { assemble, lab } from './distrobox-lab.ts';
import { readByCli } from './devcontainer-support.ts';
import { generate, matchesGolden, remove, ROOT, runImport, tempDir } from './helpers.ts';

const FIXTURES = join(ROOT, 'test/import');

/** The fixture's files copied into a fresh repository, imported; returns the folder. */
async function imported(format: string, fixture: string, file: string, name: string): Promise<string> {
  const dir = tempDir();
  cpSync(join(FIXTURES, format, fixture), dir, { recursive: true });
  const result = await runImport([format, file, '--name', name], dir);
  assert.is(result.code, 0, result.err);
  assert.match(result.out, `wrote configs/${name}.jsonc`);
  return dir;
}

const importer = suite('import');

const DEVCONTAINERS: [string, string][] = [
  ['python', '.devcontainer/devcontainer.json'],
  ['node', '.devcontainer.json'],
];

for (const [fixture, file] of DEVCONTAINERS) {
  importer(`devcontainer ${fixture}: the config is the golden, and the generator accepts it`, async () => {
    const dir = await imported('devcontainer', fixture, file, fixture);
    try {
      matchesGolden(
        readFileSync(join(dir, 'configs', `${fixture}.jsonc`), 'utf8'),
        join(FIXTURES, 'devcontainer', `${fixture}.expected.jsonc`),
      );
      const generated = await generate(['--quiet'], dir);
      assert.is(generated.code, 0, generated.err);
    } finally {
      remove(dir);
    }
  });
}

// One golden per key of the README's devcontainer.json table: each file holds that key alone
// (on a plain image), and its expected config shows what it became, or why it was left out.
const KEYS = join(FIXTURES, 'devcontainer/keys');

importer('devcontainer, key by key: each becomes its golden config, which the generator accepts', async () => {
  const dir = tempDir();
  try {
    cpSync(KEYS, dir, { recursive: true });
    const files = readdirSync(KEYS).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 25, files.join(' '));
    for (const file of files) {
      const name = file.replace(/\.json$/, '');
      const result = await runImport(['devcontainer', file, '--name', name], dir);
      assert.is(result.code, 0, `${file}: ${result.err}`);
      matchesGolden(
        readFileSync(join(dir, 'configs', `${name}.jsonc`), 'utf8'),
        join(KEYS, 'expected', `${name}.jsonc`),
      );
    }
    const generated = await generate(['--quiet'], dir);
    assert.is(generated.code, 0, generated.err);
  } finally {
    remove(dir);
  }
});

const podman = spawnSync('podman', ['--version']).status === 0;

(podman ? importer : importer.skip)(
  'devcontainer round trip: the CLI reads the original and the regenerated file alike',
  async () => {
    const dir = await imported('devcontainer', 'python', '.devcontainer/devcontainer.json', 'python');
    try {
      const generated = await generate(['--quiet'], dir);
      assert.is(generated.code, 0, generated.err);
      const before = readByCli(join(dir, '.devcontainer/devcontainer.json'), dir);
      const after = readByCli(join(dir, 'generated/python/devcontainer.json'), dir);
      // Where the original says nothing, the tool's own default workspace applies.
      before.workspaceMount ??= `type=bind,source=${dir},target=/workspaces/${basename(dir)}`;
      before.workspaceFolder ??= `/workspaces/${basename(dir)}`;
      for (const key of [
        'containerEnv',
        'postCreateCommand',
        'postStartCommand',
        'remoteUser',
        'customizations',
        'workspaceMount',
        'workspaceFolder',
      ])
        assert.equal(after[key], before[key], key);
      // A --mount string is its fields, in any order.
      const fields = (mounts: unknown) => (mounts as string[]).map((m) => m.split(',').sort().join(',')).sort();
      assert.equal(fields(after.mounts), fields(before.mounts), 'mounts');
      const buildOf = (config: Record<string, unknown>, folder: string) => {
        const build = config.build as { dockerfile: string; context: string; args: unknown; target: unknown };
        return {
          dockerfile: join(folder, build.dockerfile),
          context: join(folder, build.context),
          args: build.args,
          target: build.target,
        };
      };
      assert.equal(buildOf(after, join(dir, 'generated/python')), buildOf(before, join(dir, '.devcontainer')));
      // Run flags: the same words, the forwarded port published the same way.
      for (const words of [
        ['--cap-add', 'SYS_PTRACE'],
        ['--security-opt', 'seccomp=unconfined'],
        ['--env', 'OPENAI_API_KEY'],
        ['--ulimit', 'nofile=1024'],
      ]) {
        const flat = [
          ...((after.runArgs as string[]) ?? []),
          ...((after.capAdd as string[]) ?? []).flatMap((c) => ['--cap-add', c]),
          ...((after.securityOpt as string[]) ?? []).flatMap((o) => ['--security-opt', o]),
        ];
        assert.ok(flat.join(' ').includes(words.join(' ')), `${words.join(' ')} in ${flat.join(' ')}`);
      }
    } finally {
      remove(dir);
    }
  },
);

importer(
  'distrobox fleet: the config is the golden, and assemble runs the same creates for both manifests',
  async () => {
    const dir = await imported('distrobox', '.', 'fleet.ini', 'fleet');
    const labDir = lab(tempDir());
    try {
      matchesGolden(
        readFileSync(join(dir, 'configs/fleet.jsonc'), 'utf8'),
        join(FIXTURES, 'distrobox/fleet.expected.jsonc'),
      );
      const generated = await generate(['--quiet'], dir);
      assert.is(generated.code, 0, generated.err);
      // What the importer left out (with its comment) is not in the generated manifest: the
      // original without those lines is what the round trip compares.
      const original = readFileSync(join(FIXTURES, 'distrobox/fleet.ini'), 'utf8')
        .split('\n')
        .filter((line) => !/^(unknown_key|volume=\$\(pwd\))/.test(line))
        .join('\n');
      writeFileSync(join(labDir, 'original.ini'), original);
      const sorted = (commands: string[][]) => commands.map((c) => JSON.stringify(c)).sort();
      assert.equal(
        sorted(assemble(labDir, join(dir, 'generated/fleet/distrobox.ini'))),
        sorted(assemble(labDir, join(labDir, 'original.ini'))),
      );
    } finally {
      remove(dir);
      remove(labDir);
    }
  },
);

importer("compose's $$ is a $ in what boxwright passes as written, and stays $$ where it expands", () => {
  const text = [
    'services:',
    '  db:',
    '    image: postgres:16',
    '    labels: { cost: "$$5" }',
    '    stop_grace_period: 1m30s',
    '    stop_signal: SIGINT',
    '    healthcheck:',
    '      test: ["CMD-SHELL", "pg_isready -U $$POSTGRES_USER -h ${DB_HOST:-localhost}"]',
    '      interval: 10s',
    '',
  ].join('\n');
  const db = importCompose(text, 'compose.yaml', 'shop', { file: '/nowhere/compose.yaml', repository: '/nowhere' })
    .others[0]!.imported;
  const config = db.config as { [key: string]: unknown };
  // The runtime runs the health check as written, so compose's $$ is its $; a compose variable
  // there is fixed to its default, with a comment, since boxwright does not expand the check.
  assert.equal(config.healthcheck, { command: 'pg_isready -U $POSTGRES_USER -h localhost', interval: '10s' });
  assert.ok([...db.remarks.left.values()].flat().some((line) => line.startsWith('${DB_HOST:-localhost}: fixed to')));
  // Labels expand in boxwright as in compose: $$ stays $$, a literal $.
  assert.equal(config.labels, { cost: '$$5' });
  assert.equal([config.stopTimeout, config.stopSignal], [90, 'SIGINT']);
});

importer('the importer never overwrites, and says in one line what stops it', async () => {
  const dir = tempDir();
  try {
    cpSync(join(FIXTURES, 'distrobox/fleet.ini'), join(dir, 'fleet.ini'));
    assert.is((await runImport(['distrobox', 'fleet.ini'], dir)).code, 0);
    const again = await runImport(['distrobox', 'fleet.ini'], dir);
    assert.is(again.code, 3);
    assert.is(again.err, 'import: configs/fleet.jsonc exists: nothing was written (choose another --name)\n');
    const missing = await runImport(['distrobox', 'nothing.ini'], dir);
    assert.equal([missing.code, missing.err], [66, 'import: cannot read nothing.ini\n']);
    const unknown = await runImport(['kube', 'fleet.ini'], dir);
    assert.is(unknown.code, 64);
    assert.match(unknown.err, /^import: Invalid values:/);
    writeFileSync(join(dir, 'devcontainer.json'), '{ "dockerComposeFile": "compose.yml", "service": "app" }');
    const composed = await runImport(['devcontainer', 'devcontainer.json', '--name', 'app'], dir);
    assert.equal(
      [composed.code, composed.err],
      [
        66,
        'import: devcontainer.json: a dev container made from a compose file: import the compose services instead\n',
      ],
    );
    writeFileSync(join(dir, 'docker-compose.yml'), 'services:\n  a: [\n');
    const broken = await runImport(['compose', 'docker-compose.yml', '--name', 'broken'], dir);
    assert.is(broken.code, 65);
    assert.is(broken.err.split('\n').length, 2, `one line: ${broken.err}`);
    assert.match(broken.err, /^import: docker-compose.yml:3:1 {2}\/ {2}not YAML: /);
    const help = await runImport(['--help'], dir);
    assert.equal([help.code, help.err], [0, '']);
    assert.equal(readdirSync(join(dir, 'configs')), ['fleet.jsonc']);
  } finally {
    remove(dir);
  }
});

/** Malformed files, each with the one line that says where and what, as generate says it. */
const MALFORMED: { format: string; file: string; text: string; says: string }[] = [
  {
    format: 'compose',
    file: 'list.yaml',
    text: 'services:\n  - image: nginx\n',
    says: 'list.yaml:1:1  /services  services is a list: compose reads a mapping from service names to services',
  },
  {
    format: 'compose',
    file: 'noimage.yaml',
    text: 'services:\n  web:\n    ports: ["80:80"]\n',
    says: 'noimage.yaml:2:3  /services/web  service "web" has neither an image nor build context specified',
  },
  {
    format: 'compose',
    file: 'cycle.yaml',
    text: 'services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n',
    says: 'cycle.yaml:4:5  /services/a/depends_on  dependency cycle: a → b → a',
  },
  {
    format: 'compose',
    file: 'missing.yaml',
    text: 'services:\n  a:\n    image: x\n    depends_on:\n      nope: { condition: service_started }\n',
    says: 'missing.yaml:4:5  /services/a/depends_on  service "a" depends on undefined service "nope"',
  },
  {
    format: 'compose',
    file: 'slash.yaml',
    text: 'services:\n  a/b:\n    image: x\n',
    says: 'slash.yaml:2:3  /services/a~1b  service name "a/b": compose names a service with letters, digits, ".", "_" and "-"',
  },
  {
    format: 'compose',
    file: 'extends.yaml',
    text: 'services:\n  web:\n    extends: { file: base.yaml, service: nope }\n',
    says: 'extends.yaml:3:5  /services/web/extends  extends names service "nope", which base.yaml does not have',
  },
  {
    format: 'compose',
    file: 'secret.yaml',
    text: 'services:\n  a:\n    image: x\n    secrets: [key]\n',
    says: 'secret.yaml:4:15  /services/a/secrets/0  service "a" refers to undefined secret key',
  },
  {
    format: 'compose',
    file: 'nosource.yaml',
    text: 'services:\n  a:\n    image: x\nsecrets:\n  key: {}\n',
    says: 'nosource.yaml:5:3  /secrets/key  secret "key" must declare either "file" or "environment"',
  },
  {
    format: 'compose',
    file: 'twice.yaml',
    text: 'services:\n  a:\n    image: x\n    volumes:\n      - ./one:/data\n      - type: volume\n        source: two\n        target: /data\n',
    says: 'twice.yaml:6:9  /services/a/volumes/1  service "a" mounts two volumes on /data (the other on line 5): compose refuses it too',
  },
  {
    format: 'distrobox',
    file: 'cycle.ini',
    text: '[a]\nimage=x\ninclude=b\n[b]\ninclude=a\n',
    says: 'cycle.ini:5:1  /containers/b/include  include cycle: a → b → a',
  },
  {
    format: 'devcontainer',
    file: 'deep.json',
    text: `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`,
    says: 'deep.json:1:321  /  nested more than 64 levels deep, which no devcontainer.json is',
  },
];

importer(
  'malformed files: one line with the file, line, column, path and the real problem; nothing written',
  async () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir, 'base.yaml'), 'services:\n  base:\n    image: nginx\n');
      for (const bad of MALFORMED) {
        writeFileSync(join(dir, bad.file), bad.text);
        const result = await runImport([bad.format, bad.file, '--name', 'bad'], dir);
        assert.equal([result.code, result.err], [65, `import: ${bad.says}\n`], bad.file);
      }
      assert.not.ok(existsSync(join(dir, 'configs')), 'nothing was written');
    } finally {
      remove(dir);
    }
  },
);

importer('compose extends: a service of the same file or another, merged as compose merges', async () => {
  const dir = tempDir();
  try {
    writeFileSync(
      join(dir, 'common.yaml'),
      'services:\n  base:\n    image: nginx\n    ports: ["80:80"]\n    command: [a]\n',
    );
    writeFileSync(
      join(dir, 'compose.yaml'),
      'services:\n  web:\n    extends: { file: common.yaml, service: base }\n    ports: ["81:81"]\n    command: [b]\n  admin:\n    extends: web\n',
    );
    const result = await runImport(['compose', 'compose.yaml', '--name', 'site'], dir);
    assert.is(result.code, 0, result.err);
    for (const service of ['web', 'admin']) {
      const config = parseJsonc(readFileSync(join(dir, `configs/site-${service}.jsonc`), 'utf8')) as Record<
        string,
        unknown
      >;
      assert.is(config.image, 'nginx', service);
      assert.equal(config.command, ['b'], `${service}: the command is replaced`);
      assert.equal(
        config.ports,
        [
          { host: 80, container: 80 },
          { host: 81, container: 81 },
        ],
        `${service}: ports join`,
      );
    }
  } finally {
    remove(dir);
  }
});

importer.run();
