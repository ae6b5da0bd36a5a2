// The key table's round trip, as a property: for random configs of the table's run-option
// keys, drawn from the schema's own types and patterns, every format that can hold a key gives
// it back unchanged when its output is read again:
// - config → devcontainer.json → the devcontainer importer → the same keys;
// - config → launch.sh --dry-run → its argv read through the table → the same keys;
// - config → compose.yaml → the compose importer → the same keys;
// - config → kube.yaml: each key the Kubernetes column names a field for is there, and each
//   it cannot hold is warned about, with the table's reason.
// Seeded: the seed is printed on failure (BOXWRIGHT_SEED=N repeats a run).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse as parseYaml } from 'yaml';
import { importCompose } from '../scripts/lib/import/compose.ts';
import { importDevcontainer } from '../scripts/lib/import/devcontainer.ts';
import { importQuadlet } from '../scripts/lib/import/quadlet.ts';
import { getKey, OPTION_ROWS, type OptionRow, readOption, rowOfFlag, takesValue } from '../scripts/lib/keys/options.ts';
import { cannot, keyName } from '../scripts/lib/keys/row.ts';
import { parseSize } from '../scripts/lib/model/size.ts';
import {
  generate,
  isolatedPath,
  propertyRuns,
  remove,
  ROOT,
  SHELLS,
  stubRuntimes,
  tempDir,
  writeFiles,
} from './helpers.ts';
import { quadletExecStart } from './quadlet-support.ts';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };
type Schema = { [key: string]: unknown };

const SCHEMA = JSON.parse(readFileSync(join(ROOT, 'schemas/environment.schema.json'), 'utf8')) as Schema;
const DEFS = SCHEMA.$defs as Record<string, Schema>;

/** The keys the property draws: the table's run options (the coded rows have tests of their own). */
const ROWS = OPTION_ROWS;

/** A row's schema fragment, found by its key. */
function fragment(key: string): Schema {
  let at: Schema = SCHEMA;
  for (const part of key.slice(1).split('/')) at = (at.properties as Record<string, Schema>)[part]!;
  return at;
}

function resolved(schema: Schema): Schema {
  const ref = schema.$ref as string | undefined;
  return ref ? { ...DEFS[ref.replace('#/$defs/', '')]!, ...schema, $ref: undefined } : schema;
}

/** Text as people write it in any string field: quotes, spaces, $$ (a literal $), unicode. */
const text = fc.string({
  unit: fc.constantFrom(...[...'abcXYZ019 _-./:,=@\'"\\`!*?[]{}()<>|&;~#%+\u00e9'], '$$'),
  minLength: 1,
  maxLength: 12,
});

/** Text a config file can hold: no NUL, no lone surrogate. */
function holdable(text: string): boolean {
  return !text.includes('\0') && !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/** Values of a schema fragment: its enum, its pattern, its type's range. */
function arbitrary(schema: Schema, key: string): fc.Arbitrary<Json> {
  const s = resolved(schema);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as Json[]));
  switch (s.type) {
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: (s.minimum as number) ?? 0, max: Math.min((s.maximum as number) ?? 100000, 100000) });
    case 'number':
      return fc.integer({ min: 1, max: 640 }).map((n) => n / 10);
    case 'array':
      return fc.array(arbitrary(s.items as Schema, key), { minLength: 1, maxLength: 3 });
    case 'object': {
      const names = (s.propertyNames as Schema | undefined)?.pattern as string | undefined;
      return fc.dictionary(
        fc.stringMatching(new RegExp(names ?? '^[A-Za-z][A-Za-z0-9._-]{0,8}$'), { size: 'xsmall' }).filter(holdable),
        arbitrary(s.additionalProperties as Schema, key),
        { minKeys: 1, maxKeys: 3 },
      );
    }
    default:
      // A pattern's [^\\s] may draw a NUL or half a surrogate pair, which no config file holds.
      if (typeof s.pattern === 'string')
        return fc.stringMatching(new RegExp(s.pattern as string), { size: 'xsmall' }).filter(holdable);
      // A working directory is an absolute path.
      return key === '/workdir' ? text.map((t) => `/${t}`) : text;
  }
}

/** A row's values; a size also above zero, which its pattern cannot say. */
function drawn(row: OptionRow): fc.Arbitrary<Json> {
  const values = arbitrary(fragment(row.key), row.key);
  return row.model === 'size' ? values.filter((v) => 'bytes' in parseSize(String(v))) : values;
}

