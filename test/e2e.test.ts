// End-to-end: generated launch scripts and entrypoints run for real on podman, with the
// locally built Debian test image. Skipped, saying why, where podman cannot run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureTestImage, podmanAvailable } from './e2e/image.ts';
import { generate, remove, ROOT, tempDir } from './helpers.ts';

const e2e = suite<{ dir: string; out: string; home: string }>('e2e');
const unavailable = podmanAvailable();
const SECRET = 'sk-"e2e"\\secret';
const PASSWORD = 'pass word 42';

function podman(...args: string[]) {
  return spawnSync('podman', args, { encoding: 'utf8' });
}

function launch(context: { out: string; home: string }, config: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync('sh', [join(context.out, config, 'launch.sh'), ...args], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'], HOME: context.home, ...env },
    cwd: context.home,
  });
}

function inContainer(name: string, script: string): string {
  const result = podman('exec', name, 'sh', '-c', script);
  assert.is(result.status, 0, result.stderr);
  return result.stdout;
}

function waitFor(check: () => boolean, what: string, seconds = 60): void {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (check()) return;
    spawnSync('sleep', ['1']);
  }
  assert.unreachable(`timed out waiting for ${what}`);
}

function cleanUp() {
  podman('rm', '--force', '--ignore', '-t', '0', 'bw-e2e-workstation', 'bw-e2e-dispatch');
  podman('rmi', '--force', '--ignore', 'bw-e2e-plain-m-x:1', 'bw-e2e-plain-m:1', 'bw-e2e-plain-x:1', 'bw-e2e-plain:1', 'bw-e2e-base:1');
  podman('rm', '--force', '--ignore', '-t', '0', 'bw-e2e-stack-api', 'bw-e2e-stack-web', 'bw-e2e-box', 'bw-e2e-later', 'bw-e2e-cachyos-zai', 'bw-e2e-cachyos-workstation', 'bw-e2e-cachyos-comfyui', 'zephyr-e2e');
  podman('network', 'rm', '-f', 'bw-e2e-net', 'bw-e2e-stack-net', 'bw-e2e-cachyos-net');
  const volumes = podman('volume', 'ls', '--format', '{{.Name}}').stdout.split('\n').filter((v) => v.startsWith('turbo-flow-unified_'));
  if (volumes.length) podman('volume', 'rm', '-f', ...volumes);
}

