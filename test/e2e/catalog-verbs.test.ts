// A catalog's combination beyond the one-shot run, on podman and on docker: the lifecycle
// verbs an environment has, images made stale by a rebuilt parent, the tag read from a
// version file, and the seed's on-demand flow against a registry of the test's own (Debian's
// docker-registry on a free port): pulled when the registry has the combination, else built
// and pushed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'jsonc-parser';
import * as assert from 'uvu/assert';
import { generate } from '../helpers.ts';
import { e2eSuite, freePort, PREFIX, runGenerated, runScriptAt, runtime, RUNTIMES, waitFor } from './support.ts';

for (const on of RUNTIMES) {
  const e2e = e2eSuite(`e2e: catalog verbs (${on})`, on);
  const env = { BOXWRIGHT_RUNTIME: on };

  e2e('up, status, shell, logs, stop, down: a combination that stays up', (context) => {
    const launch = (...args: string[]) => runGenerated(context, 'catalog', 'launch.sh', ['--build', ...args], env);
    const up = launch('up', '--', 'sh', '-c', 'echo started; exec sleep infinity');
    assert.is(up.status, 0, up.stderr);
    const name = `${PREFIX}-plain`;
    assert.is(runtime(on, 'container', 'inspect', '--format', '{{.State.Status}}', name).stdout, 'running\n');
    const again = launch('up', '--', 'sh', '-c', 'echo started; exec sleep infinity');
    assert.match(again.stderr, 'running, up to date');
    const status = runGenerated(context, 'catalog', 'launch.sh', ['status'], env);
    assert.match(status.stdout, 'state:   running');
    assert.match(status.stdout, 'config:  current');
    assert.match(status.stdout, 'image state: built');
    const beside = runGenerated(context, 'catalog', 'launch.sh', ['--', 'true'], env);
    assert.is(beside.status, 1);
    assert.match(beside.stderr, `${name} is there (up made it): 'launch.sh shell' enters it`);
    const shell = runGenerated(context, 'catalog', 'launch.sh', ['shell', '--', 'cat', '/layers'], env);
    assert.is(shell.stdout, 'base\nflavor\n', shell.stderr);
    waitFor(
      () => runGenerated(context, 'catalog', 'launch.sh', ['logs'], env).stdout.includes('started'),
      'its output',
    );
    // Other options make it again; stop, then down, which keeps the workspace volume.
    const changed = launch('up', '--', 'sleep', 'infinity');
    assert.match(changed.stderr, 'recreating (its config changed)');
    // Its init passes SIGTERM on, so that sleep ends by it (143), not by the KILL after the
    // grace period (137): stop is prompt.
    const stop = runGenerated(context, 'catalog', 'launch.sh', ['stop'], env);
    assert.is(stop.status, 0, stop.stderr);
    assert.is(
      runtime(on, 'container', 'inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', name).stdout,
      'exited 143\n',
    );
    const down = runGenerated(context, 'catalog', 'launch.sh', ['down'], env);
    assert.is(down.status, 0, down.stderr);
    assert.is.not(runtime(on, 'container', 'inspect', name).status, 0, 'removed');
    // A combination that exits at once says so with its exit code, and up fails.
    const failing = launch('up', '--', 'sh', '-c', 'echo broken >&2; exit 3');
    assert.is(failing.status, 1);
    assert.match(failing.stderr, 'exit code 3');
    assert.match(failing.stderr, 'broken');
    runGenerated(context, 'catalog', 'launch.sh', ['down'], env);
  });

  e2e('a rebuilt flavor makes the add-on layers on it stale; combo rebuilds them', (context) => {
    const build = (...args: string[]) => runGenerated(context, 'catalog', 'build.sh', args, env);
    assert.is(build('combo', 'plain', 'extra').status, 0);
    const listed = build('status');
    assert.match(listed.stdout, new RegExp(`${PREFIX}-plain-x:1 +built`));
    // The flavor changes and is built again (an unchanged one comes from the cache, the same).
    const flavor = join(context.tree, 'test/e2e/catalog/flavor/Containerfile');
    writeFileSync(flavor, `${readFileSync(flavor, 'utf8')}RUN echo changed > /changed\n`);
    assert.is(build('flavor', 'plain').status, 0);
    const stale = build('status');
    assert.match(stale.stdout, new RegExp(`${PREFIX}-plain-x:1 +stale: ${PREFIX}-plain:1 was rebuilt after it`));
    const status = runGenerated(context, 'catalog', 'launch.sh', ['--addons', 'extra', 'status'], env);
    assert.match(status.stdout, `image state: stale: ${PREFIX}-plain:1 was rebuilt after it`);
    const rebuilt = build('combo', 'plain', 'extra');
    assert.is(rebuilt.status, 0, rebuilt.stderr);
    assert.match(rebuilt.stderr, `building ${PREFIX}-plain-x:1`);
    assert.not.match(rebuilt.stderr, `building ${PREFIX}-plain:1`);
    assert.match(build('status').stdout, new RegExp(`${PREFIX}-plain-x:1 +built`));
  });

  e2e('the tag comes from the version file when it is there', (context) => {
    writeFileSync(join(context.tree, 'test/e2e/catalog/VERSION'), '7.1\n');
    const run = runGenerated(context, 'catalog', 'launch.sh', ['--build', '--', 'cat', '/layers'], env);
    assert.is(run.status, 0, run.stderr);
    assert.is(runtime(on, 'image', 'inspect', `${PREFIX}-plain:7.1`).status, 0, 'built with the file tag');
    writeFileSync(join(context.tree, 'test/e2e/catalog/VERSION'), 'not a tag\n');
    const bad = runGenerated(context, 'catalog', 'build.sh', ['status'], env);
    assert.is(bad.status, 1);
    assert.match(bad.stderr, "its first line 'not a tag' is not an image tag");
    rmSync(join(context.tree, 'test/e2e/catalog/VERSION'));
  });

  e2e('--build asks the registry first: pulls what it has, else builds and pushes', async (context) => {
    const registry = await startRegistry(context.dir);
    try {
      const registries = join(context.dir, 'registries.conf');
      writeFileSync(registries, `[[registry]]\nlocation = "${registry.address}"\ninsecure = true\n`);
      const out = await generateWithRegistry(context.tree, context.dir, registry.address);
      const regEnv = { ...env, CONTAINERS_REGISTRIES_CONF: registries };
      const launch = (...args: string[]) => runScriptAt(out, context, 'catalog', 'launch.sh', args, regEnv);
      const image = `${registry.address}/${PREFIX}/${PREFIX}-plain-x:1`;
      const first = launch('--build', '--push', '--addons', 'extra', '--', 'cat', '/layers');
      assert.is(first.status, 0, first.stderr);
      assert.is(first.stdout, 'base\nflavor\nextra\n');
      assert.match(first.stderr, `${image} is not here: building it`);
      // Gone from here, the next --build finds it in the registry and pulls it, building nothing.
      assert.is(runtime(on, 'rmi', image).status, 0);
      const second = launch('--build', '--addons', 'extra', '--', 'cat', '/layers');
      assert.is(second.status, 0, second.stderr);
      assert.is(second.stdout, 'base\nflavor\nextra\n');
      assert.match(second.stderr, 'its registry has it: pulling it');
      assert.not.match(second.stderr, 'building');
      const nowhere = launch('--pull', '--addons', 'more', '--tier', 'large');
      assert.is(nowhere.status, 1);
      assert.match(nowhere.stderr, 'could not pull');
    } finally {
      registry.process.kill();
    }
  });

  e2e.run();
}

/** Debian's distribution registry, on a free port of 127.0.0.1, storing under `dir`. */
async function startRegistry(dir: string): Promise<{ address: string; process: ChildProcess }> {
  const port = await freePort();
  const address = `localhost:${port}`;
  const config = join(dir, 'registry.yml');
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'registry')}\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  );
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  const answers = `fetch('http://${address}/v2/').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;
  waitFor(() => spawnSync(process.execPath, ['-e', answers]).status === 0, 'the registry', 20);
  return { address, process: child };
}

/** The end-to-end catalog again, named into the registry: generated into its own folder. */
async function generateWithRegistry(tree: string, dir: string, address: string): Promise<string> {
  const catalog = parse(readFileSync(join(tree, 'test/e2e/configs/catalog.json'), 'utf8')) as object;
  const configs = join(tree, 'test/e2e/registry-configs');
  mkdirSync(configs, { recursive: true });
  writeFileSync(join(configs, 'catalog.json'), JSON.stringify({ ...catalog, registry: address, owner: PREFIX }));
  const out = join(dir, 'generated-registry');
  const result = await generate(['--configs', 'test/e2e/registry-configs', '--out', out, '--quiet'], tree);
  assert.is(result.code, 0, result.err);
  return out;
}
