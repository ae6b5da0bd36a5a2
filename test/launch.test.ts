// The generated launch script's behaviour, in every shell of the matrix, against stub
// runtimes (and a stub nvidia-smi) that record how they were called.
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
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
  which,
  writeFiles,
} from './helpers.ts';

const CONFIG = {
  kind: 'environment',
  image: 'box:1',
  variables: {
    PROJECT_ID: { description: 'project', required: true, export: true },
    REGION: { description: 'region', required: true },
    STORAGE: { default: '/srv/${PROJECT_ID}' },
  },
  secrets: { API_KEY: { required: true }, OPTIONAL_TOKEN: {} },
  envFile: '.env',
  gpu: { mode: 'auto', minCuda: '12.9', variable: 'BOX_GPU' },
  entrypoints: {
    login: { command: ['bash', '-l'], args: 'replace' },
    build: { command: ['/opt/build.sh', '--fast'] },
  },
  entrypointVariable: 'BOX_ENTRYPOINT',
  defaultEntrypoint: 'login',
};

interface Context {
  dir: string;
  script: string;
  bin: string;
  argvFile: string;
}

const launch = setupSuite<Context>('launch.sh');

launch.before(async (context) => {
  context.dir = tempDir();
  writeFiles(context.dir, { 'configs/box.json': JSON.stringify(CONFIG) });
  const result = await generate(['--quiet'], context.dir);
  assert.is(result.code, 0, result.err);
  context.script = join(context.dir, 'generated/box/launch.sh');
  context.bin = stubRuntimes(context.dir);
  context.argvFile = join(context.dir, 'argv');
});
launch.after(({ dir }) => remove(dir));

function run(
  context: Context,
  shell: (typeof SHELLS)[number],
  args: string[],
  env: Record<string, string> = {},
  path = [context.bin],
) {
  writeFileSync(context.argvFile, '');
  const result = runScript(shell, context.script, args, {
    env: {
      PATH: isolatedPath(...path),
      BW_ARGV_FILE: context.argvFile,
      PROJECT_ID: 'p',
      REGION: 'eu',
      API_KEY: 'k3y',
      ...env,
    },
    cwd: context.dir,
  });
  return { ...result, argv: readArgv(context.argvFile) };
}

/** Whether docker's argv asks for the GPU. */
const gpuArgs = (argv: string[]) => argv.join(' ').includes('--gpus all');

/** A stub nvidia-smi printing the header of a driver that supports CUDA `version`, failing, or hanging. */
function stubNvidiaSmi(dir: string, version: string | 'fail' | 'hang'): string {
  const bin = join(dir, `smi-${version}`);
  writeFiles(bin, {
    'nvidia-smi':
      version === 'hang'
        ? `#!/bin/sh\nexec ${which('sleep')} 60\n`
        : version === 'fail'
          ? '#!/bin/sh\necho "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver."\nexit 9\n'
          : `#!/bin/sh\ncat <<'EOF'\n+-----------------------------------------------------------------------------------------+\n| NVIDIA-SMI 575.57.08              Driver Version: 575.57.08      CUDA Version: ${version}     |\n+-----------------------------------------------------------------------------------------+\nEOF\n`,
  });
  chmodSync(join(bin, 'nvidia-smi'), 0o755);
  return bin;
}

