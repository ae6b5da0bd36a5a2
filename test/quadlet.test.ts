// Quadlet units, one small case per key of the table that needs code (the others are drawn
// at random in key-table.test.ts) and per thing install adds: generated, installed with
// launch.sh install (a stub podman), converted by podman's own Quadlet 4.9.5, and the
// ExecStart= it makes carries the same run options as launch.sh --dry-run up.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generate, propertyRuns, remove, tempDir, writeFiles } from './helpers.ts';
import {
  execStartOf,
  imageConfig,
  quadletDryRun,
  quadletExecStart,
  runOptions,
  shellWords,
  TEST_HOME,
  unitStub,
} from './quadlet-support.ts';

const IMAGE = imageConfig('app', ['/usr/bin/tini', '--'], ['serve', '--port', '80'], ['PATH=/usr/bin:/bin']);

interface Case {
  config: Record<string, unknown>;
  env?: Record<string, string>;
  /** Lines of the committed .container (before install). */
  unit?: RegExp[];
  /** Lines install adds. */
  installed?: RegExp[];
  /** Files of the case's repository. */
  files?: Record<string, string>;
}

const CASES: Record<string, Case> = {
  user: {
    config: { user: 'dev', startup: { users: { dev: { uid: 1000 } } } },
    unit: [/^User=0$/m, /^Group=0$/m, /^Environment=BOXWRIGHT_USER=dev$/m, /^Label=io.boxwright.user=dev$/m],
  },
  'the image’s user, entrypoint and command': {
    config: { startup: { directories: [{ path: '/data' }] } },
    installed: [/^Environment="BOXWRIGHT_USER=app"$/m, /^Exec="\/usr\/bin\/tini" "--" "serve" "--port" "80"$/m],
  },
  restart: { config: { restart: 'unless-stopped' }, unit: [/^Restart=always$/m] },
  variables: {
    config: {
      variables: { A: { default: 'x y', export: true }, B: { required: true, export: true }, C: { export: true } },
      quadlet: { variables: { B: 'given' } },
    },
    unit: [/^Environment="A=x y"$/m, /^Environment=B=given$/m],
    env: { B: 'given' },
  },
  env: {
    config: { env: { PLAIN: 'a b', DOLLAR: 'cost $$5 100%', PATH: { prepend: '/opt/bin' } } },
    unit: [/^Environment="DOLLAR=cost \$\$5 100%%"$/m],
    installed: [/^Environment="PATH=\/opt\/bin:\/usr\/bin:\/bin"$/m],
  },
  secrets: {
    config: {
      secrets: {
        TOKEN: { required: true },
        OPTIONAL: {},
        UNSET: {},
        KEY_FILE: { required: true, file: '/run/secrets/key' },
      },
    },
    env: { TOKEN: 't', OPTIONAL: 'o', KEY_FILE: 'k' },
    unit: [/^Secret=box-TOKEN,type=env,target=TOKEN$/m, /^Secret=box-KEY_FILE,type=mount,target=\/run\/secrets\/key$/m],
    installed: [/^Secret=box-OPTIONAL,type=env,target=OPTIONAL$/m],
  },
  ports: {
    config: {
      ports: [
        { host: 8080, container: 80 },
        { host: 53, container: 53, protocol: 'udp', hostIp: '127.0.0.1' },
      ],
    },
  },
  mounts: {
    config: {
      mounts: [
        { source: '~/.ssh', target: '/ssh', readOnly: true, create: true },
        { source: './data', target: '/data' },
        { type: 'volume', source: 'box-cache', target: '/cache' },
        { type: 'tmpfs', target: '/scratch', options: ['size=64m'] },
      ],
    },
    files: { 'data/.keep': '' },
    unit: [
      /^Volume=%h\/.ssh:\/ssh:ro$/m,
      /^Volume=..\/..\/data:\/data$/m,
      /^Volume=box-cache.volume:\/cache$/m,
      /^ExecStartPre=\/bin\/mkdir -p %h\/.ssh$/m,
    ],
  },
  devices: {
    config: {
      devices: [
        { path: '/dev/null', target: '/dev/sink' },
        { path: '/dev/no-such-device', optional: true },
      ],
    },
    unit: [/^AddDevice=-\/dev\/no-such-device$/m],
  },
  network: {
    config: { hostname: 'web', network: { name: 'box-net', aliases: ['web.local'], create: true } },
    unit: [/^Network=box-net.network$/m, /^PodmanArgs=--network-alias web.local$/m],
  },
  networks: {
    config: {
      network: { name: 'front', aliases: ['a'] },
      networks: [{ name: 'back', aliases: ['b', 'c'] }],
      runtime: 'podman',
    },
  },
  // launch.sh finds podman's GPU through a CDI spec in /etc/cdi, which a test cannot give it:
  // with a GPU, up stops before it runs anything, and so does install.
  'gpu auto, on a host without one': { config: { gpu: { mode: 'auto' } } },
  extraArgs: { config: { extraArgs: ['--ulimit', 'nofile=1024:2048', '--read-only'] } },
  'imageEntrypoint and command': { config: { imageEntrypoint: ['/bin/sh', '-c'], command: ['echo "$$HOME" 100%'] } },
  entrypoints: {
    config: { entrypoints: { web: { command: ['serve', 'all'] }, cli: { command: ['sh'] } }, defaultEntrypoint: 'web' },
  },
  // Rootless podman (launch.sh asks podman info): the user mapped to the host user.
  rootless: {
    config: { user: '1234:99', mounts: [{ type: 'bind', source: '/tmp', target: '/shared' }] },
    env: { BW_STUB_ROOTLESS: 'true' },
    installed: [/^UserNS=keep-id:uid=1234,gid=99$/m],
  },
  stop: {
    config: { stopTimeout: 3, stopSignal: 'SIGINT' },
    unit: [/^TimeoutStopSec=13$/m, /^PodmanArgs=--stop-signal SIGINT$/m],
  },
};