/** A valid environment config: some of the rows' keys, the groups' required keys filled in. */
const config = fc
  .record(Object.fromEntries(ROWS.map((row) => [row.key, drawn(row)])), {
    requiredKeys: [],
  })
  .map((values) => {
    const out: Obj = { kind: 'environment', image: 'debian:12', detach: true };
    for (const [key, value] of Object.entries(values)) {
      const parts = key.slice(1).split('/');
      if (parts.length === 1) out[parts[0]!] = value as Json;
      else out[parts[0]!] = { ...((out[parts[0]!] as Obj | undefined) ?? {}), [parts[1]!]: value as Json };
    }
    if (out.healthcheck) out.healthcheck = { command: 'true', ...(out.healthcheck as Obj) };
    if (out.logging) out.logging = { driver: 'json-file', ...(out.logging as Obj) };
    return out;
  });

/** A key's value as it means: sizes by their bytes, templates with $$ as the $ it stands for. */
function meaning(row: OptionRow, value: Json | undefined, expanded: boolean): Json | undefined {
  // A key left out reads as its default.
  if (value === undefined) return 'default' in row ? (row.default as boolean) : undefined;
  // As JSON has it: a map drawn without a prototype equals one parsed.
  value = JSON.parse(JSON.stringify(value)) as Json;
  if (row.model === 'size')
    return 'bytes' in parseSize(String(value)) ? (parseSize(String(value)) as { bytes: number }).bytes : null;
  const literal = (v: Json) => (expanded && typeof v === 'string' ? v.replaceAll('$$', '$') : v);
  if (row.model === 'template') return literal(value);
  if (row.model === 'map' && value && typeof value === 'object' && !Array.isArray(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literal(v)]));
  return value;
}

function sameKeys(what: string, original: Obj, back: Obj, expanded: boolean): void {
  for (const row of ROWS)
    assert.equal(
      meaning(row, getKey(back, row.key), false),
      meaning(row, getKey(original, row.key), expanded),
      `${what}: ${keyName(row)} in ${JSON.stringify(original)}`,
    );
}

/** The run options of a dry run's argv read back through the table; boxwright's own set aside. */
function readRunArgv(argv: string[]): Obj {
  const out: Obj = {};
  let i = argv.indexOf('run') + 1;
  for (; i < argv.length && argv[i]!.startsWith('-'); i++) {
    // Quadlet writes some options as --flag=value or -f=value (as podman's flag parser reads them).
    const [flag, joined] = argv[i]!.includes('=') ? splitOnce(argv[i]!) : [argv[i]!];
    if (joined !== undefined) {
      const row = rowOfFlag(flag);
      if (row) readOption(out, row, joined);
      continue;
    }
    if (['--name', '--volume', '-v', '--secret', '--env', '--user'].includes(flag)) i++;
    const row = rowOfFlag(flag);
    if (row) readOption(out, row, takesValue(row) ? argv[++i] : undefined);
  }
  const labels = out.labels as Obj | undefined;
  for (const name of Object.keys(labels ?? {})) if (name.startsWith('io.boxwright.')) delete labels![name];
  if (labels && Object.keys(labels).length === 0) delete out.labels;
  return out;
}

function splitOnce(option: string): [string, string] {
  const at = option.indexOf('=');
  return [option.slice(0, at), option.slice(at + 1)];
}

const seed = Number(process.env.BOXWRIGHT_SEED ?? Date.now() % 2 ** 31);
function options<T>(numRuns: number): fc.Parameters<T> {
  return {
    seed,
    numRuns,
    reporter: (details) => {
      if (details.failed)
        throw new Error(
          `${fc.defaultReportMessage(details)}\n(BOXWRIGHT_SEED=${seed})\n${String((details.errorInstance as Error)?.message)}`,
        );
    },
  };
}

let turn = 0;

/** Whether every problem is devcontainer.json's refusal of a literal ${, which the config has. */
function refusedDollarBrace(err: string, written: Obj): boolean {
  const problems = err.split('\n').filter((line) => /^configs\/box\.json:/.test(line));
  return (
    problems.length > 0 &&
    problems.every((line) => line.includes('devcontainer.json reads "${"')) &&
    JSON.stringify(written).replaceAll('$$', '').includes('${') === false &&
    JSON.stringify(written).includes('$${')
  );
}

