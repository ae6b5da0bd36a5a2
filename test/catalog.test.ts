// The catalog's rules, in the model and in the generated scripts: the same combinations are
// refused with the same words by the generator (presets) and by launch.sh and build.sh in
// every shell, and accepted ones get the summed resources and the seed's image names.
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import {
  combinationProblems,
  imageName,
  resources,
  showCpu,
  showMemory,
  type Catalog,
} from '../scripts/lib/model/catalog.ts';
import { isolatedPath, remove, ROOT, runScript, setupSuite, SHELLS, stubRuntimes, tempDir, which } from './helpers.ts';
import { seedCatalog } from './seed-catalog.ts';

const catalogs = setupSuite<{ catalog: Catalog; bin: string; dir: string }>('catalog');

catalogs.before((context) => {
  context.catalog = seedCatalog();
  context.dir = tempDir();
  context.bin = stubRuntimes(context.dir);
});
catalogs.after(({ dir }) => remove(dir));

catalogs("the seed's worked example: builder + gui is 4 CPU and 8Gi", ({ catalog }) => {
  const total = resources(catalog, catalog.tiers.find((t) => t.id === 'builder')!, ['gui']);
  assert.is(showCpu(total.cpuMilli), '4');
  assert.is(showMemory(total.memoryMi), '8Gi');
});

catalogs("image names follow the seed's naming table, add-on suffixes sorted", ({ catalog }) => {
  // The seed's table leaves out {registry}/{owner}/, which the config names.
  const local = { ...catalog, registry: undefined, owner: undefined };
  assert.is(imageName(local, 'js'), 'codeopen-js:0.0.2');
  assert.is(imageName(local, 'python', ['gui']), 'codeopen-python-gui:0.0.2');
  assert.is(imageName(local, 'fullstack', ['code-server']), 'codeopen-fullstack-code:0.0.2');
  assert.is(imageName(local, 'polyglot', ['gui', 'databases']), 'codeopen-polyglot-db-gui:0.0.2');
  assert.is(imageName(local, 'python', ['gpu']), 'codeopen-python-gpu:0.0.2');
  assert.is(imageName(catalog, 'js', ['cloud', 'gui']), 'ghcr.io/codeopen/codeopen-js-cloud-gui:0.0.2');
});

const REFUSED: [string, string, string[]][] = [
  ['builder', 'python', ['gpu']],
  ['tiny', 'python', []],
  ['starter', 'cobol', []],
  ['starter', 'js', ['gui', 'nope']],
  ['starter', 'js', ['gui', 'gui']],
];

/** The images a dry run of build.sh builds, in order: each `--tag`. */
function tagsBuilt(plan: string): (string | undefined)[] {
  return [...plan.matchAll(/--tag (\S+)/g)].map((m) => m[1]);
}

