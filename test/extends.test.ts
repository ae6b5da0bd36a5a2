// extends: how inherited configs merge, and that locations survive the merge.
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../scripts/lib/load.ts';
import { locate, toPlain } from '../scripts/lib/located.ts';
import { ProblemList } from '../scripts/lib/problems.ts';
import { compileSchema } from '../scripts/lib/validate.ts';
import { ROOT, remove, tempDir, writeFiles } from './helpers.ts';

const merging = suite<{ dir: string }>('extends');
const schema = compileSchema(join(ROOT, 'schemas/environment.schema.json'));

merging.before.each((context) => {
  context.dir = tempDir();
});
merging.after.each(({ dir }) => remove(dir));

function load(dir: string, file: string) {
  const problems = new ProblemList();
  const loaded = loadConfig(join(dir, file), dir, schema.ruleAt, problems);
  return { loaded, problems };
}

merging('objects merge by key, scalars and replace-lists come from the extending file', ({ dir }) => {
  writeFiles(dir, {
    'base.json': JSON.stringify({
      kind: 'environment',
      image: 'base:1',
      env: { A: '1', B: '2' },
      resources: { cpus: 2, memory: '1g' },
      entrypoints: { x: { command: ['a', 'b'] } },
    }),
    'box.json': JSON.stringify({
      extends: 'base.json',
      image: 'box:1',
      env: { B: 'two', C: '3' },
      resources: { cpus: 4 },
      entrypoints: { x: { command: ['c'] } },
    }),
  });
  const { loaded, problems } = load(dir, 'box.json');
  assert.ok(problems.empty);
  assert.equal(toPlain(loaded!.merged), {
    kind: 'environment',
    image: 'box:1',
    env: { A: '1', B: 'two', C: '3' },
    resources: { cpus: 4, memory: '1g' },
    entrypoints: { x: { command: ['c'] } },
  });
});

merging('lists marked append add to the inherited list, in extends order', ({ dir }) => {
  writeFiles(dir, {
    'one.json': JSON.stringify({ ports: [{ container: 1 }], extraArgs: ['--a'] }),
    'two.json': JSON.stringify({ ports: [{ container: 2 }], extraArgs: ['--b'] }),
    'box.json': JSON.stringify({
      extends: ['one.json', 'two.json'],
      kind: 'environment',
      image: 'x',
      ports: [{ container: 3 }],
    }),
  });
  const merged = toPlain(load(dir, 'box.json').loaded!.merged) as {
    ports: { container: number }[];
    extraArgs: string[];
  };
  assert.equal(
    merged.ports.map((p) => p.container),
    [1, 2, 3],
  );
  assert.equal(merged.extraArgs, ['--a', '--b']);
});

merging('description, abstract and $schema are not inherited', ({ dir }) => {
  writeFiles(dir, {
    'base.json': JSON.stringify({ $schema: 's', abstract: true, description: 'base', kind: 'environment' }),
    'box.json': JSON.stringify({ extends: 'base.json', image: 'x' }),
  });
  assert.equal(toPlain(load(dir, 'box.json').loaded!.merged), { kind: 'environment', image: 'x' });
});

merging('a merged value remembers the file and line that wrote it', ({ dir }) => {
  writeFiles(dir, {
    'sub/base.json': '{\n  "mounts": [\n    { "source": "/a", "target": "/a" }\n  ]\n}\n',
    'box.json': '{\n  "extends": "sub/base.json",\n  "mounts": [{ "source": "/b", "target": "/b" }]\n}\n',
  });
  const merged = load(dir, 'box.json').loaded!.merged;
  assert.equal(locate(merged, '/mounts/0/target'), {
    file: 'sub/base.json',
    pointer: '/mounts/0/target',
    line: 3,
    column: 33,
  });
  assert.equal(locate(merged, '/mounts/1/target'), {
    file: 'box.json',
    pointer: '/mounts/0/target',
    line: 3,
    column: 42,
  });
});

merging('a diamond of extends is not a cycle', ({ dir }) => {
  writeFiles(dir, {
    'root.json': JSON.stringify({ kind: 'environment' }),
    'left.json': JSON.stringify({ extends: 'root.json' }),
    'right.json': JSON.stringify({ extends: 'root.json' }),
    'box.json': JSON.stringify({ extends: ['left.json', 'right.json'], image: 'x' }),
  });
  const { loaded, problems } = load(dir, 'box.json');
  assert.ok(problems.empty, JSON.stringify(problems.items));
  assert.is((toPlain(loaded!.merged) as { kind: string }).kind, 'environment');
});

merging.run();