test('every run-option key comes back from devcontainer.json and from launch.sh --dry-run as it was', async () => {
  const dir = tempDir();
  const env = { PATH: isolatedPath(stubRuntimes(dir)), BW_ARGV_FILE: join(dir, 'argv') };
  try {
    await fc.assert(
      fc.asyncProperty(config, async (written) => {
        writeFiles(dir, { 'configs/box.json': JSON.stringify({ ...written, devcontainer: {} }) });
        let generated = await generate(['--quiet'], dir);
        if (generated.code !== 0 && refusedDollarBrace(generated.err, written)) {
          // devcontainer.json cannot hold a literal ${ (it is its variables'): refused, as said.
          writeFiles(dir, { 'configs/box.json': JSON.stringify(written) });
          generated = await generate(['--quiet'], dir);
        } else {
          assert.is(generated.code, 0, `${generated.err}\n${JSON.stringify(written)}`);
          const devcontainer = readFileSync(join(dir, 'generated/box/devcontainer.json'), 'utf8');
          const imported = importDevcontainer(devcontainer, 'generated/box/devcontainer.json', 'box', {
            file: join(dir, 'generated/box/devcontainer.json'),
            repository: dir,
          }).config as Obj;
          sameKeys('devcontainer.json', written, imported, false);
        }
        assert.is(generated.code, 0, `${generated.err}\n${JSON.stringify(written)}`);
        // The shells take turns: the argv is the same in each (argv-roundtrip.test.ts).
        const shell = SHELLS[turn++ % SHELLS.length]!;
        // One process: the shell runs the script's dry run, and sh reads its line back as words.
        const read = `out=$("$@" --dry-run run) || exit; eval "set -- $out"; printf '%s\\0' "$@"`;
        const dry = spawnSync('/bin/sh', ['-c', read, 'sh', ...shell.argv, join(dir, 'generated/box/launch.sh')], {
          encoding: 'utf8',
          env: { HOME: '/home/tester', LANG: 'C.UTF-8', ...env },
          cwd: dir,
        });
        assert.is(dry.status, 0, `${shell.name}: ${dry.stderr}`);
        const argv = dry.stdout.split('\0');
        sameKeys(`launch.sh --dry-run (${shell.name})`, written, readRunArgv(argv.slice(0, -1)), true);
      }),
      options(propertyRuns(500, 40)),
    );
  } finally {
    remove(dir);
  }
});

/** The rows whose Quadlet column is a key or PodmanArgs= (code rows have tests in quadlet.test.ts). */
const QUADLET_ROWS = ROWS.filter((row) => typeof row.quadlet !== 'object' || !('code' in row.quadlet));

test('every key comes back from a Quadlet unit, through quadlet -dryrun’s ExecStart, as it was', async () => {
  const dir = tempDir();
  try {
    await fc.assert(
      fc.asyncProperty(config, async (drawn) => {
        const written: Obj = { ...drawn, quadlet: {} };
        writeFiles(dir, { 'configs/box.json': JSON.stringify(written) });
        const generated = await generate(['--quiet'], dir);
        if (generated.code !== 0 && refusedUnitValue(generated.err, written)) return;
        assert.is(generated.code, 0, `${generated.err}\n${JSON.stringify(written)}`);
        const argv = quadletExecStart(join(dir, 'generated/box'), 'box');
        const back = readRunArgv(argv);
        const file = join(dir, 'generated/box/box.container');
        // The unit imported again: the Quadlet importer reads the table backwards.
        const imported = importQuadlet(readFileSync(file, 'utf8'), file, { file, repository: dir }).config as Obj;
        for (const row of QUADLET_ROWS) {
          assert.equal(
            meaning(row, quadletValue(row, getKey(back, row.key)), false),
            meaning(row, getKey(written, row.key), true),
            `Quadlet: ${keyName(row)} in ${JSON.stringify(written)}\n${argv.join(' ')}`,
          );
          assert.equal(
            meaning(row, quadletValue(row, withoutOwnLabels(row, getKey(imported, row.key))), false),
            meaning(row, getKey(written, row.key), false),
            `Quadlet import: ${keyName(row)} in ${JSON.stringify(written)}\n${readFileSync(file, 'utf8')}`,
          );
        }
      }),
      options(propertyRuns(300, 30)),
    );
  } finally {
    remove(dir);
  }
});