/** Generates the case in a folder of its own, and gives launch.sh's argv and the unit's. */
async function both(
  dir: string,
  c: Case,
): Promise<{ launch: string[]; unit: string[]; committed: string; installed: string }> {
  const config = { kind: 'environment', image: 'localhost/box:1', detach: true, quadlet: {}, ...c.config };
  writeFiles(dir, { 'configs/box.json': JSON.stringify(config), ...c.files });
  const generated = await generate(['--quiet'], dir);
  assert.is(generated.code, 0, generated.err);
  const script = join(dir, 'generated/box/launch.sh');
  const path = [unitStub(dir), '/usr/bin', '/bin'].join(':');
  const env = { PATH: path, HOME: TEST_HOME, BW_STUB_IMAGE: IMAGE, ...c.env };
  const dry = spawnSync('sh', [script, '--dry-run', 'up'], { encoding: 'utf8', env, cwd: dir });
  assert.is(dry.status, 0, dry.stderr);
  const line = dry.stdout.split('\n').find((l) => l.startsWith('podman run '));
  assert.ok(line, `launch.sh --dry-run up runs the container:\n${dry.stdout}`);
  const units = join(dir, 'units');
  const install = spawnSync('sh', [script, 'install', '--quadlet', '--unit-dir', units], {
    encoding: 'utf8',
    env,
    cwd: dir,
  });
  assert.is(install.status, 0, install.stderr);
  return {
    launch: shellWords(line!),
    unit: quadletExecStart(units, 'box'),
    committed: readFileSync(join(dir, 'generated/box/box.container'), 'utf8'),
    installed: readFileSync(join(units, 'box.container'), 'utf8'),
  };
}

const secretFiles = ['/run/secrets/key'];

