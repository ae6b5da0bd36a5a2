// Catalogs on podman and on docker: build.sh builds base → flavor → add-on layers, only
// what is missing; launch.sh runs a combination with its summed resources (seed 002 too).
import * as assert from 'uvu/assert';
import { e2eSuite, PREFIX, runGenerated, runSeed, runtime, RUNTIMES, runtimeOk, TEST_IMAGE } from './support.ts';

for (const on of RUNTIMES) {
  const e2e = e2eSuite(`e2e: catalog (${on})`, on);
  const env = { BOXWRIGHT_RUNTIME: on };

  e2e('build.sh builds base → flavor → add-on layers, only what is missing', (context) => {
    const build = (...args: string[]) => runGenerated(context, 'catalog', 'build.sh', args, env);
    const built = build('combo', 'plain', 'more,extra');
    assert.is(built.status, 0, built.stderr);
    for (const image of [`${PREFIX}-base:1`, `${PREFIX}-plain:1`, `${PREFIX}-plain-m:1`, `${PREFIX}-plain-m-x:1`]) {
      assert.is(runtime(on, 'image', 'inspect', image).status, 0, `${image} was built`);
    }
    assert.is(
      runtime(on, 'run', '--rm', `${PREFIX}-plain-m-x:1`, 'cat', '/layers').stdout,
      'base\nflavor\nmore\nextra\n',
    );
    assert.is(build('--dry-run', 'combo', 'plain', 'extra,more').stdout, '', 'nothing is missing, so nothing is built');
    assert.match(
      build('--dry-run', 'combo', 'plain', 'extra').stdout,
      new RegExp(`build --tag ${PREFIX}-plain-x:1 .*--build-arg BASE_IMAGE=${PREFIX}-plain:1 `),
    );

    const run = runGenerated(
      context,
      'catalog',
      'launch.sh',
      ['--tier', 'large', '--addons', 'extra,more', '--', 'sh', '-c', 'cat /layers; echo "$FROM_BASE $EXTRA"'],
      env,
    );
    assert.is(run.status, 0, run.stderr);
    assert.is(run.stdout, 'base\nflavor\nmore\nextra\nyes 1\n');
    // A combination that is not built yet: an error that says how, or built with --build.
    const missing = runGenerated(context, 'catalog', 'launch.sh', ['--addons', 'extra', '--', 'cat', '/layers'], env);
    assert.is(missing.status, 1);
    assert.match(missing.stderr, `${PREFIX}-plain-x:1 is not here: build it (--build`);
    const built2 = runGenerated(
      context,
      'catalog',
      'launch.sh',
      ['--build', '--addons', 'extra', '--', 'cat', '/layers'],
      env,
    );
    assert.is(built2.status, 0, built2.stderr);
    assert.is(built2.stdout, 'base\nflavor\nextra\n');
    const refused = runGenerated(context, 'catalog', 'launch.sh', ['--addons', 'more'], env);
    assert.is(refused.status, 2);
    assert.is(refused.stderr, 'launch.sh: add-on "more" needs tier "large" or higher, not "small"\n');
  });

  e2e('seed 002 (codeopen): launch.sh runs a combination with its resources, ports and environment', (context) => {
    const image = `ghcr.io/codeopen/${PREFIX}-codeopen-js-cloud:0.0.2`;
    runtimeOk(on, 'tag', TEST_IMAGE, image);
    const run = runSeed(
      context,
      'codeopen',
      'launch.sh',
      [
        '--tier',
        'starter',
        '--flavor',
        'js',
        '--addons',
        'cloud',
        '--',
        'sh',
        '-c',
        'echo "$OPENCODE_PORT $WORKSPACE"; cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes',
      ],
      env,
    );
    assert.is(run.status, 0, run.stderr);
    assert.is(run.stdout, `4096 /home/developer/workspace\n${2560 * 1024 * 1024}\n`, '2Gi + 512Mi');

    // The container goes with --rm; the work stays in its workspace volume for the next one.
    const launch = (...command: string[]) =>
      runSeed(
        context,
        'codeopen',
        'launch.sh',
        ['--flavor', 'js', '--addons', 'cloud', '--', 'sh', '-c', ...command],
        env,
      );
    const wrote = launch('echo kept > /home/developer/workspace/work.txt');
    assert.is(wrote.status, 0, wrote.stderr);
    assert.match(wrote.stderr, `workspace: ${PREFIX}-codeopen-js-cloud-workspace (kept from before`);
    const read = launch('cat /home/developer/workspace/work.txt');
    assert.is(read.stdout, 'kept\n', read.stderr);
    assert.is(runtime(on, 'volume', 'inspect', `${PREFIX}-codeopen-js-cloud-workspace`).status, 0);
  });

  e2e.run();
}
