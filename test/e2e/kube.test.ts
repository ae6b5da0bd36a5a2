// The Kubernetes manifests, played for real by `podman kube play`: seed 001's workstation,
// seed 003's build box and a seed 002 combination, each from its real config with per-run
// values, on images that behave like the real ones. Secrets come from a Secret, claims
// become volumes, limits are applied, and `podman kube down` takes the Pods away.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { parseAllDocuments, stringify } from 'yaml';
import { generate } from '../helpers.ts';
import {
  e2eSuite,
  freePort,
  inContainer,
  podman,
  podmanOk,
  PREFIX,
  runSeed,
  SERVICE_IMAGE,
  waitFor,
  zephyrProject,
  type E2eContext,
} from './support.ts';

const e2e = e2eSuite('e2e: kube.yaml played by podman');

type Container = { name: string; ports?: { containerPort: number; hostPort?: number }[] };

/**
 * The manifest as podman plays it here. podman kube play 4.3 publishes every containerPort
 * on the host at the same number and has no --publish to move it, so each port gets a free
 * hostPort: two runs on one host would otherwise collide. Nothing else is changed.
 */
async function playable(manifest: string, file: string): Promise<void> {
  const documents = parseAllDocuments(manifest).map((d) => d.toJS() as Record<string, unknown>);
  for (const object of documents) {
    const spec = object.spec as { containers?: Container[]; template?: { spec: { containers: Container[] } } };
    for (const container of spec?.containers ?? spec?.template?.spec.containers ?? [])
      for (const port of container.ports ?? []) port.hostPort = await freePort();
  }
  writeFileSync(file, documents.map((d) => `---\n${stringify(d)}`).join(''));
}

/**
 * A Secret as podman 4.3 reads it for secretKeyRef: its data (base64 values) as JSON. The
 * Secret kind played by podman itself is stored in a form 4.3 cannot read back (podman issue
 * 16269), and `kubectl create secret generic` makes the same keys on a cluster.
 */
function createSecret(context: E2eContext, name: string, values: Record<string, string>): void {
  const data = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  // From a file: podman wants a real pipe for "-", and Node's are sockets.
  const file = join(context.dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(data), { mode: 0o600 });
  podmanOk('secret', 'create', name, file);
}

/** The containers of the Pods a manifest made, by their names in the manifest. */
function containerOf(pod: string, container: string): string {
  const names = podman('ps', '--all', '--filter', `pod=${pod}`, '--format', '{{.Names}}').stdout.split('\n');
  const found = names.find((n) => n.endsWith(`-${container}`));
  assert.ok(found, `no container ${container} in pod ${pod}: ${names.join(' ')}`);
  return found!;
}

/**
 * A script in a container of the workstation's Pod. Its image, made by podman import, has no
 * ENV PATH, and kube play gives none (podman run does): the exec brings its own.
 */
function inPod(container: string, script: string): string {
  return podmanOk(
    'exec',
    '--env',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    container,
    '/bin/sh',
    '-c',
    script,
  );
}

function limits(container: string): { memory: number; cpus: number } {
  const [inspected] = JSON.parse(podmanOk('inspect', container)) as {
    HostConfig: { Memory: number; NanoCpus: number; CpuQuota: number; CpuPeriod: number };
  }[];
  const { Memory, NanoCpus, CpuQuota, CpuPeriod } = inspected!.HostConfig;
  return { memory: Memory, cpus: NanoCpus ? NanoCpus / 1e9 : CpuQuota / CpuPeriod };
}

/** Manifests played and not yet taken down: a failed test leaves none behind (after.each). */
const toTakeDown = new Set<string>();

async function play(context: E2eContext, manifest: string, name: string): Promise<string> {
  const file = join(context.dir, `${name}.yaml`);
  toTakeDown.add(file);
  await playable(manifest, file);
  const played = podman('kube', 'play', file);
  assert.is(played.status, 0, `podman kube play: ${played.stderr}`);
  return file;
}

function down(file: string): void {
  toTakeDown.delete(file);
  podmanOk('kube', 'down', file);
}

e2e.after.each(() => {
  for (const file of toTakeDown) podman('kube', 'down', file);
  toTakeDown.clear();
});

