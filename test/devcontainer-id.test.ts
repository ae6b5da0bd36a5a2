// ${devcontainerId}: the id the generator computes for the formats without instances (Quadlet,
// compose, Kubernetes, backup.sh) is the one launch.sh computes with cksum when it runs, for
// random config names and instances (test/cases/devcontainer-id/ has launch.sh's with one).
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { devcontainerId } from '../scripts/lib/model/devcontainer-id.ts';
import { propertyRuns } from './helpers.ts';

/** What cksum prints for the text, as launch.sh runs it. */
function shellId(text: string): string {
  const run = spawnSync('sh', ['-c', `id=$(printf '%s' "$1" | cksum) && printf '%s' "\${id%% *}"`, 'sh', text], {
    encoding: 'utf8',
  });
  assert.is(run.status, 0, run.stderr);
  return run.stdout;
}

test('the generator’s id is POSIX cksum’s, for config names and NAME/INSTANCE', () => {
  const name = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,40}$/);
  fc.assert(
    fc.property(name, fc.option(name, { nil: undefined }), (config, instance) => {
      const text = instance === undefined ? config : `${config}/${instance}`;
      assert.is(devcontainerId(text), shellId(text), text);
    }),
    { numRuns: propertyRuns(200, 30) },
  );
  // Long and non-ASCII texts: the length is added in bytes, several of them.
  for (const text of ['', 'é€'.repeat(300), 'x'.repeat(70000)]) assert.is(devcontainerId(text), shellId(text));
});

test.run();
