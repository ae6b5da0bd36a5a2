// workspace.sh against a real tmux server of its own: window names, the start directory and
// the typed commands arrive as the config wrote them, whatever tmux would otherwise read in
// them (#{formats}, a final ";", key names like Enter). Each pane's shell is `cat`, so what
// was typed lands in a file.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { generate, propertyRuns, remove, tempDir, which, writeFiles } from './helpers.ts';

const TMUX = which('tmux');

const workspace = suite<{ dir: string }>('workspace');
workspace.before.each((context) => {
  context.dir = tempDir();
});
workspace.after.each(({ dir }) => {
  spawnSync(TMUX, ['kill-server'], { env: { TMUX_TMPDIR: join(dir, 'tmux') } });
  remove(dir);
});

function waitFor(check: () => boolean, what: string): void {
  // Generous: under a full parallel test run a pane's shell can take seconds to start.
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    spawnSync('sleep', ['0.05']);
  }
}

const printable = fc.string({
  unit: fc.constantFrom(...[...'ab Z9#{}();\\\'"$%-_/.:=,']),
  minLength: 1,
  maxLength: 14,
});
const text = fc.oneof(printable, fc.constantFrom('Enter', 'C-c', 'Escape', 'x;', 'a\\;', '#{pane_id}', '##'));

workspace('window names, the directory and typed commands reach tmux as written', async ({ dir }) => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record(
          {
            name: text,
            command: text,
            panes: fc.array(fc.oneof(text, fc.constant('')), { minLength: 1, maxLength: 3 }),
            layout: fc.constantFrom('even-horizontal', 'even-vertical', 'main-horizontal', 'main-vertical', 'tiled'),
          },
          { requiredKeys: ['name', 'command'] },
        ),
        { minLength: 1, maxLength: 3 },
      ),
      printable,
      async (windows, folder) => {
        const here = join(dir, `run-${run++}`);
        const directory = join(here, 'work', folder.replaceAll('/', '_').replace(/^\.+$/, 'dots'));
        const typed = join(here, 'typed');
        for (const path of [directory, typed, join(here, 'tmux'), join(here, 'home')])
          mkdirSync(path, { recursive: true });
        const shell = join(here, 'shell');
        writeFileSync(shell, `#!/bin/sh\nexec cat >"${typed}/\${TMUX_PANE#%}"\n`);
        chmodSync(shell, 0o755);
        writeFiles(here, {
          'configs/box.json': JSON.stringify({
            kind: 'environment',
            image: 'x',
            workspace: { session: 'main', directory, windows },
          }),
        });
        const result = await generate(['--quiet'], here);
        assert.is(result.code, 0, result.err);
        const env = {
          PATH: process.env.PATH!,
          HOME: join(here, 'home'),
          SHELL: shell,
          TMUX_TMPDIR: join(here, 'tmux'),
        };
        try {
          const started = spawnSync('dash', [join(here, 'generated/box/workspace.sh')], { env, encoding: 'utf8' });
          assert.is(started.status, 0, started.stderr);
          // Every pane of the session, in window order and, within a window, in creation
          // order (pane ids grow as panes are made; layouts move panes, not ids).
          const list = () =>
            spawnSync(
              TMUX,
              [
                'list-panes',
                '-s',
                '-t',
                '=main',
                '-F',
                '#{window_index}|#{pane_id}|#{pane_current_path}|#{window_name}',
              ],
              { env, encoding: 'utf8' },
            );
          // tmux reads a pane's folder from its foreground process, which a pane just made may
          // not have yet (the path is empty then): asked again until every pane has one.
          let listed = list();
          waitFor(() => {
            listed = list();
            return !listed.stdout.split('\n').some((line) => line.split('|')[2] === '' && line !== '');
          }, 'every pane’s folder');
          const panes = listed.stdout
            .replace(/\n$/, '')
            .split('\n')
            .map((line) => line.split('|'))
            .map(([window, pane, path, ...name]) => ({
              window: Number(window),
              id: Number(pane!.slice(1)),
              path,
              name: name.join('|'),
            }))
            .sort((a, b) => a.window - b.window || a.id - b.id);
          const expected = windows.flatMap((w) =>
            [w.command, ...(w.panes ?? [])].map((command) => ({ name: w.name, command })),
          );
          assert.equal(
            panes.map((p) => p.name),
            expected.map((p) => p.name),
            `${listed.stdout}${listed.stderr}`,
          );
          for (const [i, pane] of panes.entries()) {
            assert.is(pane.path, directory);
            const file = join(typed, String(pane.id));
            const command = expected[i]!.command;
            if (!command) continue;
            waitFor(() => existsSync(file) && readFileSync(file, 'utf8').endsWith('\n'), `what pane ${i} typed`);
            assert.is(readFileSync(file, 'utf8'), `${command}\n`);
          }
        } finally {
          spawnSync(TMUX, ['kill-server'], { env });
        }
      },
    ),
    {
      numRuns: propertyRuns(15),
      // fast-check's own report leaves out what the failing assertion said: its message, and
      // the values uvu keeps beside it (which pane, what it had).
      reporter: (details) => {
        if (!details.failed) return;
        const error = details.errorInstance as (Error & { actual?: unknown; expects?: unknown }) | undefined;
        const values =
          error && 'expects' in error
            ? `\nexpected ${JSON.stringify(error.expects)}, got ${JSON.stringify(error.actual)}`
            : '';
        throw new Error(`${fc.defaultReportMessage(details)}\n${String(error?.message)}${values}`);
      },
    },
  );
});