for (const shell of SHELLS) {
  catalogs(
    `${shell.name}: launch.sh refuses what the generator refuses, in the same words`,
    ({ catalog, bin, dir }) => {
      for (const [tier, flavor, addons] of REFUSED) {
        const expected = combinationProblems(catalog, tier, flavor, addons)[0];
        assert.ok(expected, `${tier} ${flavor} ${addons} is refused by the model`);
        const result = runScript(
          shell,
          join(ROOT, 'generated/codeopen/launch.sh'),
          ['--dry-run', '--tier', tier, '--flavor', flavor, '--addons', addons.join(',')],
          { env: { PATH: isolatedPath(bin) }, cwd: dir },
        );
        assert.is(result.status, 2);
        assert.is(result.stderr, `launch.sh: ${expected}\n`);
      }
    },
  );

  catalogs(`${shell.name}: launch.sh sums the resources and uses the add-ons' ports, env and GPU`, ({ bin, dir }) => {
    const result = runScript(
      shell,
      join(ROOT, 'generated/codeopen/launch.sh'),
      ['-n', '--preset', 'python-gpu', '--addons', 'gpu,code-server', '--', 'bash'],
      { env: { PATH: isolatedPath(bin) }, cwd: dir },
    );
    assert.is(result.status, 0, result.stderr);
    assert.is(
      result.stdout,
      'podman volume create codeopen-python-code-gpu-workspace\n' +
        'podman run --rm --interactive --name codeopen-python-code-gpu --cpus 5 --memory 10240m --mount type=volume,source=codeopen-python-code-gpu-workspace,target=/home/developer/workspace --publish 4096:4096 --publish 4097:4097 --env OPENCODE_PORT=4096 --env ACP_GATEWAY_PORT=4097 --env OPENCODE_HOST=0.0.0.0 --env WORKSPACE=/home/developer/workspace --publish 8080:8080 --env CODE_SERVER_PORT=8080 --env CODE_SERVER_AUTH=none --env NVIDIA_VISIBLE_DEVICES=all --env NVIDIA_DRIVER_CAPABILITIES=compute,utility --device nvidia.com/gpu=all ghcr.io/codeopen/codeopen-python-code-gpu:0.0.2 bash\n',
    );
    // The stub podman has no volumes on XFS with quotas: the tier's 50 GB cannot be enforced.
    assert.match(result.stderr, "codeopen-python-code-gpu-workspace is not limited to the creator tier's 50 GB here");
  });

  catalogs(
    `${shell.name}: a second instance gets its own name, workspace and host ports, and says them`,
    ({ bin, dir }) => {
      const argvFile = join(dir, 'argv');
      const result = runScript(
        shell,
        join(ROOT, 'generated/codeopen/launch.sh'),
        ['--flavor', 'js', '--addons', 'gui', '--instance', '3'],
        // The stub answers `volume inspect`: the workspace exists from an earlier run; and
        // `image inspect`: the image is here.
        { env: { PATH: isolatedPath(bin), BW_ARGV_FILE: argvFile, BW_STUB_IMAGE: '' }, cwd: dir },
      );
      assert.is(result.status, 0, result.stderr);
      const argv = readFileSync(argvFile, 'utf8').split('\0').slice(0, -1);
      assert.equal(argv.slice(0, 6), ['podman', 'run', '--rm', '--interactive', '--name', 'codeopen-js-gui-3']);
      for (const [host, port] of [
        [4396, 4096],
        [4397, 4097],
        [6380, 6080],
      ])
        assert.ok(argv.join(' ').includes(`--publish ${host}:${port}`), argv.join(' '));
      assert.ok(argv.includes('type=volume,source=codeopen-js-gui-3-workspace,target=/home/developer/workspace'));
      assert.match(result.stderr, 'workspace: codeopen-js-gui-3-workspace (kept from before');
      assert.match(result.stderr, 'codeopen-js-gui-3: ports (host->container): 4396->4096 4397->4097 6380->6080');
      // --pull pulls from the registry in the name.
      const log = join(dir, `calls-${shell.name}`);
      const pull = runScript(shell, join(ROOT, 'generated/codeopen/launch.sh'), ['--pull', '--flavor', 'go'], {
        env: { PATH: isolatedPath(bin), BW_ARGV_FILE: argvFile, BW_STUB_LOG: log },
        cwd: dir,
      });
      assert.is(pull.status, 0, pull.stderr);
      assert.match(readFileSync(log, 'utf8'), '\npull ghcr.io/codeopen/codeopen-go:0.0.2\n');
      const bad = runScript(shell, join(ROOT, 'generated/codeopen/launch.sh'), ['-n', '--instance', '100'], {
        env: { PATH: isolatedPath(bin) },
        cwd: dir,
      });
      assert.is(bad.status, 2);
    },
  );

  catalogs(`${shell.name}: build.sh builds a combination layer by layer in dependency order`, ({ bin, dir }) => {
    // The stub runtime fails `image inspect`: no image exists yet.
    const env = { PATH: isolatedPath(bin), BW_ARGV_FILE: '/dev/null', BW_STUB_EXIT: '1' };
    const result = runScript(
      shell,
      join(ROOT, 'generated/codeopen/build.sh'),
      ['--dry-run', 'combo', 'python', 'gui,databases'],
      { env, cwd: dir },
    );
    assert.is(result.status, 0, result.stderr);
    const tags = tagsBuilt(result.stdout);
    assert.equal(tags, [
      'ghcr.io/codeopen/codeopen-base:0.0.2',
      'ghcr.io/codeopen/codeopen-python:0.0.2',
      'ghcr.io/codeopen/codeopen-python-db:0.0.2',
      'ghcr.io/codeopen/codeopen-python-db-gui:0.0.2',
    ]);
    assert.match(result.stdout, '--build-arg BASE_IMAGE=ghcr.io/codeopen/codeopen-python-db:0.0.2');
    // Each image is labelled with its parent as it is now: what makes a child stale later.
    assert.match(
      result.stdout,
      /--label 'io\.boxwright\.parent=ghcr\.io\/codeopen\/codeopen-python-db:0\.0\.2@\(its id once built\)'/,
    );
    const refused = runScript(shell, join(ROOT, 'generated/codeopen/build.sh'), ['-n', 'combo', 'python', 'gui,gui'], {
      env,
      cwd: dir,
    });
    // Each image here, labelled with its parent's id when it was built.
    const images = join(dir, `images-${shell.name}`);
    const home = 'ghcr.io/codeopen/codeopen';
    const here = (pythonId: string) =>
      writeFileSync(
        images,
        [
          `${home}-base:0.0.2 sha256:b1 ${''}`,
          `${home}-python:0.0.2 sha256:${pythonId} ${home}-base:0.0.2@b1`,
          `${home}-python-gui:0.0.2 sha256:g1 ${home}-python:0.0.2@p1`,
          '',
        ].join('\n'),
      );
    const combo = () =>
      runScript(shell, join(ROOT, 'generated/codeopen/build.sh'), ['-n', 'combo', 'python', 'gui'], {
        env: { ...env, BW_STUB_EXIT: '0', BW_STUB_IMAGES: images },
        cwd: dir,
      });
    here('p1');
    assert.is(combo().stdout, '', 'every image is here and current: nothing to build');
    // The flavor was rebuilt since the add-on layer: that layer is stale, and rebuilt alone.
    here('p2');
    const stale = combo();
    assert.equal(tagsBuilt(stale.stdout), [`${home}-python-gui:0.0.2`], stale.stderr);
    assert.match(stale.stdout, `--label io.boxwright.parent=${home}-python:0.0.2@p2`);
    assert.is(refused.stderr, 'build.sh: add-on "gui" is listed twice\n');
    // Without the seed's docker/ folder, a real build stops at once, naming what it needs.
    const nothing = runScript(shell, join(ROOT, 'generated/codeopen/build.sh'), ['base'], { env, cwd: dir });
    assert.is(nothing.status, 1);
    assert.is(
      nothing.stderr,
      `build.sh: error: cannot build ghcr.io/codeopen/codeopen-base:0.0.2: ${join(ROOT, 'docker')}/codeopen-base/Dockerfile is not there: put its Containerfile there, or change the build in configs/codeopen.json\n`,
    );
    // all: the base once, then each flavor once, in dependency order.
    const all = runScript(shell, join(ROOT, 'generated/codeopen/build.sh'), ['--dry-run', 'all'], { env, cwd: dir });
    assert.is(all.status, 0, all.stderr);
    const built = tagsBuilt(all.stdout);
    assert.is(built[0], 'ghcr.io/codeopen/codeopen-base:0.0.2');
    assert.equal(built, [...new Set(built)], 'no image is built twice');
  });
}

