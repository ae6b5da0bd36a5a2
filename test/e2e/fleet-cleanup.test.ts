// A fleet's cleanup on real podman (seed 004's quarterly review): cleanup.sh snapshot commits
// a container; cleanup.sh lists the snapshots beyond the newest keepSnapshots and the old
// versions of the fleet's image that no container uses, and --prune removes exactly those. The
// container stands in for a distrobox box: cleanup.sh talks to the container manager only.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { generate } from '../helpers.ts';
import { e2eSuite, PREFIX, podman, podmanOk, runScriptAt, TEST_IMAGE } from './support.ts';

const e2e = e2eSuite('e2e: fleet cleanup (podman)');

e2e('snapshots beyond the newest and unused old images are listed, then pruned; the rest stays', async (context) => {
  const box = `${PREFIX}-box`;
  const image = `localhost/${PREFIX}-fleetimg:1`;
  const build = (version: number): string => {
    writeFileSync(join(context.dir, `Containerfile.${version}`), `FROM ${TEST_IMAGE}\nRUN echo ${version} > /v\n`);
    podmanOk('build', '-q', '--tag', image, '--file', join(context.dir, `Containerfile.${version}`), context.dir);
    return podmanOk('image', 'inspect', '--format', '{{.Id}}', image).trim();
  };
  const configs = join(context.tree, 'test/e2e/fleet-configs');
  const out = join(context.dir, 'generated-fleet');
  mkdirSync(configs, { recursive: true });
  writeFileSync(
    join(configs, 'fleet.json'),
    JSON.stringify({ kind: 'distrobox', cleanup: { keepSnapshots: 1 }, containers: { [box]: { image } } }),
  );
  const generated = await generate(['--configs', 'test/e2e/fleet-configs', '--out', out, '--quiet'], context.tree);
  assert.is(generated.code, 0, generated.err);
  const cleanup = (...args: string[]) =>
    runScriptAt(out, context, 'fleet', 'cleanup.sh', args, { DBX_CONTAINER_MANAGER: 'podman' });

  const first = build(1);
  podmanOk('create', '--name', box, image, 'sleep', 'infinity');
  for (let i = 0; i < 2; i++) assert.is(cleanup('snapshot').status, 0);
  const snapshots = () =>
    podmanOk('images', '--filter', `label=io.boxwright.snapshot=fleet/${box}`, '--format', '{{.Tag}}')
      .trim()
      .split('\n')
      .sort();
  const [older, newer] = snapshots();
  assert.ok(older && newer && older < newer, `two snapshots: ${snapshots().join(', ')}`);
  const second = build(2); // the first is now untagged, but the container uses it
  build(3); // the second is untagged and unused

  const listed = cleanup();
  assert.is(listed.status, 0, listed.stderr);
  assert.match(listed.stdout, `would remove snapshot localhost/fleet-snapshot-${box}:${older} of ${box}`);
  assert.match(listed.stdout, `would remove image ${second.slice(0, 12)} (was ${image}; no container uses it)`);
  assert.not.match(listed.stdout, first.slice(0, 12));
  assert.not.match(listed.stdout, newer);
  assert.match(listed.stderr, '2 to remove: cleanup.sh --prune removes them');

  const pruned = cleanup('--prune');
  assert.is(pruned.status, 0, pruned.stderr);
  assert.equal(snapshots(), [newer]);
  assert.is.not(podman('image', 'exists', second).status, 0, 'the unused old version is gone');
  assert.is(podman('image', 'exists', first).status, 0, 'the one a container uses stays');
  assert.match(cleanup().stderr, 'nothing to remove');
  podmanOk('rm', '--force', box);
  podman('image', 'rm', first);
});

e2e.run();
