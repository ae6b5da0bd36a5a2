// The compose importer against podman-compose (Debian's 1.0.3): for each multi-service file
// in test/import/compose/ (a shop with a health-ordered database, a database with a file
// secret and a built backend stage, a proxy on two networks, a project whose compose file
// is in a folder of its own, naming ../ paths and an env file), `podman-compose --dry-run up
// -d` and the imported stack's `stack.sh --dry-run up` run the same containers. Then the
// importer's secrets and env_file on their own, and its errors for them.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'jsonc-parser';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { generate, isolatedPath, matchesGolden, remove, runImport, stubRuntimes, tempDir } from './helpers.ts';
import { composed, envFileLines, FIXTURES, ours, podmanCompose, PROJECTS, type Run } from './compose-support.ts';

const importer = suite('import: compose');

for (const { name, file, env: settings, goldens } of PROJECTS)
  (podmanCompose ? importer : importer.skip)(
    `${name}: podman-compose and the imported stack run the same containers`,
    async () => {
      const dir = tempDir();
      const project = join(dir, name);
      cpSync(join(FIXTURES, name), project, { recursive: true });
      const env = { PATH: process.env.PATH!, HOME: dir, ...settings };
      try {
        const theirs = composed(project, file, env, dir);
        assert.ok(theirs.length >= 2, `${theirs.length} containers`);
        const result = await runImport(['compose', file], project);
        assert.is(result.code, 0, result.err);
        const stack = /wrote configs\/([^.]+)\.jsonc/.exec(result.out)![1]!;
        for (const config of goldens ?? [])
          matchesGolden(
            readFileSync(join(project, `configs/${config}.jsonc`), 'utf8'),
            join(FIXTURES, `${config}.expected.jsonc`),
          );
        const generated = await generate(['--quiet'], project);
        assert.is(generated.code, 0, generated.err);
        // What launch.sh passes by name has the value it reads: the environment's, the env file's.
        const values: Record<string, string> = { ...env, POSTGRES_PASSWORD: settings.DB_PASSWORD ?? '' };
        for (const line of name === 'nested' ? envFileLines(join(project, 'config/web.env')) : []) {
          const [key, ...rest] = line.split('=');
          values[key!] = rest.join('=');
        }
        const byName = (runs: Run[]) => Object.fromEntries(runs.map((run) => [run.name, run]));
        assert.equal(byName(ours(project, stack, env, dir, values)), byName(theirs));
      } finally {
        remove(dir);
      }
    },
  );

const SECRETS = `services:
  db:
    image: mariadb:10.11
    secrets:
      - db-password
      - source: api
        target: api.key
        uid: "103"
      - token
      - vault
secrets:
  db-password:
    file: db/password.txt
  api:
    file: ./api.txt
  token:
    environment: APP_TOKEN
  vault:
    external: true
`;

importer(
  'secrets: a file mounted read-only where compose puts it, a variable as a file secret, podman’s own by name',
  async () => {
    const dir = tempDir();
    try {
      const project = join(dir, 'app');
      mkdirSync(join(project, 'db'), { recursive: true });
      writeFileSync(join(project, 'compose.yaml'), SECRETS);
      writeFileSync(join(project, 'db/password.txt'), 'pw\n');
      writeFileSync(join(project, 'api.txt'), 'key\n');
      const result = await runImport(['compose', 'compose.yaml'], project);
      assert.is(result.code, 0, result.err);
      const text = readFileSync(join(project, 'configs/app-db.jsonc'), 'utf8');
      const db = parse(text) as Record<string, unknown>;
      assert.equal(db.mounts, [
        {
          source: './db/password.txt',
          target: '/run/secrets/db-password',
          readOnly: true,
          description: 'compose secret db-password',
        },
        { source: './api.txt', target: '/run/secrets/api.key', readOnly: true, description: 'compose secret api' },
      ]);
      assert.equal(db.secrets, {
        TOKEN: { description: 'compose secret token', from: 'APP_TOKEN', required: true, file: '/run/secrets/token' },
      });
      assert.equal(db.extraArgs, ['--secret', 'vault']);
      assert.match(text, '// secrets api uid: a mounted file keeps the owner and mode it has on the host');
      const generated = await generate(['--quiet'], project);
      assert.is(generated.code, 0, generated.err);
      const up = spawnSync('/bin/sh', [join(project, 'generated/app-db/launch.sh'), '--dry-run', 'up'], {
        cwd: project,
        encoding: 'utf8',
        env: { PATH: isolatedPath(stubRuntimes(dir)), HOME: dir, APP_TOKEN: 'secret-token' },
      });
      assert.is(up.status, 0, up.stderr);
      for (const part of [
        `--volume ${project}/db/password.txt:/run/secrets/db-password:ro`,
        `--volume ${project}/api.txt:/run/secrets/api.key:ro`,
        `--volume ${dir}/.local/state/boxwright/secrets/app_db_1/TOKEN:/run/secrets/token:ro`,
        '--secret vault',
      ])
        assert.match(up.stdout, part);
      assert.not.match(up.stdout, 'secret-token', 'the value is written to a file, never on the command line');
    } finally {
      remove(dir);
    }
  },
);

