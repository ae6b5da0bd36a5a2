// The Quadlet importer against podman's own Quadlet cases (test/vendor/quadlet/cases, see its
// README): every .container case that Quadlet 4.9.5 accepts is imported from that folder
// (outside this project), generated, and its `## assert-podman-args` lines, Quadlet's own
// bookkeeping aside, must hold for launch.sh --dry-run up. At least 90 % of them do; the
// rest are named, with the assertion that does not hold. Our own units import back too.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { settle } from '../scripts/lib/import/cli.ts';
import { writeJsonc } from '../scripts/lib/import/jsonc.ts';
import { importQuadlet } from '../scripts/lib/import/quadlet.ts';
import { generate, readArgv, remove, ROOT, stubRuntimes, tempDir, writeFiles } from './helpers.ts';
import { execStartOf, imageConfig, quadletDryRun, runOptions, shellWords, TEST_HOME } from './quadlet-support.ts';
import { parse as parseJsonc } from 'jsonc-parser';

const CASES = join(ROOT, 'test/vendor/quadlet/cases');

/** Options as pairs "FLAG VALUE" (or FLAG), long names, `=` forms split, capabilities upper case. */
const LONG: Record<string, string> = {
  '-v': '--volume',
  '-e': '--env',
  '-p': '--publish',
  '-w': '--workdir',
  '-h': '--hostname',
  '-l': '--label',
  '-m': '--memory',
  '-u': '--user',
  '--net': '--network',
  '-d': '--detach',
};
const SWITCHES = new Set([
  '--rm',
  '--replace',
  '--detach',
  '--init',
  '--privileged',
  '--interactive',
  '--tty',
  '--read-only',
  '--read-only-tmpfs',
  '--env-host',
]);
const BOOKKEEPING = new Set(['--cidfile', '--sdnotify', '--cgroups', '--replace', '--rm', '--detach']);

function pairs(words: readonly string[]): { pairs: string[]; rest: string[] } {
  const out: string[] = [];
  let i = 0;
  for (; i < words.length && words[i]!.startsWith('-'); i++) {
    const word = words[i]!;
    const at = word.indexOf('=');
    const flag = LONG[at > 0 ? word.slice(0, at) : word] ?? (at > 0 ? word.slice(0, at) : word);
    // An option followed by another takes no value (the harness cannot know every flag's).
    const next = words[i + 1];
    const value =
      at > 0
        ? word.slice(at + 1)
        : SWITCHES.has(flag) || next === undefined || next.startsWith('-')
          ? undefined
          : words[++i];
    out.push(shownPair(flag, value));
  }
  return { pairs: out, rest: words.slice(i) as string[] };
}

/** Capabilities in upper case; a published port's protocol said (tcp when left out). */
function shownPair(flag: string, value: string | undefined): string {
  if (value === undefined) return flag;
  if (flag === '--cap-add' || flag === '--cap-drop') return `${flag} ${value.toUpperCase()}`;
  if (flag === '--publish' && !value.includes('/')) return `${flag} ${value}/tcp`;
  return `${flag} ${value}`;
}

/**
 * An assertion's words as podman's test reads them (shell quoting, then \n and \t for a line
 * break and a tab), with systemd's specifiers as launch.sh has them.
 */
function words(text: string, unit: string): string[] {
  return shellSplit(text).map((w) =>
    w
      .replaceAll('\\n', '\n')
      .replaceAll('\\t', '\t')
      .replaceAll('%N', unit)
      .replaceAll('%h', TEST_HOME)
      .replaceAll('%n', `${unit}.service`),
  );
}

/** Words as a POSIX shell splits them: quotes group, a backslash escapes (in "" only \ " $ `). */
function shellSplit(text: string): string[] {
  const out: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (c === '\\' && (quote === undefined || '\\"$`'.includes(text[i + 1] ?? '')))
      word = (word ?? '') + (text[++i] ?? '');
    else if (quote === '"' && c === '"') quote = undefined;
    else if (quote === undefined && (c === '"' || c === "'")) {
      quote = c;
      word ??= '';
    } else if (quote === undefined && /\s/.test(c)) {
      if (word !== undefined) out.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) out.push(word);
  return out;
}