for (const [name, c] of Object.entries(CASES)) {
  test(`${name}: the installed unit runs what launch.sh up runs`, async () => {
    const dir = tempDir();
    try {
      const { launch, unit, committed, installed } = await both(dir, c);
      assert.equal(runOptions(unit, secretFiles), runOptions(launch, secretFiles));
      for (const line of c.unit ?? []) assert.match(committed, line);
      for (const line of c.installed ?? []) {
        assert.not.match(committed, line, 'install adds it');
        assert.match(installed, line);
      }
    } finally {
      remove(dir);
    }
  });
}

test('install says when a variable here differs from the value the unit was written with', async () => {
  const dir = tempDir();
  try {
    const config = {
      kind: 'environment',
      image: 'localhost/box:${TAG}',
      detach: true,
      quadlet: {},
      variables: { TAG: { default: '1' } },
    };
    writeFiles(dir, { 'configs/box.json': JSON.stringify(config) });
    assert.is((await generate(['--quiet'], dir)).code, 0);
    const install = (tag: string) =>
      spawnSync(
        'sh',
        [join(dir, 'generated/box/launch.sh'), '--dry-run', 'install', '--quadlet', '--unit-dir', join(dir, 'units')],
        {
          encoding: 'utf8',
          env: { PATH: `${unitStub(dir)}:/usr/bin:/bin`, HOME: TEST_HOME, BW_STUB_IMAGE: IMAGE, TAG: tag },
        },
      );
    assert.match(
      install('2').stderr,
      "launch.sh: warning: TAG is '2' here, but the unit runs with 1 (set quadlet.variables.TAG to change it)\n",
    );
    assert.not.match(install('1').stderr, 'warning');
  } finally {
    remove(dir);
  }
});

test('gpu required is the GPU as a CDI device; gpu auto is left to install', async () => {
  const dir = tempDir();
  try {
    for (const [mode, line] of [
      ['required', /^AddDevice=nvidia.com\/gpu=all$/m],
      ['auto', /^# launch.sh install adds .*the GPU, when the host has one/m],
    ] as const) {
      writeFiles(dir, {
        'configs/box.json': JSON.stringify({
          kind: 'environment',
          image: 'i',
          detach: true,
          quadlet: {},
          gpu: { mode },
        }),
      });
      const run = await generate(['--quiet'], dir);
      assert.is(run.code, 0, run.err);
      assert.match(readFileSync(join(dir, 'generated/box/box.container'), 'utf8'), line);
    }
  } finally {
    remove(dir);
  }
});

test('a unit refuses what it cannot hold, naming the key', async () => {
  const dir = tempDir();
  try {
    const refused = async (config: object) => {
      writeFiles(dir, {
        'configs/box.json': JSON.stringify({ kind: 'environment', image: 'i', detach: true, quadlet: {}, ...config }),
      });
      const run = await generate(['--quiet'], dir);
      assert.is(run.code, 2, run.err);
      return run.err;
    };
    assert.match(
      await refused({ variables: { V: { required: true } }, env: { E: '${V}' } }),
      /variable V is required and has no value for the unit\n.*set quadlet\.variables\.V/,
    );
    assert.match(
      await refused({ mounts: [{ type: 'workspace', target: '/w' }] }),
      /\/mounts\/0 +a unit has no current folder to mount as the workspace/,
    );
    assert.match(
      await refused({ hostname: ' padded ' }),
      /\/hostname +a unit cannot hold this value: it has space at its start or end/,
    );
    const typo = await refused({ quadlet: { variables: { NOPE: 'x' } } });
    assert.match(typo, /\/quadlet\/variables\/NOPE +no variable named "NOPE" is declared/, typo);
  } finally {
    remove(dir);
  }
});

/** Text people write, with what unit files and shells treat specially. */
const text = fc.string({
  unit: fc.constantFrom(...[...'ab Z09_-./:,=@\'"\\`!*?[]{}()<>|&;~#%+$\t\u00e9']),
  minLength: 1,
  maxLength: 12,
});

test('what install reads from the image reaches the unit intact (random ENTRYPOINT, CMD and ENV)', async () => {
  const dir = tempDir();
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(text, { minLength: 1, maxLength: 3 }),
        fc.array(text, { maxLength: 3 }),
        text,
        text,
        async (entrypoint, cmd, user, path) => {
          const image = imageConfig(user.replaceAll(/[\s:]/g, 'u'), entrypoint, cmd, [`PATH=${path}`]);
          const c: Case = {
            config: { env: { PATH: { prepend: '/opt/bin' } }, startup: { directories: [{ path: '/d' }] } },
            env: { BW_STUB_IMAGE: image },
          };
          const { launch, unit } = await both(dir, c);
          assert.equal(runOptions(unit), runOptions(launch));
        },
      ),
      { numRuns: propertyRuns(40, 8) },
    );
  } finally {
    remove(dir);
  }
});