importer('env_file: each name it has becomes a secret passed by name; one that is not there is said', async () => {
  const dir = tempDir();
  try {
    const project = join(dir, 'app');
    mkdirSync(project);
    writeFileSync(
      join(project, 'compose.yaml'),
      'services:\n  web:\n    image: nginx\n    environment: [LEVEL=2]\n    env_file: [web.env]\n  job:\n    image: nginx\n    env_file: gone.env\n',
    );
    writeFileSync(join(project, 'web.env'), '# settings\nTOKEN=abc\nexport MODE=fast\nLEVEL=1\n');
    const result = await runImport(['compose', 'compose.yaml'], project);
    assert.is(result.code, 0, result.err);
    const web = parse(readFileSync(join(project, 'configs/app-web.jsonc'), 'utf8')) as Record<string, unknown>;
    assert.equal(web.secrets, { TOKEN: { description: 'from web.env' }, MODE: { description: 'from web.env' } });
    assert.equal(web.env, { LEVEL: '2' }, "the service's own environment wins, as in compose");
    assert.match(
      readFileSync(join(project, 'configs/app-job.jsonc'), 'utf8'),
      '// env_file: gone.env was not there to read: its variables are not passed into the container',
    );
  } finally {
    remove(dir);
  }
});

importer(
  'profiles: a default mode of the services without one, and a mode for each profile, with what they need',
  async () => {
    const dir = tempDir();
    try {
      writeFileSync(
        join(dir, 'compose.yaml'),
        [
          'services:',
          '  app: { image: app }',
          '  db: { image: db, profiles: [backend] }',
          '  api: { image: api, profiles: [backend, Debug_Tools], depends_on: [db] }',
          '  trace: { image: trace, profiles: [Debug_Tools], depends_on: [api] }',
          '',
        ].join('\n'),
      );
      const result = await runImport(['compose', 'compose.yaml', '--name', 'app'], dir);
      assert.is(result.code, 0, result.err);
      const text = readFileSync(join(dir, 'configs/app.jsonc'), 'utf8');
      assert.equal((parse(text) as Record<string, unknown>).modes, {
        default: { default: true, members: ['app'] },
        backend: { description: 'compose profile backend', members: ['app', 'db', 'api'] },
        'debug-tools': { description: 'compose profile Debug_Tools', members: ['app', 'db', 'api', 'trace'] },
      });
      assert.match(text, 'compose starts several profiles at once (--profile a --profile b); a stack runs one mode');
      const generated = await generate(['--quiet'], dir);
      assert.is(generated.code, 0, generated.err);
    } finally {
      remove(dir);
    }
  },
);

