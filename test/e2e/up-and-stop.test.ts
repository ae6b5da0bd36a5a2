// up that tells the truth and stop that is prompt, on podman and on docker: up returns once
// the entrypoint has finished its start phases, and fails with the container's exit code and
// last lines when it stops on the way; a command that relies on the default action of TERM
// (sleep infinity, a keep-alive shell) ends at the runtime's TERM instead of its KILL.
// How a container ended is read from its exit code, not from a clock: 137 is the KILL that
// follows the stop timeout, anything else is the command's own end at TERM.
import * as assert from 'uvu/assert';
import { e2eSuite, inContainer, PREFIX, runGenerated, runtime, RUNTIMES, runtimeOk } from './support.ts';

for (const on of RUNTIMES) {
  const e2e = e2eSuite(`e2e: up and stop (${on})`, on);
  const launch = (context: Parameters<typeof runGenerated>[0], config: string, ...args: string[]) =>
    runGenerated(context, config, 'launch.sh', args, { BOXWRIGHT_RUNTIME: on });
  const exitCode = (name: string) =>
    runtimeOk(on, 'container', 'inspect', '--format', '{{.State.ExitCode}}', name).trim();
  const status = (name: string) => runtimeOk(on, 'container', 'inspect', '--format', '{{.State.Status}}', name).trim();

  e2e('up returns once the start phases are done; down of sleep infinity ends it with TERM', (context) => {
    const name = `${PREFIX}-keepalive`;
    const up = launch(context, 'keepalive', 'up');
    assert.is(up.status, 0, up.stderr);
    assert.match(up.stderr, `${name}: ready`);
    assert.not.match(up.stderr + up.stdout, 'not a TTY', 'a detached up asks for no terminal');
    // No waiting here: up already waited for the entrypoint to hand over.
    assert.is(inContainer(name, 'id -un keeper; ps -o args= -p 1', undefined, on).split('\n')[0], 'keeper');
    assert.is(
      runtimeOk(on, 'container', 'inspect', '--format', '{{.Config.Tty}}', name).trim(),
      'false',
      'no terminal for a container nobody types into',
    );
    const stop = launch(context, 'keepalive', 'stop');
    assert.is(stop.status, 0, stop.stderr);
    assert.is(status(name), 'exited');
    assert.is(exitCode(name), '143', 'sleep ended at the TERM the entrypoint passed on, not at KILL (137)');

    const again = launch(context, 'keepalive', 'up');
    assert.is(again.status, 0, again.stderr);
    assert.match(again.stderr, `${name}: starting (it was exited)`);
    assert.match(again.stderr, `${name}: ready`, "a restart waits for this start's mark, not the last one");
    const down = launch(context, 'keepalive', 'down');
    assert.is(down.status, 0, down.stderr);
    assert.is.not(runtime(on, 'container', 'inspect', name).status, 0);
  });

  e2e("the dev container keep-alive ends at TERM as PID 1, without boxwright's entrypoint", (context) => {
    const name = `${PREFIX}-keepalive-plain`;
    const up = launch(context, 'keepalive-plain', 'up');
    assert.is(up.status, 0, up.stderr);
    assert.match(up.stderr, `${name}: ready`);
    assert.is(launch(context, 'keepalive-plain', 'stop').status, 0);
    assert.is(exitCode(name), '0', 'its trap ended it, not KILL (137)');
    assert.is(launch(context, 'keepalive-plain', 'down').status, 0);
  });

  e2e('stop --time 1 kills a command that ignores TERM after one second', (context) => {
    const name = `${PREFIX}-stubborn`;
    assert.is(launch(context, 'stubborn', 'up').status, 0);
    const stop = launch(context, 'stubborn', 'stop', '--time', '1');
    assert.is(stop.status, 0, stop.stderr);
    assert.is(status(name), 'exited');
    assert.is(exitCode(name), '137', 'it ignored TERM, so KILL ended it');
    assert.is(launch(context, 'stubborn', 'down', '-t', '0').status, 0);
  });

  e2e('up fails with the exit code and the last lines when the entrypoint stops the container', (context) => {
    const name = `${PREFIX}-failing-start`;
    const up = launch(context, 'failing-start', 'up');
    assert.is(up.status, 1, up.stderr);
    assert.match(up.stderr, `${name}: creating and starting`);
    assert.match(up.stderr, `${name} stopped while starting (exited, exit code 1)`);
    assert.match(up.stderr, 'no licence file', "the container's last lines");
    assert.match(up.stderr, `${name} did not come up`);
    assert.not.match(up.stderr, 'ready');
    const noWait = launch(context, 'failing-start', 'up', '--no-wait', '--force-recreate');
    assert.is(noWait.status, 0, '--no-wait returns once it is started, as before');
    assert.is(launch(context, 'failing-start', 'down').status, 0);
  });

  e2e.run();
}