const GENERATED = join(import.meta.dirname, '../generated');

/** The `podman run` lines of a dry run, by container name. */
function runLines(stdout: string): Map<string, string[]> {
  const runs = new Map<string, string[]>();
  for (const line of stdout.split('\n').filter((l) => l.startsWith('podman run '))) {
    const argv = shellWords(line);
    runs.set(argv[argv.indexOf('--name') + 1]!, argv);
  }
  return runs;
}

/** The seeds that start at boot: their units, installed, run what their scripts run. */
const SEEDS = [
  { script: 'turbo-flow/launch.sh', env: { ANTHROPIC_API_KEY: 'a', DEVUSER_PASSWORD: 'p', OPENAI_API_KEY: 'o' } },
  { script: 'cachyos/stack.sh', env: { ANTHROPIC_API_KEY: 'a', MANAGEMENT_API_KEY: 'm' } },
];

for (const seed of SEEDS) {
  test(`${seed.script}: each installed Quadlet unit runs what up runs`, () => {
    const dir = tempDir();
    try {
      const env = {
        PATH: [unitStub(dir), '/usr/bin', '/bin'].join(':'),
        HOME: TEST_HOME,
        BW_STUB_IMAGE: IMAGE,
        ...seed.env,
      };
      const script = join(GENERATED, seed.script);
      const dry = spawnSync('sh', [script, '--runtime', 'podman', '--dry-run', 'up'], {
        encoding: 'utf8',
        env,
        cwd: dir,
      });
      assert.is(dry.status, 0, dry.stderr);
      const units = join(dir, 'units');
      const args = seed.script.endsWith('stack.sh')
        ? ['--runtime', 'podman', '--unit-dir', units, '--quadlet', 'install']
        : ['--runtime', 'podman', 'install', '--quadlet', '--unit-dir', units];
      const install = spawnSync('sh', [script, ...args], { encoding: 'utf8', env, cwd: dir });
      assert.is(install.status, 0, install.stderr);
      const launched = runLines(dry.stdout);
      const { services, stderr, status } = quadletDryRun(units);
      assert.is(status, 0, stderr);
      let containers = 0;
      for (const [name, service] of services) {
        if (!/^ExecStart=\/usr\/bin\/podman run /m.test(service)) continue;
        const unit = execStartOf(service, name.replace(/\.service$/, ''));
        const container = unit.find((word) => word.startsWith('--name='))!.slice('--name='.length);
        assert.ok(launched.has(container), `${container}: up runs it too`);
        assert.equal(runOptions(unit), runOptions(launched.get(container)!), container);
        containers++;
      }
      assert.is(containers, launched.size, 'a unit for each container up runs');
    } finally {
      remove(dir);
    }
  });
}

test('every committed unit is one Quadlet accepts', () => {
  for (const folder of ['turbo-flow', 'cachyos']) {
    const { services, stderr, status } = quadletDryRun(join(GENERATED, folder));
    assert.is(status, 0, stderr);
    assert.ok(services.size > 0, folder);
  }
});

test.run();