for (const shell of SHELLS) {
  launch(`${shell.name}: stops before running anything and names every missing setting`, (context) => {
    const result = run(context, shell, [], { PROJECT_ID: '', REGION: '', API_KEY: '' });
    assert.is(result.status, 1);
    assert.match(
      result.stderr,
      'launch.sh: error: missing required settings: PROJECT_ID REGION API_KEY (set them in the environment or .env)',
    );
    assert.equal(result.argv, []);
  });

  launch(`${shell.name}: passes secrets by name only and variables with their values`, (context) => {
    const result = run(context, shell, [], { OPTIONAL_TOKEN: 't0ken' });
    assert.is(result.status, 0, result.stderr);
    assert.ok(result.argv.includes('API_KEY') && result.argv.includes('OPTIONAL_TOKEN'));
    assert.not.ok(
      result.argv.some((arg) => arg.includes('k3y') || arg.includes('t0ken')),
      'no secret value in argv',
    );
    assert.ok(result.argv.includes('PROJECT_ID=p'));
    assert.not.ok(run(context, shell, []).argv.includes('OPTIONAL_TOKEN'), 'an unset optional secret is not passed');
  });

  launch(`${shell.name}: -e/--env sets variables for run and up, after the config's, and is checked`, (context) => {
    const tricky = `V='$(touch x)' "\\ \t`;
    const result = run(context, shell, ['run', '-e', 'REGION=us', '--env', `TRICKY=${tricky}`, '--env=PASSED']);
    assert.is(result.status, 0, result.stderr);
    const envs = result.argv.flatMap((arg, i) => (result.argv[i - 1] === '--env' ? [arg] : []));
    assert.equal(envs.slice(-3), ['REGION=us', `TRICKY=${tricky}`, 'PASSED']);
    assert.ok(envs.indexOf('REGION=eu') < envs.indexOf('REGION=us'), "the config's value comes first");
    for (const [args, message] of [
      [['run', '-e', '1X=y'], "--env takes NAME=VALUE (or NAME), not '1X=y'"],
      [['run', '-e', 'A-B=y'], "--env takes NAME=VALUE (or NAME), not 'A-B=y'"],
      [['run', '-e', 'A=line\nbreak'], '--env A: a value on the command line cannot hold a line break'],
      [['stop', '-e', 'A=1'], '--env goes with run and up'],
    ] as const) {
      const refused = run(context, shell, [...args]);
      assert.is(refused.status, 2, `${args.join(' ')}: ${refused.stderr}`);
      assert.match(refused.stderr, message);
      assert.equal(refused.argv, []);
    }
  });

  launch(`${shell.name}: reads the env file as data, with the environment taking precedence`, (context) => {
    const marker = join(context.dir, 'executed');
    writeFileSync(
      join(context.dir, '.env'),
      `# comment\n\n  export REGION="us east"\nPROJECT_ID='from-file'\nAPI_KEY=$(touch ${marker})\nUNDECLARED=ignored\r\nOPTIONAL_TOKEN=tok\n`,
    );
    try {
      const result = run(context, shell, ['--dry-run'], { PROJECT_ID: 'from-env', REGION: '', API_KEY: '' });
      assert.is(result.status, 0, result.stderr);
      assert.match(result.stdout, '--env PROJECT_ID=from-env');
      assert.match(result.stdout, '--env API_KEY --env OPTIONAL_TOKEN');
      assert.not.ok(existsSync(marker), 'the env file is never executed');
      const real = run(context, shell, [], { PROJECT_ID: '', REGION: '', API_KEY: '' });
      assert.is(real.status, 0, real.stderr);
      assert.ok(real.argv.includes('PROJECT_ID=from-file'));
    } finally {
      writeFileSync(join(context.dir, '.env'), '');
    }
  });

  launch(`${shell.name}: rejects a malformed env file line with its number`, (context) => {
    writeFileSync(join(context.dir, 'bad.env'), 'GOOD=1\nnot a setting\n');
    const result = run(context, shell, ['--env-file', 'bad.env']);
    assert.is(result.status, 1);
    assert.match(result.stderr, 'bad.env:2: expected NAME=value');
    writeFileSync(join(context.dir, 'bad.env'), 'BAD-NAME=1\n');
    assert.match(
      run(context, shell, ['--env-file=bad.env']).stderr,
      "bad.env:1: 'BAD-NAME' is not a valid variable name",
    );
  });

  launch(`${shell.name}: chooses the entrypoint by argument, then variable, then default`, (context) => {
    assert.equal(run(context, shell, []).argv.slice(-3), ['box:1', 'bash', '-l']);
    assert.equal(run(context, shell, ['--', 'echo', 'a b']).argv.slice(-3), ['box:1', 'echo', 'a b'], 'replace mode');
    assert.equal(run(context, shell, ['build', '--', '-x', '']).argv.slice(-4), ['/opt/build.sh', '--fast', '-x', '']);
    assert.equal(run(context, shell, [], { BOX_ENTRYPOINT: 'build' }).argv.slice(-2), ['/opt/build.sh', '--fast']);
    const unknown = run(context, shell, ['nope']);
    assert.is(unknown.status, 2);
    assert.match(unknown.stderr, "unknown entrypoint 'nope' (choose from: login, build)");
    assert.match(
      run(context, shell, ['build', 'extra']).stderr,
      "unexpected argument 'extra' (arguments for the container go after --)",
    );
  });

  launch(`${shell.name}: picks the runtime: flag, then BOXWRIGHT_RUNTIME, then podman, then docker`, (context) => {
    assert.is(run(context, shell, []).argv[0], 'podman');
    assert.is(run(context, shell, [], { BOXWRIGHT_RUNTIME: 'docker' }).argv[0], 'docker');
    assert.is(run(context, shell, ['--runtime', 'podman'], { BOXWRIGHT_RUNTIME: 'docker' }).argv[0], 'podman');
    const onlyDocker = stubRuntimes(join(context.dir, 'docker-only'), ['docker']);
    assert.is(run(context, shell, [], {}, [onlyDocker]).argv[0], 'docker');
    const none = run(context, shell, [], {}, []);
    assert.is(none.status, 1);
    assert.match(none.stderr, 'no container runtime found: install podman or docker, or pass --runtime');
    assert.is(run(context, shell, ['--runtime=lxc']).status, 2);
  });

  launch(`${shell.name}: uses the GPU only when the driver supports the CUDA floor`, (context) => {
    const newer = stubNvidiaSmi(context.dir, '13.0');
    const older = stubNvidiaSmi(context.dir, '12.4');
    const broken = stubNvidiaSmi(context.dir, 'fail');
    assert.ok(
      gpuArgs(run(context, shell, ['--runtime', 'docker'], {}, [context.bin, newer]).argv),
      'CUDA 13.0 >= 12.9',
    );
    const old = run(context, shell, ['--runtime', 'docker'], {}, [context.bin, older]);
    assert.not.ok(gpuArgs(old.argv));
    assert.match(
      old.stderr,
      'warning: starting without GPU: the driver supports CUDA 12.4 but 12.9 or newer is needed',
    );
    const absent = run(context, shell, ['--runtime', 'docker']);
    assert.is(absent.status, 0);
    assert.match(absent.stderr, 'starting without GPU: nvidia-smi not found (no NVIDIA driver)');
    const required = run(context, shell, ['--runtime', 'docker'], { BOX_GPU: 'required' }, [context.bin, broken]);
    assert.is(required.status, 1);
    assert.match(
      required.stderr,
      "a GPU is required but nvidia-smi failed: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. (set BOX_GPU=off to start without it)",
    );
    assert.equal(required.argv, []);
    const forcedOff = run(context, shell, ['--runtime', 'docker'], { BOX_GPU: 'off' }, [context.bin, newer]);
    assert.not.ok(gpuArgs(forcedOff.argv));
    assert.is(forcedOff.stderr, '');
    assert.is(run(context, shell, [], { BOX_GPU: 'maybe' }).status, 2);
  });

  launch(`${shell.name}: a CUDA version too long for any integer is no usable GPU, in every shell alike`, (context) => {
    const absurd = stubNvidiaSmi(context.dir, '99999999999999999999.1');
    const result = run(context, shell, ['--runtime', 'docker'], {}, [context.bin, absurd]);
    assert.is(result.status, 0, result.stderr);
    assert.not.ok(gpuArgs(result.argv));
    assert.match(
      result.stderr,
      'starting without GPU: nvidia-smi reports CUDA version 99999999999999999999.1, which is not one',
    );
  });

  launch(`${shell.name}: podman gets the GPU through CDI, and no CDI spec means no GPU`, (context) => {
    const newer = stubNvidiaSmi(context.dir, '12.9');
    const result = run(context, shell, [], {}, [context.bin, newer]);
    const hasSpec = ['/etc/cdi', '/var/run/cdi'].some((dir) => existsSync(dir));
    if (hasSpec) assert.ok(result.argv.includes('nvidia.com/gpu=all'));
    else assert.match(result.stderr, 'podman has no CDI spec for the GPU');
  });

  launch(`${shell.name}: execs the runtime and passes its exit status through`, (context) => {
    const recorder = join(context.dir, 'pid-bin');
    writeFiles(recorder, { podman: `#!/bin/sh\necho $$ >"$BW_ARGV_FILE.pid"\nexit 7\n` });
    chmodSync(join(recorder, 'podman'), 0o755);
    const result = run(context, shell, [], {}, [recorder]);
    assert.is(result.status, 7);
    assert.is(Number(readFileSync(`${context.argvFile}.pid`, 'utf8')), result.pid, 'the runtime replaced the shell');
  });

  launch(`${shell.name}: --help lists entrypoints, variables and secrets without needing them`, (context) => {
    const result = run(context, shell, ['--help'], { PROJECT_ID: '', REGION: '', API_KEY: '' });
    assert.is(result.status, 0);
    assert.match(result.stdout, 'Usage: launch.sh [OPTIONS] [VERB] [ENTRYPOINT] [-- ARGS...]');
    assert.match(result.stdout, /build +\/opt\/build.sh --fast/);
    assert.match(result.stdout, /STORAGE +\(default: \/srv\/\$\{PROJECT_ID\}\)/);
    assert.match(result.stdout, /API_KEY +\(required\)/);
    assert.match(result.stdout, 'GPU: auto with CUDA 12.9 or newer; override with BOX_GPU=off|auto|required.');
    assert.is(run(context, shell, ['--bogus']).status, 2);
  });
}

