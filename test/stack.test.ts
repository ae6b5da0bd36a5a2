// stack.sh in every shell, against a stub runtime: both modes' dry runs, and the
// validation that spans configs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  generate,
  isolatedPath,
  remove,
  ROOT,
  runScript,
  SHELLS,
  stubRuntimes,
  tempDir,
  writeFiles,
} from './helpers.ts';

const stacks = suite<{ dir: string; out: string; bin: string }>('stack');

stacks.before(async (context) => {
  context.dir = tempDir();
  context.out = join(context.dir, 'generated');
  const result = await generate(['--configs', join(ROOT, 'test/e2e/configs'), '--out', context.out, '--quiet'], ROOT);
  assert.is(result.code, 0, result.err);
  context.bin = stubRuntimes(context.dir);
});
stacks.after(({ dir }) => remove(dir));

for (const shell of SHELLS) {
  stacks(`${shell.name}: dry-run up prints the network and each member's command, per mode`, ({ out, bin }) => {
    // The stub fails: no network and no container exists yet.
    const env = { PATH: isolatedPath(bin), BW_ARGV_FILE: '/dev/null', BW_STUB_EXIT: '1' };
    const solo = runScript(shell, join(out, 'stack/stack.sh'), ['--dry-run', 'up'], { env });
    assert.is(solo.status, 0, solo.stderr);
    assert.is(
      solo.stdout,
      'podman network create --subnet 10.89.77.0/24 bw-e2e-stack-net\n' +
        'podman run --detach --name bw-e2e-stack-web --init --env API_URL=http://localhost:9600 --network bw-e2e-stack-net --label io.boxwright.config=stack-web --label io.boxwright.digest=2567630554 localhost/boxwright-test:bookworm sleep 100000\n',
    );
    const duo = runScript(shell, join(out, 'stack/stack.sh'), ['--dry-run', '--mode', 'duo', 'up'], { env });
    assert.is(
      duo.stdout,
      'podman network create --subnet 10.89.77.0/24 bw-e2e-stack-net\n' +
        'podman run --detach --name bw-e2e-stack-api --init --network bw-e2e-stack-net --network-alias api.stack.local --label io.boxwright.config=stack-api --label io.boxwright.digest=1442566759 localhost/boxwright-test:bookworm sleep 100000\n' +
        'podman run --detach --name bw-e2e-stack-web --init --env API_URL=http://bw-e2e-stack-api:9600 --network bw-e2e-stack-net --label io.boxwright.config=stack-web --label io.boxwright.digest=2262875341 localhost/boxwright-test:bookworm sleep 100000\n',
    );
    assert.is(
      duo.stderr,
      'launch.sh: bw-e2e-stack-api: creating and starting\nlaunch.sh: bw-e2e-stack-web: creating and starting\n',
      'each member through its own up',
    );
    const unknown = runScript(shell, join(out, 'stack/stack.sh'), ['--mode', 'trio', 'up'], { env });
    assert.is(unknown.status, 2);
    assert.is(unknown.stderr, 'stack.sh: unknown mode "trio" (choose from: solo, duo)\n');
  });
}

stacks('a member named with a literal $ ($$ in the config) has a fixed name and is accepted', async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, {
      'configs/web.json': JSON.stringify({
        kind: 'environment',
        image: 'web:1',
        name: 'web$$1',
        detach: true,
        network: { name: 'net' },
      }),
      'configs/site.json': JSON.stringify({
        kind: 'stack',
        network: { name: 'net' },
        members: { web: { config: 'web' } },
      }),
    });
    const result = await generate(['--quiet'], dir);
    assert.is(result.code, 0, result.err);
    assert.match(
      readFileSync(join(dir, 'generated/site/stack.sh'), 'utf8'),
      'web) bw_container="web\\$1" bw_config=web bw_image=web:1 ;;',
    );
    const templated = {
      kind: 'environment',
      image: 'web:1',
      name: 'web-${ID}',
      variables: { ID: { default: '1' } },
      detach: true,
      network: { name: 'net' },
    };
    writeFiles(dir, { 'configs/web.json': JSON.stringify(templated) });
    const refused = await generate(['--quiet'], dir);
    assert.is(refused.code, 2);
    assert.match(refused.err, '"web" needs a fixed container name (name without variables) to be managed by the stack');
  } finally {
    remove(dir);
  }
});

stacks.run();