if (unavailable) {
  e2e(`end-to-end tests skipped: ${unavailable}`, () => {});
} else {
  e2e.before(async (context) => {
    ensureTestImage();
    cleanUp();
    context.dir = tempDir();
    context.out = join(context.dir, 'generated');
    context.home = join(context.dir, 'home');
    mkdirSync(join(context.home, '.ssh'), { recursive: true });
    writeFileSync(join(context.home, '.ssh/id_ed25519'), 'PRIVATE KEY\n', { mode: 0o644 });
    writeFileSync(join(context.home, '.ssh/id_ed25519.pub'), 'PUBLIC KEY\n', { mode: 0o644 });
    const result = await generate(['--configs', join(ROOT, 'test/e2e/configs'), '--out', context.out, '--quiet'], ROOT);
    assert.is(result.code, 0, result.err);
  });
  e2e.after(({ dir }) => {
    cleanUp();
    remove(dir);
  });

  e2e('seed 001 workstation: users, credentials, ssh, supervisord priorities and tmux, for real', (context) => {
    const started = launch(context, 'workstation', [], { ANTHROPIC_API_KEY: SECRET, ANTHROPIC_BASE_URL: 'https://api.z.ai', DEVUSER_PASSWORD: PASSWORD });
    assert.is(started.status, 0, started.stderr);
    const name = 'bw-e2e-workstation';
    waitFor(() => /tmux-autostart +EXITED/.test(podman('exec', name, 'supervisorctl', 'status').stdout), 'supervisord to start every program');

    const status = podman('exec', name, 'supervisorctl', 'status').stdout;
    for (const program of ['dbus', 'sshd', 'xvnc', 'xfce4', 'management-api']) assert.match(status, new RegExp(`${program} +RUNNING`));
    const spawned = [...inContainer(name, 'cat /var/log/supervisord.log').matchAll(/spawned: '([^']+)'/g)].map((m) => m[1]);
    assert.equal(spawned.slice(0, 6), ['dbus', 'sshd', 'xvnc', 'xfce4', 'management-api', 'tmux-autostart'], 'started in priority order');

    assert.is(
      inContainer(name, 'for u in devuser gemini-user openai-user zai-user; do id "$u"; done'),
      [
        'uid=1000(devuser) gid=1000(devuser) groups=1000(devuser),29(audio),44(video),1004(wheel),1005(docker)',
        'uid=1001(gemini-user) gid=1001(gemini-user) groups=1001(gemini-user)',
        'uid=1002(openai-user) gid=1002(openai-user) groups=1002(openai-user)',
        'uid=1003(zai-user) gid=1003(zai-user) groups=1003(zai-user)',
        '',
      ].join('\n'),
    );
    const state = () =>
      inContainer(
        name,
        'stat -c "%a %U:%G %n" /home/devuser /home/gemini-user /home/openai-user /home/zai-user /home/devuser/.config/claude /home/devuser/.config/claude/config.json /home/zai-user/.config/zai/config.json /home/devuser/.ssh /home/devuser/.ssh/id_ed25519 /home/devuser/.ssh/id_ed25519.pub; ls /etc/ssh/ssh_host_*_key; cat /etc/group /etc/sudoers.d/boxwright-*',
      );
    const first = state();
    assert.match(first, '755 devuser:devuser /home/devuser\n700 gemini-user:gemini-user /home/gemini-user');
    assert.match(first, '700 devuser:devuser /home/devuser/.config/claude\n600 devuser:devuser /home/devuser/.config/claude/config.json\n600 zai-user:zai-user /home/zai-user/.config/zai/config.json');
    assert.match(first, '700 devuser:devuser /home/devuser/.ssh\n600 devuser:devuser /home/devuser/.ssh/id_ed25519\n600 devuser:devuser /home/devuser/.ssh/id_ed25519.pub');
    assert.match(first, 'devuser ALL=(gemini-user,openai-user,zai-user) NOPASSWD: ALL');
    assert.equal(JSON.parse(inContainer(name, 'cat /home/devuser/.config/claude/config.json')), { api_key: SECRET });
    assert.equal(JSON.parse(inContainer(name, 'cat /home/zai-user/.config/zai/config.json')), { api_key: SECRET, base_url: 'https://api.z.ai' });
    assert.not.ok(inContainer(name, 'ls -a /home/gemini-user/.config 2>/dev/null || true').includes('gemini'), 'an optional credential without its secret is skipped');
    assert.match(inContainer(name, 'echo "$DISPLAY $CUDA_HOME"; ls /home/devuser/.ssh-host; ls /opt/boxwright'), ':1 /opt/cuda\nid_ed25519\nid_ed25519.pub\nREADME.md\nbackup.sh\nentrypoint.sh\nlaunch.sh\nrestore.sh\nsupervisord.conf\nworkspace.sh');
    assert.is(
      inContainer(name, 'su devuser -s /bin/sh -c "tmux list-windows -t workspace -F \'#{window_name}\'"'),
      'Claude-Main\nClaude-Agent\nServices\nDevelopment\nLogs\nSystem\nVNC-Status\nSSH-Shell\n',
    );
    assert.match(inContainer(name, 'sudo -u devuser sudo -n -u gemini-user whoami'), 'gemini-user');

    // Idempotent: three restarts give the same state and no errors.
    for (let i = 0; i < 3; i++) {
      assert.is(podman('restart', '-t', '2', name).status, 0);
      waitFor(() => /sshd +RUNNING/.test(podman('exec', name, 'supervisorctl', 'status').stdout), 'supervisord after a restart');
      assert.is(state(), first, `state after restart ${i + 1}`);
    }
    const logs = podman('logs', name);
    assert.not.match(logs.stdout + logs.stderr, /entrypoint: \[[a-z]+\] error/);

    // No secret value on the command line the runtime recorded, or in any generated file.
    const [inspected] = JSON.parse(podman('inspect', name).stdout) as { Path: string; Args: string[]; Config: { Cmd: string[] | null; Entrypoint: string | string[]; CreateCommand: string[] } }[];
    const commandLine = JSON.stringify([inspected!.Path, inspected!.Args, inspected!.Config.Cmd, inspected!.Config.Entrypoint, inspected!.Config.CreateCommand]);
    assert.match(commandLine, '"--env","ANTHROPIC_API_KEY"', 'secrets are passed by name');
    for (const value of [SECRET, JSON.stringify(SECRET).slice(1, -1), PASSWORD]) assert.not.ok(commandLine.includes(value), 'no secret value on the command line');
    // backup.sh and restore.sh (inherited from configs/turbo-flow.json): dated archives of
    // the named volumes, restored into a stopped container.
    const archives = join(context.dir, 'backups');
    inContainer(name, 'echo precious > /home/devuser/workspace/note');
    const backedUp = spawnSync('sh', [join(context.out, 'workstation', 'backup.sh'), '--force', archives], { encoding: 'utf8' });
    assert.is(backedUp.status, 0, backedUp.stderr);
    const date = new Date().toISOString().slice(0, 10).replaceAll('-', '');
    assert.ok(readdirSync(archives).includes(`turbo-flow-unified_workspace-${date}.tar.gz`), readdirSync(archives).join(' '));
    inContainer(name, 'echo changed > /home/devuser/workspace/note');
    const refused = spawnSync('sh', [join(context.out, 'workstation', 'restore.sh'), archives, date], { encoding: 'utf8' });
    assert.is(refused.status, 1);
    assert.match(refused.stderr, 'the container is running: stop it before restoring its volumes');
    assert.is(podman('stop', '-t', '2', name).status, 0);
    const restored = spawnSync('sh', [join(context.out, 'workstation', 'restore.sh'), archives, date], { encoding: 'utf8' });
    assert.is(restored.status, 0, restored.stderr);
    assert.is(podman('start', name).status, 0);
    waitFor(() => podman('exec', name, 'true').status === 0, 'the restored container');
    assert.is(inContainer(name, 'cat /home/devuser/workspace/note'), 'precious\n');

    for (const file of readdirSync(join(context.out, 'workstation'))) {
      const text = readFileSync(join(context.out, 'workstation', file), 'utf8');
      assert.not.ok(text.includes(SECRET) || text.includes(PASSWORD), file);
    }
    podman('rm', '--force', '-t', '0', name);
  });

  e2e('dispatch: entrypoint by argument or variable, arguments intact, exit code passed through', (context) => {
    const shown = launch(context, 'dispatch', ['show', '--', 'a b', '', '$(x)'], { TOKEN: 't0k' });
    assert.is(shown.status, 7, shown.stderr);
    assert.is(shown.stdout, 'worker\n[a b]\n[]\n[$(x)]\nhello, world\n');
    assert.match(shown.stderr, 'entrypoint: [handover] running sh as worker');

    const state = launch(context, 'dispatch', [], { TOKEN: 'line"two', DISPATCH_ENTRYPOINT: 'state' });
    assert.is(state.status, 0, state.stderr);
    assert.match(state.stdout, /^750 worker \/home\/worker\n600 worker \/home\/worker\/\.token\n644 worker \/home\/worker\/hook-ran\nTOKEN=line"two\n$/);
  });

  e2e('a missing required secret stops the entrypoint before any change', (context) => {
    const failed = spawnSync('podman', ['run', '--rm', '-v', `${join(context.out, 'dispatch')}:/opt/boxwright:ro`, '--entrypoint', '/opt/boxwright/entrypoint.sh', 'localhost/boxwright-test:bookworm', 'sh', '-c', 'exit 0'], { encoding: 'utf8' });
    assert.is(failed.status, 1);
    assert.match(failed.stderr, 'entrypoint: [secrets] error: missing required secrets: TOKEN (nothing was changed)');
    assert.not.match(failed.stderr, 'creating');
  });

  e2e('catalog: build.sh builds base → flavor → add-on layers with podman, only what is missing', (context) => {
    const build = (...args: string[]) => spawnSync('sh', [join(context.out, 'catalog', 'build.sh'), ...args], { encoding: 'utf8' });
    const built = build('combo', 'plain', 'more,extra');
    assert.is(built.status, 0, built.stderr);
    for (const image of ['bw-e2e-base:1', 'bw-e2e-plain:1', 'bw-e2e-plain-m:1', 'bw-e2e-plain-m-x:1']) {
      assert.is(podman('image', 'exists', image).status, 0, `${image} was built`);
    }
    assert.is(podman('run', '--rm', 'bw-e2e-plain-m-x:1', 'cat', '/layers').stdout, 'base\nflavor\nmore\nextra\n');
    assert.is(build('--dry-run', 'combo', 'plain', 'extra,more').stdout, '', 'nothing is missing, so nothing is built');
    assert.match(build('--dry-run', 'combo', 'plain', 'extra').stdout, /build --tag bw-e2e-plain-x:1 --build-arg BASE_IMAGE=bw-e2e-plain:1 /);

    const run = spawnSync('sh', [join(context.out, 'catalog', 'launch.sh'), '--tier', 'large', '--addons', 'extra,more', '--', 'sh', '-c', 'cat /layers; echo "$FROM_BASE $EXTRA"'], { encoding: 'utf8' });
    assert.is(run.status, 0, run.stderr);
    assert.is(run.stdout, 'base\nflavor\nmore\nextra\nyes 1\n');
    const refused = spawnSync('sh', [join(context.out, 'catalog', 'launch.sh'), '--addons', 'more'], { encoding: 'utf8' });
    assert.is(refused.status, 2);
    assert.is(refused.stderr, 'launch.sh: add-on "more" needs tier "large" or higher, not "small"\n');
  });

  e2e('stack: up starts the mode\'s members on a shared network with DNS, idempotently; down removes them', (context) => {
    const stack = (...args: string[]) => spawnSync('sh', [join(context.out, 'stack', 'stack.sh'), ...args], { encoding: 'utf8' });
    assert.is(stack('up').status, 0);
    const again = stack('up');
    assert.is(again.status, 0, again.stderr);
    assert.match(again.stderr, 'web: already running');
    assert.match(stack('status').stdout, /api +bw-e2e-stack-api +missing +no .*\nweb +bw-e2e-stack-web +running +yes +localhost\/boxwright-test:bookworm/);
    assert.is(inContainer('bw-e2e-stack-web', 'echo "$API_URL"'), 'http://localhost:9600\n');

    assert.is(stack('down').status, 0);
    const duo = stack('--mode', 'duo', 'up');
    assert.is(duo.status, 0, duo.stderr);
    assert.is(inContainer('bw-e2e-stack-web', 'echo "$API_URL"'), 'http://bw-e2e-stack-api:9600\n');
    assert.match(inContainer('bw-e2e-stack-web', 'getent hosts bw-e2e-stack-api api.stack.local'), /^10\.89\.77\.\d+ +bw-e2e-stack-api.*\n10\.89\.77\.\d+ +api\.stack\.local\n$/);
    const down = stack('down');
    assert.is(down.stderr, 'stack.sh: web: stopping and removing bw-e2e-stack-web\nstack.sh: api: stopping and removing bw-e2e-stack-api\n', 'reverse order');
    assert.match(stack('--mode', 'duo', 'status').stdout, /api +bw-e2e-stack-api +missing +yes/);
    assert.match(stack('logs', 'nope').stderr, "unknown member 'nope' (choose from: api, web)");
  });

  e2e('distrobox: create.sh on distrobox 1.4 as a sudo user, then enter, update.sh, status.sh and rm', (context) => {
    if (spawnSync('sh', ['-c', 'command -v distrobox']).status !== 0) assert.unreachable('distrobox is not installed (scripts/setup-test-host.sh installs it)');
    const user = 'boxwright-e2e';
    if (spawnSync('id', [user]).status !== 0) assert.is(spawnSync('useradd', ['-m', '-s', '/bin/sh', user]).status, 0);
    writeFileSync('/etc/sudoers.d/boxwright-e2e', `${user} ALL=(ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
    spawnSync('chmod', ['-R', 'a+rX', context.dir]);
    mkdirSync('/tmp/bw-e2e-fleet', { recursive: true });
    writeFileSync('/tmp/bw-e2e-fleet/file', 'shared data\n');
    const as = (command: string) => spawnSync('su', ['-s', '/bin/sh', user, '-c', `cd /tmp && ${command}`], { encoding: 'utf8' });
    const fleet = join(context.out, 'fleet');

    const created = as(`sh ${fleet}/create.sh`);
    assert.is(created.status, 0, created.stderr);
    assert.match(created.stderr, 'bw-e2e-box: creating', created.stderr);
    assert.match(as(`sh ${fleet}/create.sh`).stderr, 'bw-e2e-box: exists, left as it is');
    const inside = as('distrobox enter --root bw-e2e-box -- sh -c "cat /etc/bw-hooked /opt/fleet/file; hostname"');
    assert.is(inside.status, 0, inside.stderr);
    assert.match(inside.stdout, /first\nsecond\nshared data\nbwbox\n$/);

    const updated = as(`sh ${fleet}/update.sh`);
    assert.is(updated.status, 0, updated.stderr);
    assert.match(updated.stdout, /bw-e2e-box +upgraded/);
    assert.match(as(`sh ${fleet}/status.sh`).stdout, /bw-e2e-box +running +root +localhost\/boxwright-test:bookworm\nbw-e2e-later +absent +root,tpl +-/);

    assert.is(as(`sh ${fleet}/create.sh rm`).status, 0);
    assert.match(as(`sh ${fleet}/status.sh`).stdout, /bw-e2e-box +absent/);
  });

  e2e('seed 003 (zephyr): host storage per project, dispatch, exit codes, and run-job with its records', (context) => {
    const infra = join(context.dir, 'infra');
    const workspace = join(context.dir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    const env = { ZEPHYR_IMAGE: 'localhost/boxwright-test:bookworm', ZEPHYR_INFRA: infra, ZEPHYR_WORKSPACE: workspace, PROJECT_ID: 'e2e', SYGALDRY_GPU: 'off' };
    const zephyr = (...args: string[]) => spawnSync('sh', [join(ROOT, 'generated/zephyr/launch.sh'), ...args], { encoding: 'utf8', env: { PATH: process.env['PATH'], HOME: context.home, ...env } });
    const shell = zephyr('--', 'sh', '-c', 'echo "$PROJECT_ID $SPACK_ROOT"; exit 4');
    assert.is(shell.status, 4, shell.stderr);
    assert.is(shell.stdout, 'e2e /opt/spack_src\n');
    for (const dir of ['monorepo_home', 'spack_store', 'bazel_cache']) assert.ok(readdirSync(join(infra, 'e2e')).includes(dir), `${dir} created on the host`);

    const job = zephyr('run-job', '--', 'build', '--', 'sh', '-c', 'echo "built \\"q\\""; printf "tab\\there\\n" >&2');
    assert.is(job.status, 0, job.stderr);
    const records = join(infra, 'e2e/bazel_cache/zephyr_jobs');
    assert.match(readFileSync(join(records, 'build.status'), 'utf8'), /^state=succeeded\nexit=0\n/);
    const log = readdirSync(records).find((f) => f.endsWith('.jsonl'))!;
    const lines = readFileSync(join(records, log), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { stream: string; text: string });
    assert.equal(lines.map((l) => [l.stream, l.text]).sort(), [['stderr', 'tab\there'], ['stdout', 'built "q"']]);
  });

  e2e('seed 002 (codeopen): launch.sh runs a combination with its resources, ports and environment', () => {
    assert.is(podman('tag', 'localhost/boxwright-test:bookworm', 'localhost/codeopen-js-cloud:0.0.2').status, 0);
    const run = spawnSync('sh', [join(ROOT, 'generated/codeopen/launch.sh'), '--tier', 'starter', '--flavor', 'js', '--addons', 'cloud', '--', 'sh', '-c', 'echo "$OPENCODE_PORT $WORKSPACE"; cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes'], { encoding: 'utf8' });
    assert.is(run.status, 0, run.stderr);
    assert.is(run.stdout, `4096 /home/developer/workspace\n${2560 * 1024 * 1024}\n`, '2Gi + 512Mi');
    podman('rmi', '--force', '--ignore', 'localhost/codeopen-js-cloud:0.0.2');
  });

  e2e('seed 000 (cachyos): the stack up in both modes, Z.AI reached by name in microservices', (context) => {
    const env = { PATH: process.env['PATH'], HOME: context.home, ANTHROPIC_API_KEY: SECRET, MANAGEMENT_API_KEY: 'management' };
    const stack = (...args: string[]) => spawnSync('sh', [join(context.out, 'cachyos', 'stack.sh'), ...args], { encoding: 'utf8', env, cwd: context.home });
    const monolithic = stack('up');
    assert.is(monolithic.status, 0, monolithic.stderr);
    assert.match(stack('status').stdout, /claude-zai +bw-e2e-cachyos-zai +missing +no .*\nagentic-workstation +bw-e2e-cachyos-workstation +running +yes .*\ncomfyui +bw-e2e-cachyos-comfyui +running +yes/);
    assert.is(inContainer('bw-e2e-cachyos-workstation', 'echo "$ZAI_INTERNAL $ZAI_URL $CUDA_HOME"'), 'true http://localhost:9600 /opt/cuda\n');
    assert.is(stack('down').status, 0);

    const micro = stack('--mode', 'microservices', 'up');
    assert.is(micro.status, 0, micro.stderr);
    assert.match(micro.stderr, /claude-zai: starting\n[\s\S]*agentic-workstation: starting/, "Z.AI starts first");
    assert.is(inContainer('bw-e2e-cachyos-workstation', 'echo "$ZAI_INTERNAL $ZAI_URL"'), 'false http://claude-zai:9600\n');
    assert.match(inContainer('bw-e2e-cachyos-workstation', 'getent hosts claude-zai'), /^10\.89\.78\.\d+ +claude-zai/);
    assert.is(stack('down').status, 0);
    assert.match(stack('--mode', 'microservices', 'status').stdout, /claude-zai +bw-e2e-cachyos-zai +missing +yes/);
  });

  e2e('the launcher itself refuses to start without a required secret', (context) => {
    const result = launch(context, 'dispatch', []);
    assert.is(result.status, 1);
    assert.match(result.stderr, 'missing required settings: TOKEN');
  });
}

e2e.run();