launch('a hung nvidia-smi is given 5 seconds, then the launcher starts without the GPU', (context) => {
  const hung = stubNvidiaSmi(context.dir, 'hang');
  const tools = join(context.dir, 'timeout-bin');
  mkdirSync(tools, { recursive: true });
  if (!existsSync(join(tools, 'timeout'))) symlinkSync(which('timeout'), join(tools, 'timeout'));
  const started = Date.now();
  const result = run(context, SHELLS[0]!, ['--runtime', 'docker'], {}, [context.bin, hung, tools]);
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stderr, 'starting without GPU: nvidia-smi did not answer within 5 seconds (a hung driver?)');
  assert.ok(Date.now() - started < 30_000, 'it did not wait for nvidia-smi to finish');
});

launch(
  'a secret read by another name reaches the container by its own, in every shell, from the environment or the env file',
  async () => {
    const dir = tempDir();
    try {
      writeFiles(dir, {
        'configs/db.json': JSON.stringify({
          kind: 'environment',
          image: 'postgres:16',
          envFile: '.env',
          secrets: { POSTGRES_PASSWORD: { from: 'DB_PASSWORD', required: true }, API_TOKEN: { from: 'TOKEN' } },
        }),
        // The container's names on the host must not leak in: only DB_PASSWORD and TOKEN count.
        '.env': "TOKEN='from the file'\nPOSTGRES_PASSWORD=ignored\n",
      });
      assert.is((await generate(['--quiet'], dir)).code, 0);
      const seen = join(dir, 'seen');
      writeFiles(dir, {
        'bin/podman': `#!/bin/sh\nprintf '%s|%s|%s\\n' "$*" "\${POSTGRES_PASSWORD-unset}" "\${API_TOKEN-unset}" >"${seen}"\n`,
      });
      chmodSync(join(dir, 'bin/podman'), 0o755);
      for (const shell of SHELLS) {
        const result = runScript(shell, join(dir, 'generated/db/launch.sh'), ['run'], {
          env: { PATH: isolatedPath(join(dir, 'bin')), DB_PASSWORD: "it's secret" },
          cwd: dir,
        });
        assert.is(result.status, 0, `${shell.name}: ${result.stderr}`);
        const [argv, password, token] = readFileSync(seen, 'utf8').trimEnd().split('|');
        assert.ok(argv!.includes('--env POSTGRES_PASSWORD --env API_TOKEN'), `${shell.name}: ${argv}`);
        assert.not.ok(argv!.includes('secret'), `${shell.name}: the value is not in argv`);
        assert.is(password, "it's secret", shell.name);
        assert.is(token, 'from the file', shell.name);
      }
      const missing = runScript(SHELLS[0]!, join(dir, 'generated/db/launch.sh'), ['run'], {
        env: { PATH: isolatedPath(join(dir, 'bin')) },
        cwd: dir,
      });
      assert.is(missing.status, 1);
      assert.match(missing.stderr, 'missing required settings: DB_PASSWORD');
    } finally {
      remove(dir);
    }
  },
);

