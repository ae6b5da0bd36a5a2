// Seed 001 on podman and on docker: the turbo-flow workstation's users, credentials, SSH handling,
// supervisord priorities and tmux, three identical restarts, and backup/restore.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { e2eSuite, inContainer, PREFIX, runGenerated, RUNTIMES, runtime, runtimeOk, waitFor } from './support.ts';

for (const on of RUNTIMES) {
  const e2e = e2eSuite(`e2e: seed 001 workstation (${on})`, on);
  /** A command in the container, as root or USER. */
  const box = (name: string, script: string, user?: string) => inContainer(name, script, user, on);
  const SECRET = 'sk-"e2e"\\secret';
  const PASSWORD = 'pass word 42';

  e2e('users, credentials, ssh, supervisord priorities and tmux, for real', (context) => {
    const started = runGenerated(context, 'workstation', 'launch.sh', [], {
      ANTHROPIC_API_KEY: SECRET,
      ANTHROPIC_BASE_URL: 'https://api.z.ai',
      DEVUSER_PASSWORD: PASSWORD,
    });
    assert.is(started.status, 0, started.stderr);
    const name = `${PREFIX}-workstation`;
    waitFor(
      () => /tmux-autostart +EXITED/.test(runtime(on, 'exec', name, 'supervisorctl', 'status').stdout),
      'supervisord to start every program',
    );

    const status = runtime(on, 'exec', name, 'supervisorctl', 'status').stdout;
    for (const program of ['dbus', 'sshd', 'xvnc', 'xfce4', 'management-api'])
      assert.match(status, new RegExp(`${program} +RUNNING`));
    const spawned = [...box(name, 'cat /var/log/supervisord.log').matchAll(/spawned: '([^']+)'/g)].map((m) => m[1]);
    assert.equal(
      spawned.slice(0, 6),
      ['dbus', 'sshd', 'xvnc', 'xfce4', 'management-api', 'tmux-autostart'],
      'started in priority order',
    );

    assert.is(
      box(name, 'for u in devuser gemini-user openai-user zai-user; do id "$u"; done'),
      [
        'uid=1000(devuser) gid=1000(devuser) groups=1000(devuser),29(audio),44(video),1004(wheel),1005(docker)',
        'uid=1001(gemini-user) gid=1001(gemini-user) groups=1001(gemini-user)',
        'uid=1002(openai-user) gid=1002(openai-user) groups=1002(openai-user)',
        'uid=1003(zai-user) gid=1003(zai-user) groups=1003(zai-user)',
        '',
      ].join('\n'),
    );
    const state = () =>
      box(
        name,
        'stat -c "%a %U:%G %n" /home/devuser /home/gemini-user /home/openai-user /home/zai-user /home/devuser/.config/claude /home/devuser/.config/claude/config.json /home/zai-user/.config/zai/config.json /home/devuser/.ssh /home/devuser/.ssh/id_ed25519 /home/devuser/.ssh/id_ed25519.pub; ls /etc/ssh/ssh_host_*_key; cat /etc/group /etc/sudoers.d/boxwright-*',
      );
    const first = state();
    assert.match(first, '755 devuser:devuser /home/devuser\n700 gemini-user:gemini-user /home/gemini-user');
    assert.match(
      first,
      '700 devuser:devuser /home/devuser/.config/claude\n600 devuser:devuser /home/devuser/.config/claude/config.json\n600 zai-user:zai-user /home/zai-user/.config/zai/config.json',
    );
    assert.match(
      first,
      '700 devuser:devuser /home/devuser/.ssh\n600 devuser:devuser /home/devuser/.ssh/id_ed25519\n600 devuser:devuser /home/devuser/.ssh/id_ed25519.pub',
    );
    assert.match(first, 'devuser ALL=(gemini-user,openai-user,zai-user) NOPASSWD: ALL');
    assert.equal(JSON.parse(box(name, 'cat /home/devuser/.config/claude/config.json')), { api_key: SECRET });
    assert.equal(JSON.parse(box(name, 'cat /home/zai-user/.config/zai/config.json')), {
      api_key: SECRET,
      base_url: 'https://api.z.ai',
    });
    assert.not.ok(
      box(name, 'ls -a /home/gemini-user/.config 2>/dev/null || true').includes('gemini'),
      'an optional credential without its secret is skipped',
    );
    assert.match(
      box(name, 'echo "$DISPLAY $CUDA_HOME"; ls /home/devuser/.ssh-host'),
      ':1 /opt/cuda\nid_ed25519\nid_ed25519.pub',
    );
    // The generated folder, mounted read-only: the scripts, and the units beside them.
    const mounted = box(name, 'ls /opt/boxwright').trim().split('\n');
    for (const file of ['entrypoint.sh', 'supervisord.conf', 'workspace.sh', 'launch.sh', 'workstation.container'])
      assert.ok(mounted.includes(file), `${file} in ${mounted.join(' ')}`);
    assert.is(
      box(name, 'su devuser -s /bin/sh -c "tmux list-windows -t workspace -F \'#{window_name}\'"'),
      'Claude-Main\nClaude-Agent\nServices\nDevelopment\nLogs\nSystem\nVNC-Status\nSSH-Shell\n',
    );
    assert.match(box(name, 'sudo -u devuser sudo -n -u gemini-user whoami'), 'gemini-user');
    // The seed's helpers (from canSwitchTo), and a bare supervisorctl finding these services.
    assert.is(box(name, 'as-gemini whoami', 'devuser'), 'gemini-user\n');
    assert.is(box(name, 'as-zai pwd', 'devuser'), '/home/zai-user\n');
    assert.is(box(name, 'readlink /etc/supervisord.conf'), '/opt/boxwright/supervisord.conf\n');
    assert.match(box(name, 'cd / && supervisorctl status xvnc'), /xvnc +RUNNING/);
    assert.is(
      box(name, 'cat /home/devuser/started'),
      '/home/devuser devuser devuser\n',
      "xvnc runs with devuser's HOME",
    );

    // A password changed inside the container (passwd) survives restarts: the secret did not change.
    box(name, "echo 'devuser:changed inside' | chpasswd");
    const shadow = box(name, "grep '^devuser:' /etc/shadow");
    // Idempotent: three restarts give the same state and no errors.
    for (let i = 0; i < 3; i++) {
      runtimeOk(on, 'restart', '-t', '2', name);
      waitFor(
        () => /sshd +RUNNING/.test(runtime(on, 'exec', name, 'supervisorctl', 'status').stdout),
        'supervisord after a restart',
      );
      assert.is(state(), first, `state after restart ${i + 1}`);
    }
    const logs = runtime(on, 'logs', name);
    assert.not.match(logs.stdout + logs.stderr, /entrypoint: \[[a-z]+\] error/);
    assert.is(box(name, "grep '^devuser:' /etc/shadow"), shadow, 'the password set inside is kept');
    assert.is(logs.stderr.split('set the password of devuser from its secret').length - 1, 1, 'set once, when new');
    // Fresh named volumes in the homes became their users' once; restarts did not walk them again.
    assert.is(
      box(name, 'touch ~/.claude/mine ~/models/mine && stat -c %U ~/.claude ~/models', 'devuser'),
      'devuser\ndevuser\n',
    );
    assert.is(logs.stderr.split('handing /home/devuser/.claude over to devuser').length - 1, 1);

    // No secret value on the command line the runtime recorded, or in any generated file.
    const [inspected] = JSON.parse(runtime(on, 'inspect', name).stdout) as {
      Path: string;
      Args: string[];
      // CreateCommand is podman's record of the run command; docker keeps none.
      Config: { Cmd: string[] | null; Entrypoint: string | string[]; CreateCommand?: string[] };
    }[];
    const commandLine = JSON.stringify([
      inspected!.Path,
      inspected!.Args,
      inspected!.Config.Cmd,
      inspected!.Config.Entrypoint,
      inspected!.Config.CreateCommand,
    ]);
    if (on === 'podman') assert.match(commandLine, '"--env","ANTHROPIC_API_KEY"', 'secrets are passed by name');
    for (const value of [SECRET, JSON.stringify(SECRET).slice(1, -1), PASSWORD])
      assert.not.ok(commandLine.includes(value), 'no secret value on the command line');
    // backup.sh and restore.sh (inherited from configs/turbo-flow.json): dated archives of
    // the named volumes, restored into a stopped container.
    // A colon in the folder would split a --volume spec; backup.sh mounts it with --mount.
    const archives = join(context.dir, 'backups:1');
    box(name, 'echo precious > /home/devuser/workspace/note');
    const backedUp = runGenerated(context, 'workstation', 'backup.sh', ['--force', archives]);
    assert.is(backedUp.status, 0, backedUp.stderr);
    const date = new Date().toISOString().slice(0, 10).replaceAll('-', '');
    assert.ok(
      readdirSync(archives).includes(`${PREFIX}-turbo-flow-unified_workspace-${date}.tar.gz`),
      readdirSync(archives).join(' '),
    );
    box(name, 'echo changed > /home/devuser/workspace/note');
    const refused = runGenerated(context, 'workstation', 'restore.sh', [archives, date]);
    assert.is(refused.status, 1);
    assert.match(refused.stderr, 'the container is running: stop it before restoring its volumes');
    runtimeOk(on, 'stop', '-t', '2', name);
    const restored = runGenerated(context, 'workstation', 'restore.sh', [archives, date]);
    assert.is(restored.status, 0, restored.stderr);
    runtimeOk(on, 'start', name);
    waitFor(() => runtime(on, 'exec', name, 'true').status === 0, 'the restored container');
    assert.is(box(name, 'cat /home/devuser/workspace/note'), 'precious\n');
    // A truncated archive is refused before anything in the volume changes.
    const archive = readFileSync(join(archives, `${PREFIX}-turbo-flow-unified_workspace-${date}.tar.gz`));
    writeFileSync(
      join(archives, `${PREFIX}-turbo-flow-unified_workspace-19990101.tar.gz`),
      archive.subarray(0, archive.length >> 1),
    );
    runtimeOk(on, 'stop', '-t', '2', name);
    const truncated = runGenerated(context, 'workstation', 'restore.sh', [archives, '19990101']);
    assert.is(truncated.status, 1);
    assert.match(truncated.stderr, 'turbo-flow-unified_workspace: not restored (its contents are as they were)');
    runtimeOk(on, 'start', name);
    waitFor(() => runtime(on, 'exec', name, 'true').status === 0, 'the container after a refused restore');
    assert.is(box(name, 'ls -A /home/devuser/workspace; cat /home/devuser/workspace/note'), 'note\nprecious\n');
    // An archive named as the seed named them (workspace-DATE.tar.gz), restored into the one
    // volume chosen by its short name.
    writeFileSync(join(archives, 'workspace-20241019.tar.gz'), archive);
    box(name, 'echo changed > /home/devuser/workspace/note');
    runtimeOk(on, 'stop', '-t', '2', name);
    const seedNamed = runGenerated(context, 'workstation', 'restore.sh', [archives, '20241019', 'workspace']);
    assert.is(seedNamed.status, 0, seedNamed.stderr);
    assert.match(seedNamed.stderr, `restoring ${PREFIX}-turbo-flow-unified_workspace from workspace-20241019.tar.gz`);
    assert.not.match(seedNamed.stderr, 'agents');
    runtimeOk(on, 'start', name);
    waitFor(() => runtime(on, 'exec', name, 'true').status === 0, 'the container after a seed-named restore');
    assert.is(box(name, 'cat /home/devuser/workspace/note'), 'precious\n');

    for (const file of readdirSync(join(context.out, 'workstation'))) {
      const text = readFileSync(join(context.out, 'workstation', file), 'utf8');
      assert.not.ok(text.includes(SECRET) || text.includes(PASSWORD), file);
    }
    // down removes the container and keeps its named volumes; --volumes removes them too.
    const volume = `${PREFIX}-turbo-flow-unified_workspace`;
    const down = runGenerated(context, 'workstation', 'launch.sh', ['down']);
    assert.is(down.status, 0, down.stderr);
    assert.is.not(runtime(on, 'container', 'inspect', name).status, 0);
    assert.is(runtime(on, 'volume', 'inspect', volume).status, 0, 'named volumes are kept');
    assert.is(runGenerated(context, 'workstation', 'launch.sh', ['down', '--volumes']).status, 0);
    assert.is.not(runtime(on, 'volume', 'inspect', volume).status, 0, 'down --volumes removes them');
  });

  e2e('links that users plant are never followed by root at the next start', (context) => {
    const secrets = { ANTHROPIC_API_KEY: SECRET, ANTHROPIC_BASE_URL: 'https://api.z.ai', DEVUSER_PASSWORD: PASSWORD };
    const started = runGenerated(context, 'workstation', 'launch.sh', [], secrets);
    assert.is(started.status, 0, started.stderr);
    const name = `${PREFIX}-workstation`;
    const running = () => /sshd +RUNNING/.test(runtime(on, 'exec', name, 'supervisorctl', 'status').stdout);
    waitFor(running, 'supervisord to start');
    box(name, 'mkdir -m 755 /etc/bw-victim');
    // Each user, without sudo, points a path that root writes or hands over at a root folder.
    box(
      name,
      'rm -rf ~/.config/claude ~/.ssh && ln -s /etc/bw-victim ~/.config/claude && ln -s /etc/bw-victim ~/.ssh',
      'devuser',
    );
    box(
      name,
      'rm -r ~/workspace ~/.config/zai/config.json && ln -s /opt ~/workspace && ln -s /etc/bw-victim/zai ~/.config/zai/config.json',
      'zai-user',
    );
    runtimeOk(on, 'restart', '-t', '2', name);
    waitFor(running, 'supervisord after the restart');

    assert.is(
      box(name, 'stat -c "%U:%G %a" /etc/bw-victim /opt; ls -A /etc/bw-victim'),
      'root:root 755\nroot:root 755\n',
    );
    const logs = runtime(on, 'logs', name);
    for (const link of ['/home/devuser/.config/claude', '/home/devuser/.ssh', '/home/zai-user/workspace'])
      assert.match(
        logs.stderr,
        `warning: ${link} is a symbolic link that a user owns; root does not follow it, skipped`,
      );
    // A link in place of the file itself is replaced, by its owner, with the file.
    assert.is(box(name, 'stat -c "%F %U" /home/zai-user/.config/zai/config.json'), 'regular file zai-user\n');
    assert.equal(JSON.parse(box(name, 'cat /home/zai-user/.config/zai/config.json')).base_url, 'https://api.z.ai');
    assert.is(runGenerated(context, 'workstation', 'launch.sh', ['down', '--volumes']).status, 0);
  });

  e2e.run();
}
