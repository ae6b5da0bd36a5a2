// Every text value boxwright writes for distrobox goes through the real distrobox, in dash:
// distrobox.ini through assemble 1.8.2.5 and its create, create.sh through create 1.4.2.1,
// against a podman and a `distrobox enter` that record their argv. What they receive must be
// what the config said; a value the generator refuses must never get that far. Random values
// come from an alphabet of everything a shell or the manifest parser treats specially.
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import { onceHook } from '../scripts/lib/model/distrobox.ts';
import { assemble, DASH, lab, recorded } from './distrobox-lab.ts';
import { generate, propertyRuns, remove, ROOT, setupSuite, tempDir, writeFiles } from './helpers.ts';

interface Box {
  image: string;
  home?: string;
  hostname?: string;
  volume?: string[];
  additional_flags?: string[];
  additional_packages?: string[];
  init_hooks?: string[];
  pre_init_hooks?: string[];
  exported_apps?: string[];
  exported_bins?: string[];
  exported_bins_path?: string;
  /** The host's values of $NAME in the init hooks, where the host expands them (no hook holds a "). */
  hostValues?: Record<string, string>;
}

/** A hook as the host gives it: its wrapper made from the text as written, then expanded. */
function onHost(hook: string, values: Record<string, string> = {}): string {
  return Object.entries(values).reduce((text, [name, value]) => text.replaceAll(`$${name}`, value), hook);
}

/** The hook text distrobox-init evaluates: `$*`, split at blanks and rejoined by `eval ${hook}`. */
function evaluated(text: string): string {
  return text
    .split(/[ \t\n]+/)
    .filter(Boolean)
    .join(' ');
}

/** What the container should evaluate: assemble's joining, with each hook exactly as written. */
function joined(hooks: string[]): string {
  const words = [': ;'];
  hooks.forEach((hook, i) => {
    if (i > 0 && !/(;|&&)$/.test(hooks[i - 1]!)) words.push('&&');
    words.push(hook);
  });
  return words.join(' ');
}

/** The value of a flag, at its first occurrence or (podman's reading of a repeated flag) its last. */
function after(argv: string[], flag: string, occurrence: 'first' | 'last' = 'first'): string | undefined {
  const at = occurrence === 'first' ? argv.indexOf(flag) : argv.lastIndexOf(flag);
  return at < 0 ? undefined : argv[at + 1];
}

function containsRun(argv: string[], run: string[]): boolean {
  return argv.some((_, i) => run.every((word, j) => argv[i + j] === word));
}

/** Checks one box's podman argv and `distrobox enter` calls against its config. */
function checkBox(name: string, box: Box, commands: string[][], version: '1.8' | '1.4', home: string): void {
  const creates = commands.filter((c) => c[0] === 'podman' && after(c, '--name') === name);
  assert.is(creates.length, 1, `${version} ${name}: one podman create`);
  const argv = creates[0]!;
  const where = `${version} ${name}: ${JSON.stringify(argv)}`;
  assert.is(argv[argv.indexOf('/usr/bin/entrypoint') + 1], box.image, where);
  const volumes = argv.flatMap((word, i) => (argv[i - 1] === '--volume' ? [word] : []));
  for (const volume of box.volume ?? []) assert.ok(volumes.includes(volume), `${where}\nvolume ${volume}`);
  if (box.home) assert.ok(argv.includes(`HOME=${box.home.replace(/(.)\/+$/, '$1')}`), `${where}\nhome ${box.home}`);
  if (box.hostname) assert.is(after(argv, '--hostname', 'last'), box.hostname, where);
  for (const flags of box.additional_flags ?? []) assert.ok(containsRun(argv, flags.split(' ')), `${where}\n${flags}`);
  if (box.additional_packages)
    assert.equal(
      after(argv, '--additional-packages')!.split(' ').filter(Boolean),
      box.additional_packages.flatMap((p) => p.split(' ')),
      where,
    );
  const hooks = argv.slice(argv.lastIndexOf('--') + 1).join(' ');
  // Each init hook arrives wrapped to run once per container (onceHook).
  assert.is(
    evaluated(hooks),
    box.init_hooks ? joined(box.init_hooks.map((hook) => onHost(onceHook(hook), box.hostValues))) : '',
    where,
  );
  const preHooks = after(argv, '--pre-init-hooks') ?? '';
  assert.is(evaluated(preHooks), box.pre_init_hooks ? joined(box.pre_init_hooks) : '', where);
  const exports = commands
    .filter((c) => c[0] === 'distrobox' && c[1] === 'enter' && c.includes(name) && c.includes('distrobox-export'))
    .map((c) => c.slice(c.indexOf('distrobox-export') + 1));
  const exportPath = box.exported_bins_path ?? join(home, '.local/bin');
  assert.equal(
    exports,
    [
      ...(box.exported_apps ?? []).flatMap((a) => a.split(' ')).map((app) => ['--app', app]),
      ...(box.exported_bins ?? [])
        .flatMap((b) => b.split(' '))
        .map((bin) => ['--bin', bin, '--export-path', exportPath]),
    ],
    where,
  );
}

