// Import from anywhere (scripts/lib/import/paths.ts): a relative path in an imported file is
// its folder's, as its own tool reads it, and the config names the same file: ./x inside the
// repository that holds the configs, else absolute. Each format is imported from a folder
// outside the repository and from one inside it, generated, and the launcher's dry run is
// checked to use those very files.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'jsonc-parser';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { generate, isolatedPath, remove, runImport, stubRuntimes, tempDir, writeFiles } from './helpers.ts';

type Obj = Record<string, unknown>;

const COMPOSE = `services:
  web:
    build:
      context: backend
      dockerfile: Dockerfile.prod
    volumes:
      - ./grafana:/etc/grafana:ro
      - ../shared/data:/data
    env_file:
      - .env
`;

const DEVCONTAINER = `{
  // The project's folder is the build context; the Dockerfile is beside this file.
  "build": { "context": "..", "dockerfile": "Dockerfile" },
}
`;

const QUADLET = `[Container]
Image=localhost/app:1
Volume=./data:/data:Z
EnvironmentFile=app.env
`;

interface Context {
  dir: string;
}

const paths = suite<Context>('import: relative paths');
paths.before.each((context) => {
  context.dir = tempDir();
});
paths.after.each(({ dir }) => remove(dir));

async function imports(args: string[], cwd: string): Promise<void> {
  const { code, err } = await runImport(args, cwd);
  assert.is(code, 0, err);
}

function config(repo: string, name: string): Obj {
  return parse(readFileSync(join(repo, `configs/${name}.jsonc`), 'utf8')) as Obj;
}

/** launch.sh --dry-run up of a generated config, against the stub runtime (no image here). */
async function dryRunUp(repo: string, name: string): Promise<string> {
  const generated = await generate(['--quiet'], repo);
  assert.is(generated.code, 0, generated.err);
  const result = spawnSync('/bin/sh', [join(repo, `generated/${name}/launch.sh`), '--dry-run', 'up'], {
    encoding: 'utf8',
    env: { PATH: isolatedPath(stubRuntimes(repo)), BW_ARGV_FILE: '/dev/null', HOME: '/home/tester' },
    cwd: repo,
  });
  assert.is(result.status, 0, result.stderr);
  return result.stdout;
}

paths(
  'compose: from a folder outside the repository, its paths are absolute and the scripts use them',
  async ({ dir }) => {
    const app = join(dir, 'elsewhere/app');
    const repo = join(dir, 'repo');
    writeFiles(app, { 'compose.yaml': COMPOSE, '.env': 'A=1\n', 'backend/Dockerfile.prod': 'FROM scratch\n' });
    writeFiles(repo, { 'configs/.keep': '' });
    await imports(['compose', '../elsewhere/app/compose.yaml', '--name', 'app'], repo);
    const web = config(repo, 'app-web');
    assert.equal(web.build, { context: join(app, 'backend'), containerfile: 'Dockerfile.prod' });
    assert.equal(
      (web.mounts as Obj[]).map((m) => m.source),
      [join(app, 'grafana'), join(dir, 'elsewhere/shared/data')],
    );
    assert.is(web.envFile, join(app, '.env'));
    const up = await dryRunUp(repo, 'app-web');
    assert.match(up, `build --file ${join(app, 'backend/Dockerfile.prod')} `);
    assert.match(up, `--volume ${join(app, 'grafana')}:/etc/grafana:ro`);
  },
);

paths('compose: from a folder of the repository, its paths are ./ paths of that folder', async ({ dir }) => {
  writeFiles(dir, { 'deploy/compose.yaml': COMPOSE, 'deploy/backend/Dockerfile.prod': 'FROM scratch\n' });
  await imports(['compose', 'deploy/compose.yaml', '--name', 'app'], dir);
  const web = config(dir, 'app-web');
  assert.equal(web.build, { context: './deploy/backend', containerfile: 'Dockerfile.prod' });
  assert.equal(
    (web.mounts as Obj[]).map((m) => m.source),
    ['./deploy/grafana', './shared/data'],
  );
  assert.is(web.envFile, './deploy/.env');
  const up = await dryRunUp(dir, 'app-web');
  assert.match(up, `--volume ${join(dir, 'deploy/grafana')}:/etc/grafana:ro`);
});

paths('devcontainer: the context and the Dockerfile are the file folder’s, from outside or inside', async ({ dir }) => {
  const project = join(dir, 'elsewhere/project');
  writeFiles(project, { '.devcontainer/devcontainer.json': DEVCONTAINER, '.devcontainer/Dockerfile': 'FROM x\n' });
  const repo = join(dir, 'repo');
  writeFiles(repo, { 'configs/.keep': '' });
  await imports(['devcontainer', '../elsewhere/project/.devcontainer/devcontainer.json', '--name', 'dev'], repo);
  assert.equal(config(repo, 'dev').build, { context: project, containerfile: '.devcontainer/Dockerfile' });
  assert.match(await dryRunUp(repo, 'dev'), `build --file ${join(project, '.devcontainer/Dockerfile')} `);

  await imports(['devcontainer', 'elsewhere/project/.devcontainer/devcontainer.json', '--name', 'dev'], dir);
  assert.equal(config(dir, 'dev').build, { context: './elsewhere/project', containerfile: '.devcontainer/Dockerfile' });
});

paths('Quadlet: Volume= and EnvironmentFile= are the unit folder’s', async ({ dir }) => {
  const units = join(dir, 'elsewhere/units');
  writeFiles(units, { 'app.container': QUADLET, 'app.env': 'A=1\n' });
  const repo = join(dir, 'repo');
  writeFiles(repo, { 'configs/.keep': '' });
  await imports(['quadlet', '../elsewhere/units/app.container'], repo);
  const app = config(repo, 'app');
  assert.equal((app.mounts as Obj[])[0]!.source, join(units, 'data'));
  // podman's --env-file: its variables go into the container, as Quadlet passes them.
  assert.equal(app.extraArgs, ['--env-file', join(units, 'app.env')]);
});

paths.run();