importer('interpolation: ${NAME:-default} a default, ${NAME:?message} a required variable that says why', async () => {
  const dir = tempDir();
  try {
    writeFileSync(
      join(dir, 'compose.yaml'),
      'services:\n  app:\n    image: app:${TAG:-1.0}\n    environment:\n      URL: ${URL:?set URL to the API}\n      MODE: ${MODE?}\n',
    );
    const result = await runImport(['compose', 'compose.yaml', '--name', 'app'], dir);
    assert.is(result.code, 0, result.err);
    const app = parse(readFileSync(join(dir, 'configs/app-app.jsonc'), 'utf8')) as Record<string, unknown>;
    assert.equal(app.variables, {
      TAG: { default: '1.0' },
      URL: { required: true, description: 'set URL to the API' },
      MODE: { required: true },
    });
    assert.is(app.image, 'app:${TAG}');
    assert.equal(app.env, { URL: '${URL}', MODE: '${MODE}' });
    const generated = await generate(['--quiet'], dir);
    assert.is(generated.code, 0, generated.err);
    const up = spawnSync('/bin/sh', [join(dir, 'generated/app-app/launch.sh'), '--dry-run', 'up'], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: isolatedPath(stubRuntimes(dir)), HOME: dir },
    });
    assert.is(up.status, 1, 'a required variable that is not set stops it');
    assert.match(up.stderr, 'URL');
  } finally {
    remove(dir);
  }
});

importer('include: the included files’ services join the stack, their paths read from their own folders', async () => {
  const dir = tempDir();
  try {
    const project = join(dir, 'app');
    mkdirSync(join(project, 'db'), { recursive: true });
    writeFileSync(
      join(project, 'compose.yaml'),
      'include:\n  - db/compose.yaml\nservices:\n  web:\n    image: nginx\n    volumes: [./site:/srv]\n    depends_on: [db]\n',
    );
    writeFileSync(
      join(project, 'db/compose.yaml'),
      'services:\n  db:\n    image: postgres\n    volumes: [./init:/docker-entrypoint-initdb.d, data:/var/lib/postgresql/data]\nvolumes:\n  data:\n',
    );
    const result = await runImport(['compose', 'compose.yaml'], project);
    assert.is(result.code, 0, result.err);
    const stack = parse(readFileSync(join(project, 'configs/app.jsonc'), 'utf8')) as Record<string, unknown>;
    assert.equal(Object.keys(stack.members as object), ['db', 'web']);
    const db = parse(readFileSync(join(project, 'configs/app-db.jsonc'), 'utf8')) as Record<string, unknown>;
    assert.equal(db.mounts, [
      // compose makes a missing host folder: so does the config.
      { source: './db/init', target: '/docker-entrypoint-initdb.d', create: true },
      { type: 'volume', source: 'app_data', target: '/var/lib/postgresql/data' },
    ]);
    const generated = await generate(['--quiet'], project);
    assert.is(generated.code, 0, generated.err);

    writeFileSync(
      join(project, 'db/compose.yaml'),
      'include: [../compose.yaml]\nservices:\n  db: { image: postgres }\n',
    );
    const circle = await runImport(['compose', 'compose.yaml', '--name', 'other'], project);
    assert.is(circle.code, 65);
    assert.match(circle.err, /^import: db\/compose\.yaml:1:11 {2}\/include\/0 {2}include goes round in a circle: /);
  } finally {
    remove(dir);
  }
});

importer('depends_on: a condition the stack cannot wait for (a one-shot service finishing) is said', async () => {
  const dir = tempDir();
  try {
    writeFileSync(
      join(dir, 'compose.yaml'),
      'services:\n  migrate: { image: app }\n  web:\n    image: app\n    depends_on:\n      migrate: { condition: service_completed_successfully }\n',
    );
    const result = await runImport(['compose', 'compose.yaml', '--name', 'app'], dir);
    assert.is(result.code, 0, result.err);
    const text = readFileSync(join(dir, 'configs/app.jsonc'), 'utf8');
    assert.equal((parse(text) as { members: Record<string, unknown> }).members.web, {
      config: 'app-web',
      dependsOn: { migrate: 'started' },
    });
    assert.match(text, 'compose waits for migrate to finish with exit code 0; the stack starts it first');
  } finally {
    remove(dir);
  }
});

importer.run();