workspace('a second run leaves an existing session of that exact name alone, and only that one', async ({ dir }) => {
  writeFiles(dir, {
    'configs/box.json': JSON.stringify({
      kind: 'environment',
      image: 'x',
      workspace: { session: 'main', windows: [{ name: 'one' }] },
    }),
  });
  assert.is((await generate(['--quiet'], dir)).code, 0);
  const env = { PATH: process.env.PATH!, HOME: dir, SHELL: '/bin/sh', TMUX_TMPDIR: join(dir, 'tmux') };
  mkdirSync(env.TMUX_TMPDIR);
  spawnSync(TMUX, ['-f', '/dev/null', 'new-session', '-d', '-s', 'mainframe'], { env });
  const first = spawnSync('dash', [join(dir, 'generated/box/workspace.sh')], { env, encoding: 'utf8' });
  assert.match(first.stderr, 'session main is ready');
  const again = spawnSync('dash', [join(dir, 'generated/box/workspace.sh')], { env, encoding: 'utf8' });
  assert.match(again.stderr, 'session main already exists');
  const sessions = spawnSync(TMUX, ['list-sessions', '-F', '#{session_name}'], { env, encoding: 'utf8' });
  assert.equal(sessions.stdout.trim().split('\n').sort(), ['main', 'mainframe']);
});

workspace("a user's own ~/.config/tmux-autostart.sh wins over the generated layout", async ({ dir }) => {
  writeFiles(dir, {
    'configs/box.json': JSON.stringify({
      kind: 'environment',
      image: 'x',
      workspace: { session: 'main', windows: [{ name: 'one' }] },
    }),
    'home/.config/tmux-autostart.sh': `#!/bin/sh\nexec ${TMUX} -f /dev/null new-session -d -s own\n`,
  });
  chmodSync(join(dir, 'home/.config/tmux-autostart.sh'), 0o755);
  assert.is((await generate(['--quiet'], dir)).code, 0);
  const env = { PATH: process.env.PATH!, HOME: join(dir, 'home'), SHELL: '/bin/sh', TMUX_TMPDIR: join(dir, 'tmux') };
  mkdirSync(env.TMUX_TMPDIR);
  const started = spawnSync('dash', [join(dir, 'generated/box/workspace.sh')], { env, encoding: 'utf8' });
  assert.is(started.status, 0, started.stderr);
  assert.match(started.stderr, 'instead of the generated layout');
  const sessions = spawnSync(TMUX, ['list-sessions', '-F', '#{session_name}'], { env, encoding: 'utf8' });
  assert.is(sessions.stdout, 'own\n');
});

workspace.run();