/** boxwright's own labels, which the unit carries for the lifecycle verbs, set aside. */
function withoutOwnLabels(row: OptionRow, value: Json | undefined): Json | undefined {
  if (row.key !== '/labels' || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const mine = Object.entries(value).filter(([name]) => !name.startsWith('io.boxwright.'));
  return mine.length ? Object.fromEntries(mine) : undefined;
}

/** Quadlet writes capabilities in lower case (podman reads either). */
function quadletValue(row: OptionRow, value: Json | undefined): Json | undefined {
  return row.key.startsWith('/capabilities/') && Array.isArray(value)
    ? value.map((v) => String(v).toUpperCase())
    : value;
}

/** A unit refused a value it cannot hold (space at an end, a trailing backslash), as said. */
function refusedUnitValue(err: string, written: Obj): boolean {
  const problems = err.split('\n').filter((line) => /^configs\/box\.json:/.test(line));
  const strings = JSON.stringify(written).match(/"(?:[^"\\]|\\.)*"/g) ?? [];
  const unwritable = strings.some((s) => {
    const text = JSON.parse(s) as string;
    return /^\s|\s$/.test(text) || text.endsWith('\\');
  });
  return problems.length > 0 && unwritable && problems.every((line) => line.includes('a unit cannot hold this value'));
}

/** The rows that compose holds (all but those whose column gives a reason it cannot). */
const COMPOSE_ROWS = ROWS.filter((row) => !cannot(row.compose));

test('every key compose holds comes back from compose.yaml, imported again, as it was', async () => {
  const dir = tempDir();
  try {
    await fc.assert(
      fc.asyncProperty(config, async (drawn) => {
        const written: Obj = { ...drawn, compose: {} };
        writeFiles(dir, { 'configs/box.json': JSON.stringify(written) });
        const generated = await generate(['--quiet'], dir);
        assert.is(generated.code, 0, `${generated.err}\n${JSON.stringify(written)}`);
        const file = join(dir, 'generated/box/compose.yaml');
        const text = readFileSync(file, 'utf8');
        const { others } = importCompose(text, file, 'box', { file, repository: dir });
        const imported = others[0]!.imported.config as Obj;
        for (const row of COMPOSE_ROWS)
          assert.equal(
            meaning(row, getKey(imported, row.key), false),
            meaning(row, getKey(written, row.key), false),
            `compose: ${keyName(row)} in ${JSON.stringify(written)}\n${text}`,
          );
      }),
      options(propertyRuns(300, 30)),
    );
  } finally {
    remove(dir);
  }
});

/** The keys whose Kubernetes column says nothing of code (those have tests in kube.test.ts). */
const KUBE_ROWS = ROWS.filter((row) => !('code' in row.kubernetes));

test('kube.yaml holds each key its column names a field for, and warns of each it cannot hold', async () => {
  const dir = tempDir();
  try {
    await fc.assert(
      fc.asyncProperty(config, async (drawn) => {
        const written: Obj = { ...drawn, kubernetes: {} };
        for (const row of ROWS.filter((r) => !KUBE_ROWS.includes(r))) {
          const [group, member] = row.key.slice(1).split('/');
          if (member === undefined) delete written[group!];
          else if (written[group!]) delete (written[group!] as Obj)[member];
        }
        // A group left without its required keys goes too.
        if (written.healthcheck && !(written.healthcheck as Obj).command) delete written.healthcheck;
        if (written.resources && Object.keys(written.resources as Obj).length === 0) delete written.resources;
        writeFiles(dir, { 'configs/box.json': JSON.stringify(written) });
        const generated = await generate([], dir);
        assert.is(generated.code, 0, `${generated.err}\n${JSON.stringify(written)}`);
        const manifest = readFileSync(join(dir, 'generated/box/kube.yaml'), 'utf8');
        const deployment = manifest
          .split(/^---$/m)
          .map((d) => parseYaml(d) as Obj | null)
          .find((d) => d?.kind === 'Deployment') as Obj;
        const pod = ((deployment.spec as Obj).template as Obj).spec as Obj;
        const container = (pod.containers as Obj[])[0]!;
        for (const row of KUBE_ROWS) {
          const value = getKey(written, row.key);
          const entry: unknown = row.kubernetes;
          if (value === undefined || value === false) continue;
          if (cannot(entry)) {
            assert.ok(
              generated.err.includes(`is not carried: ${entry.cannot}`) && manifest.includes(entry.cannot),
              `${keyName(row)}: the warning and the manifest say "${entry.cannot}"`,
            );
          } else if (typeof entry === 'object' && entry !== null && ('container' in entry || 'pod' in entry)) {
            const [part, path] =
              'container' in entry ? [container, entry.container] : [pod, (entry as { pod: string }).pod];
            const field = getKey(part, `/${String(path).replaceAll('.', '/')}`);
            assert.equal(meaning(row, field, false), meaning(row, value, true), keyName(row));
          }
        }
      }),
      options(propertyRuns(150, 15)),
    );
  } finally {
    remove(dir);
  }
});

test.run();
