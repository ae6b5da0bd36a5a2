// envFileToContainer: the env file's lines that the config does not declare go into the
// container too (the Turbo Flow seed's export $(cat .env | xargs)), through a file only the
// host user reads and never on the command line; down removes it. Against the stub runtime,
// in every shell of the matrix; and the Quadlet unit that install writes reads the same file.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { quadletExecStart, unitStub } from './quadlet-support.ts';
import {
  generate,
  isolatedPath,
  readArgv,
  remove,
  runScript,
  setupSuite,
  SHELLS,
  stubRuntimes,
  tempDir,
  writeFiles,
} from './helpers.ts';

const CONFIG = {
  kind: 'environment',
  image: 'localhost/box:1',
  name: 'box',
  detach: true,
  envFile: '.env',
  envFileToContainer: true,
  variables: { LEVEL: { default: '1', export: true } },
  secrets: { TOKEN: { required: true } },
  quadlet: {},
};

const ENV_FILE = '# settings\nTOKEN=secret-token\nLEVEL=3\nEXTRA_ONE="a quoted value"\nexport EXTRA_TWO=two words\n';

interface Context {
  dir: string;
  bin: string;
}

const envFile = setupSuite<Context>('envFileToContainer');
envFile.before(async (context) => {
  context.dir = tempDir();
  writeFiles(context.dir, { 'configs/box.json': JSON.stringify(CONFIG), '.env': ENV_FILE });
  const result = await generate(['--quiet'], context.dir);
  assert.is(result.code, 0, result.err);
  context.bin = stubRuntimes(context.dir);
});
envFile.after(({ dir }) => remove(dir));

for (const shell of SHELLS) {
  envFile(
    `${shell.name}: the undeclared lines go in a file only the host user reads; down removes it`,
    ({ dir, bin }) => {
      const state = join(dir, `state-${shell.name}`);
      const env = { PATH: isolatedPath(bin), BW_ARGV_FILE: join(dir, 'argv'), XDG_STATE_HOME: state, HOME: dir };
      const script = join(dir, 'generated/box/launch.sh');
      const up = runScript(shell, script, ['up', '--no-wait'], { env, cwd: dir });
      assert.is(up.status, 0, up.stderr);
      const copy = join(state, 'boxwright/env/box.env');
      assert.is(
        readFileSync(copy, 'utf8'),
        'EXTRA_ONE=a quoted value\nEXTRA_TWO=two words\n',
        'as launch.sh reads them',
      );
      assert.is(statSync(copy).mode & 0o777, 0o600);
      assert.is(statSync(join(state, 'boxwright/env')).mode & 0o777, 0o700);
      const argv = readArgv(join(dir, 'argv'));
      assert.ok(argv.join(' ').includes(`--env-file ${copy} --env LEVEL=3 --env TOKEN`), argv.join(' '));
      assert.not.ok(argv.join(' ').includes('secret-token') || argv.join(' ').includes('quoted'), 'no value on argv');
      const down = runScript(shell, script, ['down'], {
        env: { ...env, BW_STUB_CONTAINER: 'exited 1' },
        cwd: dir,
      });
      assert.is(down.status, 0, down.stderr);
      assert.throws(() => statSync(copy), 'down removed it');
    },
  );
}

envFile('install writes the Quadlet unit with EnvironmentFile= of the same copy', ({ dir }) => {
  const state = join(dir, 'state-install');
  const units = join(dir, 'units');
  const env = {
    PATH: [unitStub(dir), '/usr/bin', '/bin'].join(':'),
    HOME: dir,
    XDG_STATE_HOME: state,
    BW_STUB_IMAGE: 'root\n0 0 0',
  };
  const install = runScript(
    SHELLS[0]!,
    join(dir, 'generated/box/launch.sh'),
    ['install', '--quadlet', '--unit-dir', units],
    {
      env,
      cwd: dir,
    },
  );
  assert.is(install.status, 0, install.stderr);
  // As Quadlet reads the unit: podman's --env-file with the copy's path.
  const execStart = quadletExecStart(units, 'box');
  assert.is(execStart[execStart.indexOf('--env-file') + 1], `${state}/boxwright/env/box.env`);
  assert.is(
    readFileSync(join(state, 'boxwright/env/box.env'), 'utf8'),
    'EXTRA_ONE=a quoted value\nEXTRA_TWO=two words\n',
  );
});

envFile.run();
