// What the launcher decides before the container runs, on podman and on docker: entrypoint dispatch
// by argument or variable (arguments intact, exit codes passed through, required secrets
// checked), run-once hooks, imageEntrypoint, the image built from its Containerfile, and the
// workspace folder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { e2eSuite, PREFIX, runGenerated, RUNTIMES, runtimeOk, TEST_IMAGE } from './support.ts';

for (const on of RUNTIMES) {
  const e2e = e2eSuite(`e2e: dispatch (${on})`, on);

  e2e('entrypoint by argument or variable, arguments intact, exit code passed through', (context) => {
    const shown = runGenerated(context, 'dispatch', 'launch.sh', ['show', '--', 'a b', '', '$(x)'], { TOKEN: 't0k' });
    assert.is(shown.status, 7, shown.stderr);
    assert.is(shown.stdout, 'worker\n[a b]\n[]\n[$(x)]\nhello, world\n');
    assert.match(shown.stderr, 'entrypoint: [handover] running sh as worker');

    const state = runGenerated(context, 'dispatch', 'launch.sh', [], {
      TOKEN: 'line"two',
      DISPATCH_ENTRYPOINT: 'state',
    });
    assert.is(state.status, 0, state.stderr);
    assert.match(
      state.stdout,
      /^750 worker \/home\/worker\n600 worker \/home\/worker\/\.token\n644 worker \/home\/worker\/hook-ran\nTOKEN=line"two\n$/,
    );
  });

  e2e('named hook commands ran side by side, as their user', (context) => {
    const ran = runGenerated(context, 'dispatch', 'launch.sh', ['parallel'], { TOKEN: 't0k' });
    assert.is(ran.status, 0, ran.stderr);
    assert.is(ran.stdout, 'one\nworker\n');
    assert.match(ran.stderr, 'hook (once per container): in parallel: one, two');
  });

  e2e('a create hook runs once per container, a start hook at every start', (context) => {
    const launch = (...args: string[]) => runGenerated(context, 'dispatch', 'launch.sh', args, { TOKEN: 't0k' });
    try {
      const first = launch('up', 'lifecycle');
      assert.is(first.status, 0, first.stderr);
      // The container ran and stopped (cat); up starts the same container again.
      waitExited(`${PREFIX}-dispatch`);
      const again = launch('up', 'lifecycle');
      assert.is(again.status, 0, again.stderr);
      waitExited(`${PREFIX}-dispatch`);
      assert.match(runtimeOk(on, 'logs', `${PREFIX}-dispatch`), /created\nstarted\ncreated\nstarted\nstarted\n$/);
    } finally {
      launch('down');
    }
  });

  e2e(
    "imageEntrypoint stands in for the image's ENTRYPOINT and CMD, behind the startup, as the image's user",
    (context) => {
      const plain = runGenerated(context, 'override', 'launch.sh', []);
      assert.is(plain.status, 0, plain.stderr);
      assert.is(plain.stdout, 'overridden 0 \napp\napp\n');
      const withArgs = runGenerated(context, 'override', 'launch.sh', ['--', 'a b', 'c']);
      assert.is(withArgs.status, 0, withArgs.stderr);
      assert.is(withArgs.stdout, 'overridden 2 a b c\napp\napp\n');
    },
  );

  e2e(
    'an image built from its Containerfile when missing, and with --build only when its inputs changed',
    (context) => {
      const launch = (...args: string[]) => runGenerated(context, 'built', 'launch.sh', args);
      const first = launch('run');
      assert.is(first.status, 0, first.stderr);
      assert.is(first.stdout, 'built from the first context\n');
      assert.match(first.stderr, 'building');
      const again = launch('run');
      assert.is(again.status, 0, again.stderr);
      assert.not.match(again.stderr, 'building', 'an image that is here is used as it is');
      const unchanged = launch('run', '--build');
      assert.is(unchanged.status, 0, unchanged.stderr);
      assert.match(unchanged.stderr, 'is up to date with its build inputs');
      writeFileSync(join(context.tree, 'test/e2e/build-context/message'), 'built from the second context\n');
      const stale = launch('run');
      assert.is(stale.stdout, 'built from the first context\n', 'without --build, as compose up');
      const rebuilt = launch('run', '--build');
      assert.is(rebuilt.status, 0, rebuilt.stderr);
      assert.match(rebuilt.stderr, 'building');
      assert.is(rebuilt.stdout, 'built from the second context\n');
    },
  );

  e2e('the workspace is the folder launch.sh runs from, at /workspaces/<its name>', (context) => {
    const project = join(context.dir, 'my project');
    mkdirSync(project);
    writeFileSync(join(project, 'README'), 'mine\n');
    const ran = spawnSync('sh', [join(context.out, 'workspace/launch.sh')], {
      encoding: 'utf8',
      cwd: project,
      env: { PATH: process.env.PATH, HOME: context.home },
    });
    assert.is(ran.status, 0, ran.stderr);
    assert.is(ran.stdout, '/workspaces/my project\nREADME\n');
    assert.is(readFileSync(join(project, 'from-container'), 'utf8'), 'changed\n', 'the same folder, not a copy');
  });

  e2e("the image's own users: one takes the host user's ids, another runs a hook as the image has it", (context) => {
    // The host user here is root, whose ids are never given away: an \`id\` on the PATH stands
    // for a host user 1234:1234, for launch.sh alone.
    const bin = join(context.dir, 'host-user-bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'id'), '#!/bin/sh\ncase $1 in -u | -g) echo 1234 ;; *) exec /usr/bin/id "$@" ;; esac\n', {
      mode: 0o755,
    });
    const ran = spawnSync('sh', [join(context.out, 'hostuser/launch.sh')], {
      encoding: 'utf8',
      cwd: context.home,
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: context.home, BOXWRIGHT_RUNTIME: on },
    });
    assert.is(ran.status, 0, ran.stderr);
    assert.is(ran.stdout, 'app\n1234\n1234\n1234 1234\nnobody\n');
    assert.match(ran.stderr, "changing app's uid from 1500 to 1234 (the host user's)");
    // As root, the host user gives no ids: app keeps the image's.
    const asRoot = runGenerated(context, 'hostuser', 'launch.sh', []);
    assert.is(asRoot.status, 0, asRoot.stderr);
    assert.is(asRoot.stdout, 'app\n1500\n1500\n1500 1500\nnobody\n');
  });

  e2e(
    'secrets as files: mounted read-only where the config says, kept from the environment, removed by down',
    (context) => {
      const state = join(context.dir, 'state');
      const env = { XDG_STATE_HOME: state, TOKEN: 'to"ken $x', HOST_DB_PASSWORD: 'pw\nline two' };
      const ran = runGenerated(context, 'secretfile', 'launch.sh', ['run'], env);
      assert.is(ran.status, 0, ran.stderr);
      assert.is(ran.stdout, 'to"ken $x\npw\nline two\nnot in the environment\n444\n');
      const folder = join(state, 'boxwright/secrets', `${PREFIX}-secretfile`);
      assert.is((statSync(folder).mode & 0o777).toString(8), '700');
      const down = runGenerated(context, 'secretfile', 'launch.sh', ['down'], env);
      assert.is(down.status, 0, down.stderr);
      assert.not.ok(existsSync(folder), 'down removed the secret files');
    },
  );

  function waitExited(container: string): void {
    const deadline = Date.now() + 60_000;
    while (runtimeOk(on, 'container', 'inspect', '--format', '{{.State.Status}}', container).trim() !== 'exited') {
      assert.ok(Date.now() < deadline, `${container} did not finish`);
      spawnSync('sleep', ['0.5']);
    }
  }

  e2e('a missing required secret stops the entrypoint before any change', (context) => {
    const failed = spawnSync(
      on,
      [
        'run',
        '--rm',
        '-v',
        `${join(context.out, 'dispatch')}:/opt/boxwright:ro`,
        '--entrypoint',
        '/opt/boxwright/entrypoint.sh',
        TEST_IMAGE,
        'sh',
        '-c',
        'exit 0',
      ],
      { encoding: 'utf8' },
    );
    assert.is(failed.status, 1);
    assert.match(failed.stderr, 'entrypoint: [secrets] error: missing required secrets: TOKEN (nothing was changed)');
    assert.not.match(failed.stderr, 'creating');
  });

  e2e(
    "a password secret with a line break stops the entrypoint before chpasswd can set another account's password",
    (context) => {
      const run = (password: string) =>
        spawnSync(
          on,
          [
            'run',
            '--rm',
            '-v',
            `${join(context.out, 'workstation')}:/opt/boxwright:ro`,
            '--entrypoint',
            '/opt/boxwright/entrypoint.sh',
            '-e',
            'DEVUSER_PASSWORD',
            '-e',
            'ANTHROPIC_API_KEY',
            TEST_IMAGE,
            'sh',
            '-c',
            'grep "^root:" /etc/shadow | cut -d: -f2',
          ],
          {
            encoding: 'utf8',
            env: { ...process.env, DEVUSER_PASSWORD: password, ANTHROPIC_API_KEY: 'k' },
          },
        );
      const refused = run('devpass\nroot:chosen');
      assert.is(refused.status, 1, refused.stderr);
      assert.match(
        refused.stderr,
        "DEVUSER_PASSWORD contains a line break, which chpasswd would read as another account's password",
      );
      const accepted = run('devpass: with colon');
      assert.is(accepted.status, 0, accepted.stderr);
      assert.not.match(accepted.stdout, /^\$/, "root's password is untouched (no hash set)");
    },
  );

  e2e('the launcher itself refuses to start without a required secret', (context) => {
    const result = runGenerated(context, 'dispatch', 'launch.sh', []);
    assert.is(result.status, 1);
    assert.match(result.stderr, 'missing required settings: TOKEN');
  });

  e2e.run();
}