/** Characters that shells, distrobox's manifest clean-up or its "¤" splitting treat specially. */
const NASTY = [...'abcXZ019 -_./:=,;&|\'"!?*[](){}<>@%+~#$`\\éä¤°\t'];
const PLAIN = [...'abcdefXYZ0189-_./:=@+,'];
const text = (unit: string[]) => fc.string({ unit: fc.constantFrom(...unit), minLength: 1, maxLength: 12 });
const plain = text(PLAIN);
/** Mostly plausible values, each with a chance of one character that something treats specially. */
const value = fc.oneof(
  { weight: 3, arbitrary: plain },
  { weight: 3, arbitrary: fc.array(plain, { minLength: 2, maxLength: 3 }).map((w) => w.join(' ')) },
  {
    weight: 2,
    arbitrary: fc.tuple(plain, text([...PLAIN, ' ', '$', '*', '[', ']', "'"])).map(([a, b]) => `${a} "${b}"`),
  },
  { weight: 3, arbitrary: fc.tuple(plain, fc.constantFrom(...NASTY), plain).map(([a, c, b]) => a + c + b) },
  { weight: 1, arbitrary: text(NASTY) },
);
const list = fc.array(value, { minLength: 1, maxLength: 3 });

function boxArbitrary(home: string) {
  const keys = {
    home: value.map((h) => `${home}/${h}`),
    hostname: fc.constantFrom('box', 'dev.local'),
    volume: list,
    additional_flags: list,
    additional_packages: list,
    init_hooks: list,
    pre_init_hooks: list,
    exported_apps: list,
    exported_bins: list,
    exported_bins_path: value.map((p) => `${home}/${p}`),
  };
  return fc
    .tuple(
      fc.oneof({ weight: 4, arbitrary: plain }, value),
      fc.subarray(Object.keys(keys) as (keyof typeof keys)[], { maxLength: 3 }),
      fc.record(keys),
    )
    .map(([image, chosen, all]): Box => ({ image, ...Object.fromEntries(chosen.map((key) => [key, all[key]])) }));
}

const carry = setupSuite<{ dir: string; lab: string }>('distrobox carry');
carry.before((context) => {
  context.dir = tempDir();
  chmodSync(context.dir, 0o755);
  context.lab = lab(join(context.dir, 'lab'));
});
carry.after(({ dir }) => remove(dir));

