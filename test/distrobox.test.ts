// distrobox.ini read back the way distrobox's assemble parser reads it (comments cut at
// "#", values evaluated by a shell, repeated keys joined with "¤"), compared with the config;
// and create.sh/update.sh/status.sh in every shell against stubs.
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HOOK_MARKERS, onceHook } from '../scripts/lib/model/distrobox.ts';
import { generate, isolatedPath, remove, ROOT, runScript, SHELLS, tempDir, which, writeFiles } from './helpers.ts';

type Section = Record<string, string>;

/** Parses a manifest like distrobox assemble: the same line clean-up, then a shell sources it. */
export function readManifest(text: string, home: string): Record<string, Section> {
  const sections: Record<string, string[]> = {};
  let name = '';
  for (let line of text.split('\n')) {
    line = line
      .replace(/\t/g, ' ')
      .replace(/^#.*/, '')
      .replace(/\].*#.*/, '')
      .replace(/ #.*/, '')
      .replace(/\s*$/, '');
    if (!line) continue;
    if (line.startsWith('[')) {
      name = line.replace(/[\][ ]/g, '');
      sections[name] = [];
      continue;
    }
    const key = line.split('=')[0]!.replace(/ /g, '');
    let value = line.slice(line.indexOf('=') + 1);
    if (value === 'true') value = '1';
    if (value === 'false') value = '0';
    // Hooks travel base64-encoded: assemble only strips the quotes around them.
    if (key.endsWith('init_hooks')) value = `'${value.replace(/^"(.*)"$/, '$1').replace(/'/g, "'\\''")}'`;
    if (value.includes(' ') && !/^['"]/.test(value)) value = `"${value}"`;
    const lines = sections[name]!;
    if (lines.some((l) => l.startsWith(`${key}=`))) value = value.replace('"', `" \${${key}}¤`);
    lines.push(`${key}=${value}`);
  }
  const out: Record<string, Section> = {};
  for (const [section, lines] of Object.entries(sections)) {
    const keys = [...new Set(lines.map((l) => l.slice(0, l.indexOf('='))))];
    const script = `${lines.join('\n')}\n${keys.map((k) => `printf '%s\\0%s\\0' ${k} "$${k}"`).join('\n')}\n`;
    const result = spawnSync('sh', ['-c', script], { encoding: 'utf8', env: { HOME: home } });
    assert.is(result.status, 0, result.stderr);
    const fields = result.stdout.split('\0');
    out[section] = {};
    for (let i = 0; i + 1 < fields.length; i += 2) out[section]![fields[i]!] = fields[i + 1]!;
  }
  return out;
}

/**
 * The items of a repeated key as distrobox uses them: split at "¤". Each repetition prefixes
 * the joined value with a space, which distrobox's consumers ignore, so it is trimmed here.
 */
function _items(value: string): string[] {
  return value.split('¤').map((item, i) => (i === 0 ? item.trimStart() : item));
}

const fleets = suite<{ dir: string }>('distrobox');
fleets.before.each((context) => {
  context.dir = tempDir();
});
fleets.after.each(({ dir }) => remove(dir));

fleets('the seed fleet reads back as the config says, defaults and lists included', () => {
  const ini = readManifest(readFileSync(join(ROOT, 'generated/bazzite/distrobox.ini'), 'utf8'), '/home/yish');
  assert.equal(Object.keys(ini), ['opencode-dev', 'openclaw-dev', 'litellm-proxy', 'fedora-tools', 'bazzite-arch']);
  assert.equal(ini['opencode-dev'], {
    image: 'registry.fedoraproject.org/fedora-toolbox:43',
    init: '0',
    pull: '0',
    additional_packages: '  nodejs¤git¤gh',
    additional_flags: '--security-opt label=disable',
    init_hooks: onceHook('npm install -g bun@1.3.9 pnpm@10.29.2 typescript@5.9.3'),
    start_now: '1',
  });
  assert.is(ini['litellm-proxy']!.init_hooks, onceHook('pip install "litellm[proxy]==1.81.10"'));
  // The seed's ~/workspace/openclaw-projects, made by openclaw-dev's first init hook.
  assert.match(
    readFileSync(join(ROOT, 'generated/bazzite/distrobox.ini'), 'utf8'),
    `init_hooks="${onceHook('mkdir -p "$HOME/workspace/openclaw-projects"')}"`,
  );
  assert.is(ini['bazzite-arch']!.image, 'ghcr.io/ublue-os/bazzite-arch:latest');
  const templates = readManifest(readFileSync(join(ROOT, 'generated/bazzite/templates.ini'), 'utf8'), '/home/yish');
  assert.equal(Object.keys(templates), ['cursor-dev', 'claude-dev', 'windsurf-dev']);
});

fleets("a ~ in a host path becomes the host user's $HOME, expanded when distrobox reads it", async ({ dir }) => {
  writeFiles(dir, {
    'configs/fleet.json': JSON.stringify({
      kind: 'distrobox',
      containers: { box: { image: 'img', home: '~/boxes/box', volume: ['~/.cache:/cache'] } },
    }),
  });
  assert.is((await generate(['--quiet'], dir)).code, 0);
  const ini = readManifest(readFileSync(join(dir, 'generated/fleet/distrobox.ini'), 'utf8'), '/home/yish');
  assert.equal(ini.box, { image: 'img', home: '/home/yish/boxes/box', volume: '/home/yish/.cache:/cache' });
});

fleets('values the manifest would mangle are refused with the reason', async ({ dir }) => {
  writeFiles(dir, {
    'configs/fleet.json': JSON.stringify({
      kind: 'distrobox',
      defaults: { init_hooks: ['echo $1'] },
      containers: { a: { image: 'say "hi"', volume: ['/make #build', '/a\tb', '/x¤y', '/d\u00e4'] } },
    }),
  });
  const result = await generate([], dir);
  assert.is(result.code, 2);
  const refused = (pointer: string, key: string, reason: string) =>
    assert.match(result.err, `${pointer}  this ${key} cannot be passed to distrobox faithfully: ${reason}`);
  refused(
    '/defaults/init_hooks/0',
    'init_hooks',
    'distrobox assemble pastes these hooks between double quotes, so "$1" would be expanded on the host',
  );
  refused(
    '/containers/a/image',
    'image',
    'distrobox\'s parser evaluates values with the shell, so "\\"" would not survive',
  );
  refused('/containers/a/volume/0', 'volume', 'distrobox strips " #" and what follows as a comment');
  refused('/containers/a/volume/1', 'volume', 'distrobox turns tabs into spaces');
  refused('/containers/a/volume/2', 'volume', 'distrobox joins repeated values with "¤"');
  refused('/containers/a/volume/3', 'volume', 'distrobox splits repeated values at the bytes of "¤" (0xC2, 0xA4)');
});

/** Stubs: distrobox 1.4 (help without the newer flags) recording its argv, and podman. */
function stubs(dir: string, containers: string[] = []): string {
  const bin = join(dir, 'bin');
  writeFiles(bin, {
    distrobox: `#!/bin/sh
case "$1 $2" in
  'version '*) echo 'distrobox: 1.4.2.1'; exit 0 ;;
  'create --help') echo 'Options: --image --name --root --home --volume --additional-flags --init-hooks --pre-init-hooks --init --no-entry --clone'; exit 0 ;;
esac
printf '%s ' "$@" >>"$BW_LOG"; echo >>"$BW_LOG"
[ "$1" != enter ] || cat >>"$BW_LOG"
exit "\${BW_ENTER_EXIT:-0}"
`,
    podman: `#!/bin/sh\nfor last in "$@"; do :; done\ncase " ${containers.join(' ')} " in *" $last "*) echo 'running localhost/img'; exit 0 ;; esac\nexit 1\n`,
    sudo: '#!/bin/sh\nexec "$@"\n',
  });
  for (const tool of ['distrobox', 'podman', 'sudo']) chmodSync(join(bin, tool), 0o755);
  return bin;
}

for (const shell of SHELLS) {
  fleets(
    `${shell.name}: create.sh creates what is missing, honours --only and refuses what 1.4 cannot do`,
    async ({ dir }) => {
      writeFiles(dir, { 'configs/fleet.json': readFileSync(join(ROOT, 'test/e2e/configs/fleet.json'), 'utf8') });
      writeFiles(dir, {
        'configs/newer.json': JSON.stringify({ kind: 'distrobox', containers: { gpu: { image: 'x', nvidia: true } } }),
      });
      assert.is((await generate(['--quiet'], dir)).code, 0);
      const log = join(dir, 'log');
      const env = { PATH: isolatedPath(stubs(dir)), BW_LOG: log, HOME: '/home/u' };
      const created = runScript(shell, join(dir, 'generated/fleet/create.sh'), [], { env });
      assert.is(created.status, 0, created.stderr);
      assert.is(
        readFileSync(log, 'utf8'),
        `create --yes --name bw-e2e-box --image localhost/boxwright-test:bookworm --root --additional-flags --hostname bwbox --no-entry --volume /tmp/bw-e2e-fleet:/opt/fleet:rw --init-hooks : ;  ${onceHook('echo first >> /etc/bw-hooked;')} && ${onceHook('echo second >> /etc/bw-hooked')} && ${onceHook('test -e /opt/fleet/online && echo retried >> /etc/bw-retried')} && echo start >> /etc/bw-starts \n`,
      );
      const refused = runScript(shell, join(dir, 'generated/newer/create.sh'), [], { env });
      assert.is(refused.status, 1);
      assert.match(refused.stderr, 'gpu uses --nvidia, which distrobox 1.4.2.1 does not have');
      const unknown = runScript(shell, join(dir, 'generated/fleet/create.sh'), ['--only', 'nope'], { env });
      assert.is(unknown.status, 2);
    },
  );

  fleets(
    `${shell.name}: existing containers are kept unless --replace; update.sh reports failures`,
    async ({ dir }) => {
      writeFiles(dir, { 'configs/fleet.json': readFileSync(join(ROOT, 'test/e2e/configs/fleet.json'), 'utf8') });
      assert.is((await generate(['--quiet'], dir)).code, 0);
      const log = join(dir, 'log');
      const env = { PATH: isolatedPath(stubs(dir, ['bw-e2e-box'])), BW_LOG: log, HOME: '/home/u' };
      const kept = runScript(shell, join(dir, 'generated/fleet/create.sh'), [], { env });
      assert.match(kept.stderr, 'bw-e2e-box: exists, left as it is (--replace recreates it)');
      const replaced = runScript(shell, join(dir, 'generated/fleet/create.sh'), ['--replace', '--dry-run'], { env });
      assert.match(
        replaced.stdout,
        /^distrobox rm --root --force bw-e2e-box\ndistrobox create --yes --name bw-e2e-box /,
      );
      const failed = runScript(shell, join(dir, 'generated/fleet/update.sh'), [], {
        env: { ...env, BW_ENTER_EXIT: '5' },
      });
      assert.is(failed.status, 1);
      assert.match(failed.stdout, /bw-e2e-box +FAILED \(exit 5\)/);
      assert.match(readFileSync(log, 'utf8'), /enter --root bw-e2e-box -- sh -s \n.*elif command -v apt-get/s);
      const status = runScript(shell, join(dir, 'generated/fleet/status.sh'), [], { env });
      assert.match(status.stdout, /bw-e2e-box +running +root +localhost\/img\nbw-e2e-later +absent +root,tpl +-/);
    },
  );
}

/** A distrobox whose `enter` runs the piped script right here, with tools that record. */
function insideStubs(dir: string): string {
  const bin = join(dir, 'inside-bin');
  const record = (name: string) => `#!/bin/sh\necho "${name} $*" >>"$BW_LOG"\n`;
  writeFiles(bin, {
    // distrobox list's table (a box of the fleet, and one of the user's own), and enter.
    distrobox: `#!/bin/sh\nif [ "$1" = list ]; then printf '%s\\n' 'ID           | NAME                 | STATUS | IMAGE' 'a1b2c3d4e5f6 | app                  | Up     | img' 'f6e5d4c3b2a1 | scratch              | Up     | fedora'; exit 0; fi\n[ "$1" = enter ] || exit 9\necho "$*" >>"$BW_LOG"\nexec sh -s\n`,
    podman: '#!/bin/sh\necho running\n',
    dnf: record('dnf'),
    npm: `${record('npm')}exit "\${BW_NPM_EXIT:-0}"\n`,
    node: '#!/bin/sh\necho "v${BW_NODE:-22.22.0}"\n',
    pnpm: '#!/bin/sh\necho 10.29.2\n',
    gh: '#!/bin/sh\necho "gh version ${BW_GH:-2.86.0} (2026-01-21)"\n',
  });
  for (const tool of ['distrobox', 'podman', 'dnf', 'npm', 'node', 'gh', 'pnpm']) chmodSync(join(bin, tool), 0o755);
  for (const tool of ['id', 'head', 'sh', 'nohup', 'tail', 'rm', 'sleep', 'awk'])
    symlinkSync(which(tool), join(bin, tool));
  return bin;
}

for (const shell of SHELLS) {
  fleets(
    `${shell.name}: update.sh runs each container's update steps as root after its upgrade, then checks its pins`,
    async ({ dir }) => {
      writeFiles(dir, {
        'configs/fleet.json': JSON.stringify({
          kind: 'distrobox',
          containers: {
            app: {
              image: 'img',
              update_hooks: ['npm update -g', `echo "it's $((6 * 7))" >>"$BW_LOG"`],
              versions: {
                node: { version: '22.22.0', why: "the distribution's nodejs package, which its upgrade moves" },
                gh: '2.86.0',
                pnpm: { version: '10.29.2', install: 'npm install -g pnpm@10.29.2' },
              },
            },
          },
        }),
      });
      assert.is((await generate(['--quiet'], dir)).code, 0);
      const log = join(dir, 'log');
      const env = { PATH: isolatedPath(insideStubs(dir)), BW_LOG: log, HOME: '/home/u' };
      const update = join(dir, 'generated/fleet/update.sh');
      const updated = runScript(shell, update, [], { env });
      assert.is(updated.status, 0, updated.stderr);
      assert.match(updated.stdout, /app +upgraded/);
      assert.match(updated.stdout, 'node 22.22.0: as pinned\ngh 2.86.0: as pinned\npnpm 10.29.2: as pinned');
      // The held version is put back after the update steps, which may have moved it.
      assert.is(
        readFileSync(log, 'utf8'),
        "enter app -- sh -s\ndnf -y upgrade\nnpm update -g\nit's 42\nnpm install -g pnpm@10.29.2\n",
      );

      // --all: the box distrobox lists outside the fleet too, its packages only.
      writeFileSync(log, '');
      const all = runScript(shell, update, ['--all'], { env });
      assert.is(all.status, 0, all.stderr);
      assert.match(all.stdout, /app +upgraded\nscratch +upgraded/);
      assert.match(readFileSync(log, 'utf8'), /npm install -g pnpm@10.29.2\nenter scratch -- sh -s\ndnf -y upgrade\n$/);

      const moved = runScript(shell, update, [], { env: { ...env, BW_NODE: '23.1.0' } });
      assert.is(moved.status, 0, 'a version only noted does not fail the update');
      assert.match(moved.stdout, 'node: noted 22.22.0, found v23.1.0 (only checked)');
      assert.match(moved.stdout, /app +upgraded/);

      const drifted = runScript(shell, update, [], { env: { ...env, BW_GH: '2.87.0' } });
      assert.is(drifted.status, 1);
      assert.match(drifted.stdout, 'gh: pinned 2.86.0, found gh version 2.87.0 (2026-01-21)');
      assert.match(drifted.stdout, /app +FAILED \(pinned versions differ, see above\)/);

      writeFileSync(log, '');
      const broken = runScript(shell, update, [], { env: { ...env, BW_NPM_EXIT: '3' } });
      assert.is(broken.status, 1);
      assert.match(broken.stdout, /app +FAILED \(exit 3\)/);
      assert.not.match(readFileSync(log, 'utf8'), "it's", 'the steps after a failed one do not run');

      const status = runScript(shell, join(dir, 'generated/fleet/status.sh'), ['--versions'], {
        env: { ...env, BW_GH: '2.87.0' },
      });
      assert.is(status.status, 1);
      assert.match(status.stdout, 'app:\n  node 22.22.0: as pinned\n  gh: pinned 2.86.0, found gh version 2.87.0');
    },
  );
}

for (const shell of SHELLS) {
  fleets(
    `${shell.name}: service.sh starts a container's service in the background, reports it, shows its log and stops it`,
    async ({ dir }) => {
      writeFiles(dir, {
        'configs/fleet.json': JSON.stringify({
          kind: 'distrobox',
          containers: {
            proxy: { image: 'img', service: { command: `echo "it's serving on $((4000 + 0))"; exec sleep 60` } },
            plain: { image: 'img' },
          },
        }),
      });
      assert.is((await generate(['--quiet'], dir)).code, 0);
      const state = join(dir, 'state');
      const env = { PATH: isolatedPath(insideStubs(dir)), BW_LOG: join(dir, 'log'), HOME: dir, XDG_STATE_HOME: state };
      const service = (...args: string[]) => runScript(shell, join(dir, 'generated/fleet/service.sh'), args, { env });
      const started = service('start');
      assert.is(started.status, 0, started.stderr);
      const pidFile = join(state, 'boxwright/fleet/proxy.pid');
      const pid = Number(readFileSync(pidFile, 'utf8'));
      try {
        const log = () => readFileSync(join(state, 'boxwright/fleet/proxy.log'), 'utf8');
        assert.ok(pid > 0 && spawnSync('kill', ['-0', String(pid)]).status === 0, `the service runs: ${log()}`);
        assert.match(service('status').stdout, `proxy                    running (pid ${pid})`);
        assert.match(service('start', 'proxy').stderr, `proxy: already running (pid ${pid})`);
        waitFor(() => service('logs', 'proxy').stdout.includes("it's serving on 4000"));
        assert.is(service('stop').status, 0);
        assert.is(spawnSync('kill', ['-0', String(pid)]).status, 1, 'the service is gone');
        assert.match(service('status', 'proxy').stdout, 'proxy                    stopped');
        assert.is(service('start', 'plain').status, 2);
        assert.match(service('start', 'plain').stderr, 'plain has no service (services: proxy)');
        assert.is(service('restart', 'nope').status, 2);
      } finally {
        spawnSync('kill', ['-KILL', String(pid)]);
      }
    },
  );
}

for (const shell of SHELLS) {
  fleets(
    `${shell.name}: backup.sh archives declared home paths; restore.sh puts them back whole or not at all`,
    async ({ dir }) => {
      writeFiles(dir, {
        'configs/fleet.json': JSON.stringify({
          kind: 'distrobox',
          containers: {
            agent: { image: 'img', backup: ['~/.agent', '~/.config/agent app/'] },
            other: { image: 'img', backup: ['~/notes'] },
            plain: { image: 'img' },
          },
        }),
      });
      assert.is((await generate(['--quiet'], dir)).code, 0);
      const home = join(dir, 'home');
      writeFiles(home, {
        '.agent/config.json': '{"a":1}\n',
        '.config/agent app/state': 'one\n',
        '.config/keep': 'mine\n',
      });
      const env = { PATH: process.env.PATH!, HOME: home };
      const run = (script: string, args: string[]) =>
        runScript(shell, join(dir, `generated/fleet/${script}.sh`), args, { env });
      const archives = join(dir, 'archives');
      const backedUp = run('backup', ['--only', 'agent', archives]);
      assert.is(backedUp.status, 0, backedUp.stderr);
      const [archive, ...more] = readdirSync(archives);
      assert.equal(more, []);
      assert.match(archive!, /^agent-\d{8}-\d{6}\.tar\.gz$/);
      assert.is(run('backup', ['--only', 'plain', archives]).status, 2);
      assert.match(
        run('backup', ['--only', 'other', archives]).stderr,
        'other: ~/notes does not exist; not in the archive',
      );
      const again = run('backup', ['--only', 'agent', archives]);
      if (again.status !== 0)
        assert.match(again.stderr, 'exists; it is left as it is', 'the same second: never over an archive');

      writeFiles(home, { '.agent/config.json': '{"a":2}\n' });
      // --verify reads the archive whole, lists what it would restore, and changes nothing.
      const verified = run('restore', ['--verify', join(archives, archive!)]);
      assert.is(verified.status, 0, verified.stderr);
      assert.match(verified.stdout, '~/.agent, 1 file(s)');
      assert.match(verified.stdout, '~/.config/agent app, 1 file(s)');
      assert.match(verified.stderr, 'it can be restored');
      assert.is(readFileSync(join(home, '.agent/config.json'), 'utf8'), '{"a":2}\n', 'verify restores nothing');
      const restored = run('restore', [join(archives, archive!)]);
      assert.is(restored.status, 0, restored.stderr);
      assert.is(readFileSync(join(home, '.agent/config.json'), 'utf8'), '{"a":1}\n');
      assert.is(readFileSync(join(home, '.config/agent app/state'), 'utf8'), 'one\n');
      assert.is(readFileSync(join(home, '.config/keep'), 'utf8'), 'mine\n', 'a neighbour of a restored path stays');
      const kept = readdirSync(home).filter((name) => name.startsWith('.agent.before-restore-'));
      assert.is(kept.length, 1, 'the replaced folder is kept');
      assert.is(readFileSync(join(home, kept[0]!, 'config.json'), 'utf8'), '{"a":2}\n');

      const truncated = join(dir, 'truncated.tar.gz');
      writeFileSync(truncated, readFileSync(join(archives, archive!)).subarray(0, 60));
      const broken = run('restore', [truncated]);
      assert.is(broken.status, 1);
      assert.match(broken.stderr, 'cannot be read whole; nothing was restored');
      assert.is(run('restore', ['--verify', truncated]).status, 1, 'verify finds a truncated archive');
      const foreign = join(dir, 'foreign.tar.gz');
      writeFiles(dir, { 'foreign/.bashrc': 'evil\n' });
      assert.is(spawnSync('tar', ['-C', join(dir, 'foreign'), '-czf', foreign, '.bashrc']).status, 0);
      const refused = run('restore', [foreign]);
      assert.is(refused.status, 1);
      assert.match(refused.stderr, 'holds ~/.bashrc, which no container declares for backup; nothing was restored');
      assert.equal(
        readdirSync(home).filter((name) => name.startsWith('.boxwright-restore')),
        [],
        'no staging folder is left',
      );
    },
  );
}

function waitFor(check: () => boolean): void {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    assert.ok(Date.now() < deadline, 'timed out');
    spawnSync('sleep', ['0.05']);
  }
}

fleets('a line break in any description cannot end its comment and write a key into distrobox.ini', async ({ dir }) => {
  const injected = (where: string) => `${where}\ninit_hooks="touch /tmp/p"\r\ninit=true\rvolume="/:/host"`;
  writeFiles(dir, {
    'configs/fleet.json': JSON.stringify({
      kind: 'distrobox',
      description: injected('fleet'),
      containers: {
        box: { image: 'img:1', description: injected('box'), ports: [{ port: 80, description: injected('port') }] },
      },
    }),
  });
  const result = await generate(['--quiet'], dir);
  assert.is(result.code, 0, result.err);
  const manifest = readFileSync(join(dir, 'generated/fleet/distrobox.ini'), 'utf8');
  const keys = manifest
    .split(/\r\n|\r|\n/)
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('['));
  assert.equal(keys, ['image="img:1"'], 'only the configured key');
});

fleets(
  'an init hook runs once per container, in every shell; a failing one says so, lets the start go on, and runs again',
  ({ dir }) => {
    // The wrapper as distrobox-init evaluates it, with its markers in a folder of the test's.
    const markers = join(dir, 'markers');
    const hook = (text: string) => onceHook(text).replaceAll(HOOK_MARKERS, markers);
    const ran = join(dir, 'ran');
    const gate = join(dir, 'online');
    // As distrobox-init runs them: joined with &&, under set -e.
    const script = join(dir, 'init.sh');
    writeFiles(dir, {
      'init.sh': `set -e\n${hook(`echo once >> ${ran}`)} && ${hook(`test -e ${gate} && echo retried >> ${ran}`)} && echo started\n`,
    });
    const start = (shell: (typeof SHELLS)[number]) =>
      runScript(shell, script, [], { env: { PATH: process.env.PATH! } });
    for (const shell of SHELLS) {
      remove(markers);
      remove(ran);
      remove(gate);
      const first = start(shell);
      assert.is(first.status, 0, `${shell.name}: ${first.stderr}`);
      assert.is(first.stdout, 'started\n', shell.name);
      assert.match(first.stderr, 'boxwright: an init hook failed and runs again at the next start', shell.name);
      writeFiles(dir, { online: '' });
      const second = start(shell);
      assert.is(second.stderr, '', shell.name);
      assert.is(start(shell).stdout, 'started\n', shell.name);
      assert.is(
        readFileSync(ran, 'utf8'),
        'once\nretried\n',
        `${shell.name}: each hook ran once, the failed one again`,
      );
    }
  },
);

fleets('init hooks that cannot run on their own are refused where they are written', async ({ dir }) => {
  writeFiles(dir, {
    'configs/fleet.json': JSON.stringify({
      kind: 'distrobox',
      containers: { a: { image: 'img', init_hooks: ['make &&', '# note'], start_hooks: ['echo $SHELL'] } },
    }),
  });
  const result = await generate([], dir);
  assert.is(result.code, 2);
  assert.match(
    result.err,
    '/containers/a/init_hooks/0  an init hook runs once, on its own, so it must be a whole command',
  );
  assert.match(result.err, '/containers/a/init_hooks/1  an init hook runs once');
  assert.match(result.err, '/containers/a/start_hooks/0  this init_hooks cannot be passed to distrobox faithfully');
});

fleets.run();