for (const shell of SHELLS) {
  catalogs(
    `${shell.name}: build.sh -j builds the flavors in parallel; push sends what is built`,
    ({ catalog, bin, dir }) => {
      // The seed's build contexts, empty, in a tree of its own: build.sh refuses a missing one.
      const tree = join(dir, `tree-${shell.name}`);
      mkdirSync(join(tree, 'generated/codeopen'), { recursive: true });
      const build = join(tree, 'generated/codeopen/build.sh');
      copyFileSync(join(ROOT, 'generated/codeopen/build.sh'), build);
      for (const { context, containerfile } of [
        catalog.base.build,
        ...[...catalog.flavors, ...catalog.addons].map((item) => item.build),
      ]) {
        mkdirSync(join(tree, context), { recursive: true });
        writeFileSync(join(tree, context, containerfile), 'FROM scratch\n');
      }
      // No image exists (the stub fails `image inspect`); every build succeeds.
      const tools = join(dir, `tools-${shell.name}`);
      mkdirSync(tools, { recursive: true });
      for (const tool of ['mktemp', 'rm'])
        if (!existsSync(join(tools, tool))) symlinkSync(which(tool), join(tools, tool));
      const env = { PATH: isolatedPath(bin, tools), BW_ARGV_FILE: join(dir, 'argv'), TMPDIR: dir };
      const parallel = runScript(shell, build, ['-j', '3', 'all'], { env, cwd: dir });
      assert.is(parallel.status, 0, parallel.stderr);
      const built = [...parallel.stderr.matchAll(/built flavor (\S+)/g)].map((m) => m[1]).sort();
      assert.equal(built, ['fullstack', 'go', 'js', 'polyglot', 'python', 'rust']);
      assert.is(runScript(shell, build, ['-j', 'x', 'all'], { env, cwd: dir }).status, 2);

      // --to stands in for the name's registry and owner; it goes before push or after it.
      for (const args of [
        ['--dry-run', '--to', 'r.example/acme/', 'push', 'combo', 'js', 'gui'],
        ['--dry-run', 'push', '--to', 'r.example/acme/', 'combo', 'js', 'gui'],
        ['--dry-run', 'push', '--to=r.example/acme', 'combo', 'js', 'gui'],
      ]) {
        const pushed = runScript(shell, build, args, { env, cwd: dir });
        assert.is(pushed.status, 0, pushed.stderr);
        assert.is(
          pushed.stdout,
          'podman tag ghcr.io/codeopen/codeopen-js-gui:0.0.2 r.example/acme/codeopen-js-gui:0.0.2\npodman push r.example/acme/codeopen-js-gui:0.0.2\n',
        );
      }
      const home = runScript(shell, build, ['--dry-run', 'push', 'base'], { env, cwd: dir });
      assert.is(home.stdout, 'podman push ghcr.io/codeopen/codeopen-base:0.0.2\n', home.stderr);
      const unbuilt = runScript(shell, build, ['push', '--to', 'r.io/o', 'flavor', 'go'], { env, cwd: dir });
      assert.is(unbuilt.status, 1);
      assert.match(
        unbuilt.stderr,
        'ghcr.io/codeopen/codeopen-go:0.0.2 is not built here: build it first (build.sh flavor go)',
      );
    },
  );
}

catalogs('fractional CPUs add up exactly', ({ catalog }) => {
  const tier = { ...catalog.tiers[0]!, cpuMilli: 500 };
  const half = { ...catalog, addons: catalog.addons.map((a) => ({ ...a, extraCpuMilli: a.id === 'gui' ? 250 : 0 })) };
  assert.is(showCpu(resources(half, tier, ['gui']).cpuMilli), '0.75');
});

catalogs.run();