launch("./ mount sources are the repository's folders wherever the script is run from, in every shell", async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, {
      'configs/repo.json': JSON.stringify({
        kind: 'environment',
        image: 'img',
        mounts: [{ source: './src', target: '/src' }],
      }),
      'src/file': '',
      'elsewhere/.keep': '',
    });
    assert.is((await generate(['--quiet'], dir)).code, 0);
    const env = { PATH: isolatedPath(stubRuntimes(dir)) };
    for (const shell of SHELLS)
      for (const [cwd, script] of [
        [join(dir, 'elsewhere'), '../generated/repo/launch.sh'],
        ['/', join(dir, 'generated/repo/launch.sh')],
      ] as const) {
        const result = runScript(shell, script, ['--dry-run'], { env, cwd });
        assert.is(result.status, 0, `${shell.name} in ${cwd}: ${result.stderr}`);
        assert.match(result.stdout, `--volume ${dir}/src:/src `, `${shell.name} in ${cwd}`);
      }
  } finally {
    remove(dir);
  }
});

launch('more than one network: podman joins each with its aliases, docker is refused before it runs', async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, {
      'configs/two.json': JSON.stringify({
        kind: 'environment',
        image: 'img',
        network: { name: 'front' },
        networks: [{ name: 'back', aliases: ['db-client'] }],
      }),
    });
    assert.is((await generate(['--quiet'], dir)).code, 0);
    const env = { PATH: isolatedPath(stubRuntimes(dir)) };
    for (const shell of SHELLS) {
      const podman = runScript(shell, join(dir, 'generated/two/launch.sh'), ['--dry-run'], { env, cwd: dir });
      assert.match(podman.stdout, '--network front --network back:alias=db-client ', shell.name);
      const docker = runScript(shell, join(dir, 'generated/two/launch.sh'), ['--dry-run', '--runtime', 'docker'], {
        env,
        cwd: dir,
      });
      assert.is(docker.status, 1, shell.name);
      assert.is(docker.stdout, '');
      assert.match(docker.stderr, 'this config joins more than one network, which docker run cannot');
    }
  } finally {
    remove(dir);
  }
});

