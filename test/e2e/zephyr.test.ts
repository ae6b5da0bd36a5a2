// Seed 003 on podman and on docker, from the committed generated/zephyr/launch.sh: host storage per
// project, dispatch, exit codes, and run-job with its records.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { ROOT } from '../helpers.ts';
import { e2eSuite, PREFIX, RUNTIMES, runtime, zephyrProject } from './support.ts';

for (const on of RUNTIMES) {
  const e2e = e2eSuite(`e2e: seed 003 zephyr (${on})`, on);

  e2e('host storage per project, dispatch, exit codes, and run-job with its records', (context) => {
    const { infra, workspace, image } = zephyrProject(context, 'test', on);
    // The project id names the container (zephyr-${PROJECT_ID}), so it carries the run id.
    const env = {
      ZEPHYR_IMAGE: image,
      ZEPHYR_INFRA: infra,
      ZEPHYR_WORKSPACE: workspace,
      PROJECT_ID: PREFIX,
      SYGALDRY_GPU: 'off',
    };
    const zephyr = (...args: string[]) =>
      spawnSync('sh', [join(ROOT, 'generated/zephyr/launch.sh'), ...args], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: context.home, BOXWRIGHT_RUNTIME: on, ...env },
      });
    const shell = zephyr('--', 'sh', '-c', 'echo "$PROJECT_ID $SPACK_ROOT $(id -un) $HOME"; exit 4');
    assert.is(shell.status, 4, shell.stderr);
    assert.is(shell.stdout, `${PREFIX} /opt/spack_src kvothe /home/kvothe\n`);
    for (const dir of ['monorepo_home', 'spack_store', 'bazel_cache'])
      assert.ok(readdirSync(join(infra, PREFIX)).includes(dir), `${dir} created on the host`);

    const job = zephyr('run-job', '--', 'build', '--', 'sh', '-c', 'echo "built \\"q\\""; printf "tab\\there\\n" >&2');
    assert.is(job.status, 0, job.stderr);
    const records = join(infra, PREFIX, 'bazel_cache/zephyr_jobs');
    assert.match(readFileSync(join(records, 'build.status'), 'utf8'), /^state=succeeded\nexit=0\n/);
    const log = readdirSync(records).find((f) => f.endsWith('.jsonl'))!;
    const lines = readFileSync(join(records, log), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { stream: string; text: string });
    assert.equal(lines.map((l) => [l.stream, l.text]).sort(), [
      ['stderr', 'tab\there'],
      ['stdout', 'built "q"'],
    ]);
    // On the host, without extra variables: the status file names the log as the host sees
    // it, and launch.sh jobs reads the records where the container wrote them.
    assert.match(readFileSync(join(records, 'build.status'), 'utf8'), `\nlog=${join(records, log)}\n`);
    const status = zephyr('jobs', 'status', 'build');
    assert.is(status.status, 0, status.stderr);
    assert.match(status.stdout, /\nbuild +succeeded +0 /);
    const tail = zephyr('jobs', 'tail', 'build');
    assert.is(tail.status, 0, tail.stderr);
    assert.match(tail.stdout, '"text":"built \\"q\\""');

    // Two instances of one project side by side, each its own container.
    for (const instance of ['a', 'b']) {
      const up = zephyr('--instance', instance, 'up');
      assert.is(up.status, 0, up.stderr);
    }
    for (const instance of ['a', 'b']) {
      const inside = zephyr('--instance', instance, 'shell', '--', 'sh', '-c', 'echo "$PROJECT_ID $(hostname)"');
      assert.is(inside.stdout, `${PREFIX} zephyr\n`, inside.stderr);
      assert.is(
        runtime(
          on,
          'container',
          'inspect',
          '--format',
          '{{.State.Status}} {{index .Config.Labels "io.boxwright.instance"}}',
          `zephyr-${PREFIX}-${instance}`,
        ).stdout,
        `running ${instance}\n`,
      );
    }
    const beside = zephyr('--instance', 'b', 'run', 'run-job', '--', 'second', '--', 'true');
    assert.is(beside.status, 0, `a job beside the running instances: ${beside.stderr}`);
  });

  e2e.run();
}