/** The assertion of a case that does not hold for launch.sh's argv, if any. */
function failing(caseText: string, unit: string, argv: string[]): string | undefined {
  const run = argv.indexOf('run');
  const { pairs: have, rest } = pairs(argv.slice(run + 1));
  for (const line of caseText.split('\n')) {
    const match = /^##\s+(!?)(assert-podman-args(?:-regex|-key-val)?|assert-podman-final-args)\s+(.*)$/.exec(line);
    if (!match) continue;
    const [, negated, kind, text] = match;
    const expected = words(text!, unit);
    let holds: boolean;
    if (kind === 'assert-podman-final-args') {
      // The image and command, after the options that some cases list too.
      const { pairs: options, rest: tail } = pairs(expected[0] === 'run' ? expected.slice(1) : expected);
      holds =
        options.every((p) => BOOKKEEPING.has(p.split(' ')[0]!) || have.includes(p)) &&
        tail.every((w, i) => rest.at(i - tail.length) === w);
    } else if (kind === 'assert-podman-args-key-val') {
      const [flag, separator, list] = expected;
      const want = new Set(list!.split(separator!));
      holds = have.some(
        (p) =>
          p.startsWith(`${LONG[flag!] ?? flag} `) &&
          sameSet(new Set(p.slice(p.indexOf(' ') + 1).split(separator!)), want),
      );
    } else {
      const wanted = pairs(expected).pairs.filter((p) => !BOOKKEEPING.has(p.split(' ')[0]!));
      if (wanted.length === 0) continue;
      holds =
        kind === 'assert-podman-args'
          ? wanted.every((p) => have.includes(p))
          : wanted.every((p) => have.some((h) => new RegExp(`^${p}$`).test(h)));
    }
    if (holds === (negated === '!')) return line;
  }
  return undefined;
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

test('Quadlet’s own .container cases: imported, and their run options in launch.sh up', async () => {
  const dir = tempDir();
  try {
    // Quadlet converts the cases as it finds them (the .volume and .network ones they name beside them).
    // Named as podman's test names its folder, which some cases' regular expressions expect.
    const cases = join(dir, 'podman_test', 'quadlet');
    cpSync(CASES, cases, { recursive: true });
    const accepted = [...quadletDryRun(cases).services.keys()].map((s) => s.replace(/\.service$/, ''));
    const containers = readdirSync(cases)
      .filter((f) => f.endsWith('.container'))
      .map((f) => f.replace(/\.container$/, ''))
      .filter((name) => accepted.includes(name));
    assert.ok(containers.length > 60, `Quadlet accepts most of the cases (${containers.length})`);
    const repository = join(dir, 'repository');
    const refused: string[] = [];
    const imported: string[] = [];
    for (const name of containers) {
      const file = join(cases, `${name}.container`);
      try {
        const set = { main: importQuadlet(readFileSync(file, 'utf8'), file, { file, repository }), others: [] };
        settle(set, name, repository);
        writeFiles(repository, { [`configs/${name}.jsonc`]: writeJsonc(set.main.config, set.main.remarks, []) });
        imported.push(name);
      } catch (error) {
        refused.push(`${name}: ${(error as Error).message}`);
      }
    }
    const generated = await generate(['--quiet'], repository);
    assert.is(generated.code, 0, generated.err);
    // A stub podman records what up runs (a value may hold a line break, which a dry run's line would split).
    const argvFile = join(dir, 'argv');
    const env = {
      PATH: `${stubRuntimes(dir, ['podman'])}:/usr/bin:/bin`,
      HOME: TEST_HOME,
      BW_ARGV_FILE: argvFile,
      BW_STUB_IMAGE: imageConfig('', [], ['sh'], []),
    };
    const wrong: string[] = [];
    for (const name of imported) {
      writeFileSync(argvFile, '');
      const up = spawnSync('sh', [join(repository, 'generated', name, 'launch.sh'), 'up', '--no-wait'], {
        encoding: 'utf8',
        env,
        cwd: repository,
      });
      let argv = readArgv(argvFile);
      if (/does not exist \(it is mounted into the container\)/.test(up.stderr)) {
        // A host folder the case names but this host lacks: the dry run says what up would run.
        const dry = spawnSync('sh', [join(repository, 'generated', name, 'launch.sh'), '--dry-run', 'up'], {
          encoding: 'utf8',
          env,
          cwd: repository,
        });
        const line = dry.stdout.split('\n').find((l) => l.startsWith('podman run '));
        if (line) argv = shellWords(line);
      }
      if (argv[1] !== 'run') {
        wrong.push(`${name}: launch.sh up: ${up.stderr.trim()}`);
        continue;
      }
      const failed = failing(readFileSync(join(cases, `${name}.container`), 'utf8'), name, argv);
      if (failed) wrong.push(`${name}: ${failed}`);
    }
    const passing = imported.length - wrong.length;
    const share = passing / containers.length;
    process.stderr.write(
      `Quadlet cases: ${passing} of ${containers.length} accepted .container cases hold (${Math.round(share * 100)} %); refused: ${refused.length}, not holding: ${wrong.length}\n${[...refused, ...wrong].map((l) => `  ${l}`).join('\n')}\n`,
    );
    for (const line of refused) assert.match(line, /[A-Z][A-Za-z]+=|line \d+/, 'a refusal names the key or the line');
    assert.ok(share >= 0.9, `at least 90 % hold: ${passing} of ${containers.length}`);
  } finally {
    remove(dir);
  }
});

test('a folder of units is a stack: Requires= is the start order, the .network the stack’s, each member what its unit runs', async () => {
  const dir = tempDir();
  try {
    const units = join(dir, 'elsewhere', 'units');
    writeFiles(units, {
      'app.network': '[Network]\nNetworkName=app-net\n',
      'data.volume': '[Volume]\nVolumeName=app-data\n',
      'db.container':
        '[Container]\nImage=localhost/db:1\nContainerName=app-db\nNetwork=app.network\nPodmanArgs=--network-alias db\nVolume=data.volume:/var/lib/db\nEnvironment=MODE=primary\nHealthCmd=pg_isready\n',
      'web.container':
        '[Unit]\nRequires=db.service\nAfter=db.service\n[Container]\nImage=localhost/web:1\nContainerName=app-web\nNetwork=app.network\nPublishPort=8080:80\nVolume=./static:/srv:ro\nExec=serve --port 80\n[Service]\nRestart=always\n',
    });
    const repository = join(dir, 'repository');
    mkdirSync(repository, { recursive: true });
    const { importMain } = await import('../scripts/lib/import/cli.ts');
    let err = '';
    const code = await importMain(['quadlet', units, '--name', 'app'], repository, {
      out: () => {},
      err: (t) => (err += t),
    });
    assert.is(code, 0, err);
    const stack = parseJsonc(readFileSync(join(repository, 'configs/app.jsonc'), 'utf8')) as Record<string, unknown>;
    assert.equal(stack.network, { name: 'app-net' });
    assert.equal(stack.members, { db: { config: 'app-db' }, web: { config: 'app-web', dependsOn: { db: 'started' } } });
    const generated = await generate(['--quiet'], repository);
    assert.is(generated.code, 0, generated.err);
    const env = { PATH: `${stubRuntimes(dir, ['podman'])}:/usr/bin:/bin`, HOME: TEST_HOME, BW_ARGV_FILE: '/dev/null' };
    const dry = spawnSync('sh', [join(repository, 'generated/app/stack.sh'), '--dry-run', 'up'], {
      encoding: 'utf8',
      env,
    });
    assert.is(dry.status, 0, dry.stderr);
    const lines = dry.stdout.trim().split('\n');
    assert.is(lines[0], 'podman network create app-net');
    const { services } = quadletDryRun(units);
    for (const [i, unit] of ['db', 'web'].entries()) {
      const fromUnit = runOptions(execStartOf(services.get(`${unit}.service`)!, unit));
      const fromStack = runOptions(shellWords(lines[i + 1]!));
      // launch.sh's own: its labels (the lifecycle verbs find the container by them) and open input.
      fromStack.options = fromStack.options.filter(
        (o) => o !== '--interactive' && !o.startsWith('--label io.boxwright.'),
      );
      assert.equal(fromStack, fromUnit, unit);
    }
  } finally {
    remove(dir);
  }
});

test.run();