launch('host: what the host lacks is said when the container is made, and it starts all the same', async () => {
  const dir = tempDir();
  try {
    const config = (host: object) =>
      writeFiles(dir, { 'configs/big.json': JSON.stringify({ kind: 'environment', image: 'img', host }) });
    // The tools launch.sh asks about the host with (without them, it says nothing).
    const tools = join(dir, 'host-tools');
    mkdirSync(tools);
    for (const tool of ['getconf', 'awk', 'df']) symlinkSync(which(tool), join(tools, tool));
    const env = { PATH: isolatedPath(stubRuntimes(dir), tools), BW_STUB_STORE: dir, BW_ARGV_FILE: join(dir, 'argv') };
    config({ cpus: 100000, memory: '1000t', storage: '1000t' });
    assert.is((await generate(['--quiet'], dir)).code, 0);
    for (const shell of SHELLS) {
      const big = runScript(shell, join(dir, 'generated/big/launch.sh'), ['run', '--', 'true'], { env, cwd: dir });
      assert.is(big.status, 0, `${shell.name}: ${big.stderr}`);
      assert.match(big.stderr, /this host has \d+ CPUs; the container needs 100000 \(host.cpus\)/, shell.name);
      assert.match(big.stderr, /this host has \d+ MiB of memory; the container needs 1000tb \(host.memory\)/);
      assert.match(big.stderr, `${dir} has `);
      assert.match(big.stderr, 'MiB free; the container needs 1000tb (host.storage)');
    }
    config({ cpus: 1, memory: '1m', storage: '1k' });
    assert.is((await generate(['--quiet'], dir)).code, 0);
    for (const shell of SHELLS) {
      const small = runScript(shell, join(dir, 'generated/big/launch.sh'), ['run', '--', 'true'], { env, cwd: dir });
      assert.is(small.status, 0, `${shell.name}: ${small.stderr}`);
      assert.not.match(small.stderr, 'warning', shell.name);
    }
  } finally {
    remove(dir);
  }
});

launch.run();
