// Stacks on podman and on docker: members on a shared network reached by name, modes,
// idempotent up, start order after health, and down in reverse order; seed 000's CachyOS
// stack in both modes. A member on several networks is podman's alone (docker run joins one).
import * as assert from 'uvu/assert';
import {
  e2eSuite,
  inContainer,
  podman,
  podmanOk,
  PREFIX,
  runGenerated,
  runtime,
  RUNTIMES,
  runtimeOk,
  TEST_IMAGE,
} from './support.ts';

const SECRET = 'sk-"e2e"\\secret';

for (const on of RUNTIMES) {
  const e2e = e2eSuite(`e2e: stack (${on})`, on);
  const inBox = (name: string, script: string) => inContainer(name, script, undefined, on);

  e2e("up starts the mode's members on a shared network with DNS, idempotently; down removes them", (context) => {
    const stack = (...args: string[]) => runGenerated(context, 'stack', 'stack.sh', args, { BOXWRIGHT_RUNTIME: on });
    assert.is(stack('up').status, 0);
    const again = stack('up');
    assert.is(again.status, 0, again.stderr);
    assert.match(again.stderr, `${PREFIX}-stack-web: running, up to date`);
    assert.match(
      stack('status').stdout,
      new RegExp(
        `api +${PREFIX}-stack-api +missing +- +no .*\\nweb +${PREFIX}-stack-web +running +current +yes +${TEST_IMAGE}`,
      ),
    );
    assert.is(inBox(`${PREFIX}-stack-web`, 'echo "$API_URL"'), 'http://localhost:9600\n');

    // Switching modes recreates only the members whose config changed: web's API_URL did.
    const duo = stack('--mode', 'duo', 'up');
    assert.is(duo.status, 0, duo.stderr);
    assert.is(
      duo.stderr,
      `launch.sh: ${PREFIX}-stack-api: creating and starting\nlaunch.sh: ${PREFIX}-stack-api: ready\nlaunch.sh: ${PREFIX}-stack-web: recreating (its config changed)\nlaunch.sh: ${PREFIX}-stack-web: creating and starting\nlaunch.sh: ${PREFIX}-stack-web: ready\n`,
    );
    assert.is(
      stack('--mode', 'duo', 'up').stderr,
      `launch.sh: ${PREFIX}-stack-api: running, up to date\nlaunch.sh: ${PREFIX}-stack-web: running, up to date\n`,
    );
    assert.is(inBox(`${PREFIX}-stack-web`, 'echo "$API_URL"'), `http://${PREFIX}-stack-api:9600\n`);
    assert.match(
      inBox(`${PREFIX}-stack-web`, `getent hosts ${PREFIX}-stack-api api.stack.local`),
      new RegExp(`^[0-9.]+ +${PREFIX}-stack-api.*\\n[0-9.]+ +api\\.stack\\.local\\n$`),
    );
    const down = stack('down');
    assert.is(
      down.stderr,
      `launch.sh: ${PREFIX}-stack-web: stopping and removing\nlaunch.sh: ${PREFIX}-stack-api: stopping and removing\n`,
      'reverse order',
    );
    assert.match(stack('--mode', 'duo', 'status').stdout, new RegExp(`api +${PREFIX}-stack-api +missing +- +yes`));
    assert.match(stack('logs', 'nope').stderr, "unknown member 'nope' (choose from: api, web)");
  });

  e2e('seed 000 (cachyos): the stack up in both modes, Z.AI reached by name in microservices', (context) => {
    const env = { ANTHROPIC_API_KEY: SECRET, MANAGEMENT_API_KEY: 'management', BOXWRIGHT_RUNTIME: on };
    const stack = (...args: string[]) => runGenerated(context, 'cachyos', 'stack.sh', args, env);
    const monolithic = stack('up');
    assert.is(monolithic.status, 0, monolithic.stderr);
    assert.match(
      stack('status').stdout,
      new RegExp(
        `claude-zai +${PREFIX}-cachyos-zai +missing +- +no .*\\nagentic-workstation +${PREFIX}-cachyos-workstation +running +current +yes .*\\ncomfyui +${PREFIX}-cachyos-comfyui +running +current +yes`,
      ),
    );
    // In the other mode, the workstation's variables differ: it would be recreated.
    assert.match(
      stack('--mode', 'microservices', 'status').stdout,
      new RegExp(`agentic-workstation +${PREFIX}-cachyos-workstation +running +stale +yes`),
    );
    assert.is(
      inBox(`${PREFIX}-cachyos-workstation`, 'echo "$ZAI_INTERNAL $ZAI_URL $CUDA_HOME"'),
      'true http://localhost:9600 /opt/cuda\n',
    );

    // The mode switch, without down: only what changed is recreated.
    const micro = stack('--mode', 'microservices', 'up');
    assert.is(micro.status, 0, micro.stderr);
    assert.match(
      micro.stderr,
      new RegExp(
        `${PREFIX}-cachyos-zai: creating and starting\\n[\\s\\S]*${PREFIX}-cachyos-workstation: recreating \\(its config changed\\)`,
      ),
      'Z.AI starts first; the workstation, whose ZAI_URL changed, is recreated',
    );
    assert.match(micro.stderr, `${PREFIX}-cachyos-comfyui: running, up to date`);
    assert.is(
      inBox(`${PREFIX}-cachyos-workstation`, 'echo "$ZAI_INTERNAL $ZAI_URL"'),
      'false http://claude-zai-cachyos:9600\n',
    );
    assert.match(inBox(`${PREFIX}-cachyos-workstation`, 'getent hosts claude-zai'), /^[0-9.]+ +claude-zai/);
    assert.is(stack('down').status, 0);
    assert.match(
      stack('--mode', 'microservices', 'status').stdout,
      new RegExp(`claude-zai +${PREFIX}-cachyos-zai +missing +- +yes`),
    );
  });

  e2e('a member that waits for a healthy one starts only once its healthcheck passes', (context) => {
    const stack = (...args: string[]) =>
      runGenerated(context, 'stack-wait', 'stack.sh', args, { BOXWRIGHT_RUNTIME: on });
    const up = stack('up');
    assert.is(up.status, 0, up.stderr);
    const waited = up.stderr.indexOf('waiting for db to be healthy');
    const started = up.stderr.indexOf(`${PREFIX}-wait-app: creating and starting`);
    assert.ok(waited >= 0 && started > waited, up.stderr);
    assert.is(runtime(on, 'exec', `${PREFIX}-wait-db`, 'test', '-e', '/tmp/ready').status, 0, 'db was ready first');
    assert.match(
      runtimeOk(on, 'container', 'inspect', '--format', '{{.State.Status}}', `${PREFIX}-wait-app`),
      'running',
    );
    assert.is(stack('down').status, 0);
  });

  if (on === 'podman')
    e2e(
      'a segmented stack: each member on its own networks, with its aliases there; the proxy cannot reach the database',
      (context) => {
        const stack = (...args: string[]) => runGenerated(context, 'seg', 'stack.sh', args);
        const up = stack('up');
        assert.is(up.status, 0, up.stderr);
        const resolves = (member: string, name: string) =>
          podman('exec', `${PREFIX}-seg-${member}`, '/usr/bin/getent', 'hosts', name).status === 0;
        // The app is on both networks, known by each alias on its own network.
        const [app] = JSON.parse(podmanOk('inspect', `${PREFIX}-seg-app`)) as {
          NetworkSettings: { Networks: Record<string, { Aliases: string[] }> };
        }[];
        const networks = app!.NetworkSettings.Networks;
        assert.equal(Object.keys(networks).sort(), [`${PREFIX}-seg-back`, `${PREFIX}-seg-front`]);
        assert.ok(networks[`${PREFIX}-seg-front`]!.Aliases.includes('app'));
        assert.ok(networks[`${PREFIX}-seg-back`]!.Aliases.includes('app-internal'));
        // (podman's CNI DNS answers a container on two networks for one of them only: the app's
        // own lookups are not checked; netavark answers for both.)
        assert.ok(resolves('db', 'app-internal'), 'the database reaches the app by its back-network alias');
        assert.not.ok(resolves('proxy', 'db'), 'the proxy does not reach the database');
        assert.not.ok(resolves('proxy', 'app-internal'), 'nor the back-network alias');
        assert.ok(resolves('proxy', 'app'));
        assert.is(stack('down').status, 0);
      },
    );

  e2e.run();
}