carry('values that pass the generator reach podman and distrobox-export exactly, in 1.8 and 1.4', async (context) => {
  const work = join(context.dir, 'work');
  let accepted = 0;
  let refused = 0;
  const runs = propertyRuns(6, 2);
  await fc.assert(
    fc.asyncProperty(
      fc.array(boxArbitrary(join(context.lab, 'home')), { minLength: 6, maxLength: 10 }),
      async (list) => {
        remove(work);
        const boxes = new Map(list.map((box, i) => [`b${i}`, box]));
        const refusedNow = new Set<string>();
        while (boxes.size > 0) {
          writeFiles(work, {
            'configs/fleet.json': JSON.stringify({ kind: 'distrobox', containers: Object.fromEntries(boxes) }),
          });
          const result = await generate(['--quiet', '--force'], work);
          if (result.code === 0) break;
          assert.is(result.code, 2, result.err);
          const named = new Set([...result.err.matchAll(/\/containers\/(b\d+)\//g)].map((m) => m[1]!));
          assert.ok(named.size > 0, result.err);
          for (const name of named) {
            boxes.delete(name);
            refusedNow.add(name);
          }
        }
        refused += refusedNow.size;
        accepted += boxes.size;
        if (boxes.size === 0) return;
        const out = join(work, 'generated/fleet');
        const assembled = assemble(context.lab, join(out, 'distrobox.ini'));
        for (const [name, box] of boxes) checkBox(name, box, assembled, '1.8', join(context.lab, 'home'));
        // create.sh on 1.4 stops at a key that distrobox 1.4 lacks: only boxes without one.
        const old = [...boxes].filter(([, box]) => !box.additional_packages);
        if (old.length === 0) return;
        const created = recorded(
          context.lab,
          [join(out, 'create.sh'), ...old.flatMap(([name]) => ['--only', name])],
          '14',
          join(work, 'configs/fleet.json'),
        );
        for (const [name, box] of old) checkBox(name, box, created, '1.4', join(context.lab, 'home'));
      },
    ),
    { numRuns: runs },
  );
  // A property that refused everything would prove nothing; one that refused most of what it
  // drew would prove little (judged over enough samples, not over the fast loop's two).
  assert.ok(accepted > 0, `accepted ${accepted}, refused ${refused}`);
  if (runs >= 6) assert.ok(accepted * 3 >= refused, `accepted ${accepted}, refused ${refused}`);
});

carry("the seed fleet's hooks reach the container as written, quotes included", (context) => {
  const out = join(ROOT, 'generated/bazzite');
  const assembled = assemble(context.lab, join(out, 'distrobox.ini'));
  const litellm: Box = {
    image: 'registry.fedoraproject.org/fedora-toolbox:43',
    init_hooks: ['pip install "litellm[proxy]==1.81.10"'],
    additional_flags: ['--security-opt label=disable'],
    additional_packages: ['python3', 'python3-pip'],
  };
  checkBox('litellm-proxy', litellm, assembled, '1.8', join(context.lab, 'home'));
  // $HOME reaches the container unexpanded: the box's hooks hold double quotes.
  const opencode: Box = {
    image: 'registry.fedoraproject.org/fedora-toolbox:43',
    init_hooks: [
      'mkdir -p "$HOME/workspace/opencode-projects" "$HOME/opencode-manager"',
      'npm install -g bun@1.3.9 pnpm@10.29.2 typescript@5.9.3',
    ],
    additional_flags: ['--security-opt label=disable'],
    additional_packages: ['nodejs', 'git', 'gh'],
  };
  checkBox('opencode-dev', opencode, assembled, '1.8', join(context.lab, 'home'));
  assert.is(assembled.filter((c) => c[0] === 'podman').length, 5);
});

carry(
  '$HOME, $USER and $PATH in values and hooks reach podman as the host expands them, through assemble 1.8 and create.sh on 1.4',
  async (context) => {
    const work = join(context.dir, 'host-values');
    const home = join(context.lab, 'home');
    const box = {
      image: 'img',
      home: '/srv/$USER/box',
      volume: ['$HOME/.cache:/cache', '${HOME}/data:/data'],
      additional_flags: ['--env PATH=/opt/tools/bin:$PATH'],
      // No hook holds a ": assemble pastes them between double quotes, and the host expands $HOME.
      init_hooks: ['sudo sh $HOME/.config/distrobox/gh.sh'],
    };
    writeFiles(work, { 'configs/fleet.json': JSON.stringify({ kind: 'distrobox', containers: { hv: box } }) });
    const generated = await generate(['--quiet', '--force'], work);
    assert.is(generated.code, 0, generated.err);
    const expected: Box = {
      image: 'img',
      home: '/srv/tester/box',
      volume: [`${home}/.cache:/cache`, `${home}/data:/data`],
      // The host's PATH, which the lab runs assemble and create.sh with.
      additional_flags: [`--env PATH=/opt/tools/bin:${join(context.lab, 'bin')}:/usr/bin:/bin`],
      init_hooks: ['sudo sh $HOME/.config/distrobox/gh.sh'],
      hostValues: { HOME: home },
    };
    const out = join(work, 'generated/fleet');
    checkBox('hv', expected, assemble(context.lab, join(out, 'distrobox.ini')), '1.8', home);
    const created = recorded(context.lab, [join(out, 'create.sh')], '14', join(work, 'configs/fleet.json'));
    checkBox('hv', expected, created, '1.4', home);

    writeFiles(work, {
      'configs/fleet.json': JSON.stringify({
        kind: 'distrobox',
        containers: { hv: { image: 'img', volume: ['$UID:/x'] } },
      }),
    });
    const refused = await generate(['--quiet', '--force'], work);
    assert.is(refused.code, 2);
    assert.match(
      refused.err,
      '"$UID" would be expanded by distrobox\'s parser on the host; only $HOME, $USER, $PATH and the fleet\'s variables are carried',
    );
  },
);

carry(
  "the fleet's own variables: the caller's value, else the default, through assemble 1.8 and create.sh on 1.4; one without a default stops both",
  async (context) => {
    const work = join(context.dir, 'fleet-variables');
    const home = join(context.lab, 'home');
    writeFiles(work, {
      'configs/fleet.json': JSON.stringify({
        kind: 'distrobox',
        variables: { PROJECT: { default: 'alpha' }, DATA: { description: 'where the data is' } },
        containers: { fv: { image: 'img', home: '~/boxes/$PROJECT', volume: ['${DATA}/${PROJECT}:/data'] } },
      }),
    });
    const generated = await generate(['--quiet', '--force'], work);
    assert.is(generated.code, 0, generated.err);
    const out = join(work, 'generated/fleet');
    for (const [env, project] of [
      [{ DATA: '/srv/data' }, 'alpha'],
      [{ DATA: '/srv/data', PROJECT: 'beta' }, 'beta'],
    ] as const) {
      const expected: Box = { image: 'img', home: `${home}/boxes/${project}`, volume: [`/srv/data/${project}:/data`] };
      checkBox('fv', expected, assemble(context.lab, join(out, 'distrobox.ini'), env), '1.8', home);
      const created = recorded(context.lab, [join(out, 'create.sh')], '14', join(work, 'configs/fleet.json'), env);
      checkBox('fv', expected, created, '1.4', home);
    }
    for (const command of [
      [join(context.lab, '18/distrobox-assemble'), 'create', '--file', join(out, 'distrobox.ini')],
      [join(out, 'create.sh')],
    ]) {
      const stopped = spawnSync(DASH, command, {
        encoding: 'utf8',
        env: {
          PATH: `${join(context.lab, 'bin')}:/usr/bin:/bin`,
          HOME: home,
          USER: 'tester',
          DBX_CONTAINER_MANAGER: 'podman',
          DBX_NON_INTERACTIVE: '1',
        },
      });
      assert.is.not(stopped.status, 0, command.join(' '));
      assert.match(stopped.stderr, 'DATA is not set');
    }
  },
);

carry.run();