e2e("seed 001's workstation: users, credentials and services come up from the manifest", async (context) => {
  const name = `${PREFIX}-workstation`;
  const secret = `${name}-secrets`;
  createSecret(context, secret, {
    ANTHROPIC_API_KEY: 'sk-"kube"\\secret $(HOME)',
    ANTHROPIC_BASE_URL: 'https://api.z.ai',
    DEVUSER_PASSWORD: 'pass word 42',
  });
  // The host's ~/.ssh of launch.sh is a Secret of keys on a cluster (kubernetes.mounts).
  // podman 4.3 plays a secret volume without its files (and crashes on one without
  // optional), so the copy of keys is not checked here; the Secret must exist all the same.
  const keys = `${PREFIX}-turbo-flow-unified-ssh`;
  createSecret(context, keys, { id_ed25519: 'PRIVATE KEY\n', 'id_ed25519.pub': 'PUBLIC KEY\n' });
  try {
    const file = await play(context, readFileSync(join(context.out, 'workstation/kube.yaml'), 'utf8'), 'workstation');
    const container = containerOf(`${name}-pod-0`, name);
    try {
      waitFor(
        () => /tmux-autostart +EXITED/.test(podman('exec', container, '/usr/bin/supervisorctl', 'status').stdout),
        'supervisord to start every program',
      );
    } catch (error) {
      const logs = podman('logs', container);
      throw new Error(`${(error as Error).message}\n${logs.stdout}${logs.stderr}`);
    }
    const status = podman('exec', container, '/usr/bin/supervisorctl', 'status').stdout;
    for (const program of ['dbus', 'sshd', 'xvnc', 'xfce4', 'management-api'])
      assert.match(status, new RegExp(`${program} +RUNNING`));
    assert.match(inPod(container, 'id devuser; id zai-user'), 'uid=1000(devuser)');
    // The secret's value arrives as written: Kubernetes' $(...) is not expanded in it.
    assert.equal(JSON.parse(inPod(container, 'cat /home/devuser/.config/claude/config.json')), {
      api_key: 'sk-"kube"\\secret $(HOME)',
    });
    assert.is(
      inPod(container, 'su devuser -s /bin/sh -c "tmux list-windows -t workspace -F \'#{window_name}\'"').split(
        '\n',
      )[0],
      'Claude-Main',
    );
    assert.match(inPod(container, 'ls /opt/boxwright'), 'entrypoint.sh\nsupervisord.conf\nworkspace.sh');
    // The claims are volumes, mounted where the config says.
    for (const volume of ['workspace', 'claude-config', 'logs'])
      assert.is(podman('volume', 'exists', `${PREFIX}-turbo-flow-unified-${volume}`).status, 0, volume);
    assert.equal(limits(container), { memory: 512 * 2 ** 20, cpus: 1 });
    down(file);
    assert.is(podman('pod', 'exists', `${name}-pod-0`).status, 1, 'kube down removed the pod');
  } finally {
    podman('secret', 'rm', secret, keys);
  }
});

e2e("seed 003's build box: a Pod as kvothe with the project's host folders, and run-job", async (context) => {
  const { infra, workspace, image } = zephyrProject(context, 'kube');
  // The real config, with this run's values for its variables, as a user gives them.
  writeFileSync(
    join(context.tree, 'configs/zephyr-kube.json'),
    JSON.stringify({
      extends: 'zephyr.json',
      kubernetes: {
        variables: { ZEPHYR_IMAGE: image, ZEPHYR_INFRA: infra, ZEPHYR_WORKSPACE: workspace, PROJECT_ID: PREFIX },
      },
    }),
  );
  const out = join(context.dir, 'generated-kube');
  const generated = await generate(['--out', out, '--only', 'zephyr-kube', '--quiet'], context.tree);
  assert.is(generated.code, 0, generated.err);
  const file = await play(context, readFileSync(join(out, 'zephyr-kube/kube.yaml'), 'utf8'), 'zephyr');
  const pod = `zephyr-${PREFIX}`;
  const container = containerOf(pod, pod);
  waitFor(
    () => podman('container', 'inspect', '--format', '{{.State.Running}}', container).stdout.trim() === 'true',
    'the shell to run',
  );
  assert.is(
    inContainer(container, 'echo "$PROJECT_ID $SPACK_ROOT $(id -un) $HOME $(pwd)"'),
    `${PREFIX} /opt/spack_src kvothe /home/kvothe /workspace\n`,
  );
  const job = podman('exec', container, '/bin/sh', '/opt/boxwright/job.sh', 'build', '--', 'sh', '-c', 'echo built');
  assert.is(job.status, 0, job.stderr);
  assert.match(
    readFileSync(join(infra, PREFIX, 'bazel_cache/zephyr_jobs/build.status'), 'utf8'),
    /^state=succeeded\nexit=0\n/,
  );
  down(file);
});

e2e('a seed 002 combination: its tier and add-ons as limits, env and a workspace claim', async (context) => {
  const printed = runSeed(context, 'codeopen', 'launch.sh', ['--kube', '--preset', 'python-gui']);
  assert.is(printed.status, 0, printed.stderr);
  const name = `${PREFIX}-codeopen-python-gui`;
  // An image that behaves like the combination's: its own ENTRYPOINT, CMD and USER.
  podmanOk('tag', SERVICE_IMAGE, `ghcr.io/codeopen/${name}:0.0.2`);
  const file = await play(context, printed.stdout, 'codeopen');
  const container = containerOf(`${name}-pod-0`, name);
  waitFor(
    () => podman('container', 'inspect', '--format', '{{.State.Running}}', container).stdout.trim() === 'true',
    'the combination to run',
  );
  assert.is(
    inContainer(container, 'echo "$(id -un) $DISPLAY $OPENCODE_PORT $WORKSPACE"'),
    'app :1 4096 /home/developer/workspace\n',
  );
  assert.match(podmanOk('inspect', '--format', '{{.Config.Cmd}}', container), '--port 9090');
  // starter (1 CPU, 2Gi) + gui (2 CPU, 4Gi); the workspace claim is the tier's 20 GB.
  assert.equal(limits(container), { memory: 6 * 2 ** 30, cpus: 3 });
  assert.is(podman('volume', 'exists', `${name}-workspace`).status, 0);
  assert.match(inContainer(container, 'cat /proc/mounts'), ' /home/developer/workspace ');
  down(file);
});

e2e.run();
