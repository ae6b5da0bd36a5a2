// The schemas document themselves: editors show these descriptions while typing.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compiledCode, compiledIsCurrent, compiledPath } from '../scripts/lib/schema-code.ts';
import { DISTROBOX_OPTIONS } from '../scripts/lib/model/distrobox-options.ts';
import { distroboxOptionsTable } from '../scripts/lib/targets/distrobox.ts';
import { parseSize, runtimeSize, SIZE_PATTERN } from '../scripts/lib/model/size.ts';
import { compileSchema } from '../scripts/lib/validate.ts';
import fc from 'fast-check';
import { propertyRuns, remove, ROOT, tempDir } from './helpers.ts';

const SCHEMAS = join(ROOT, 'schemas');

/** A property's own schema, or the one its local $ref names (#/$defs/NAME). */
function resolved(root: Record<string, unknown>, property: Record<string, unknown>): Record<string, unknown> {
  const ref = property.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/$defs/')) return property;
  return ((root.$defs as Record<string, Record<string, unknown>>)[ref.slice('#/$defs/'.length)] ?? {}) as Record<
    string,
    unknown
  >;
}

function undocumented(root: Record<string, unknown>, node: unknown, path: string): string[] {
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, unknown>;
  const missing: string[] = [];
  for (const [name, property] of Object.entries((record.properties as Record<string, Record<string, unknown>>) ?? {})) {
    const description = property.description ?? resolved(root, property).description;
    if (typeof description !== 'string' || description.length < 8) missing.push(`${path}/properties/${name}`);
  }
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'object') missing.push(...undocumented(root, value, `${path}/${key}`));
  }
  return missing;
}

for (const file of readdirSync(SCHEMAS).filter((f) => f.endsWith('.schema.json'))) {
  test(`${file} compiles under JSON Schema 2020-12 in strict mode`, () => {
    assert.ok(compileSchema(join(SCHEMAS, file)).validate);
  });
  test(`${file} describes every property`, () => {
    const schema = JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')) as Record<string, unknown>;
    assert.equal(undocumented(schema, schema, ''), []);
  });
  test(`${file} forbids unknown keys in every object`, () => {
    const objects: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      if (record.type === 'object' && record.properties && record.additionalProperties !== false) objects.push(path);
      for (const [key, value] of Object.entries(record)) walk(value, `${path}/${key}`);
    };
    walk(JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')), '');
    assert.equal(objects, []);
  });
  test(`${file} has a current compiled validator (npm run schemas)`, () => {
    const path = join(SCHEMAS, file);
    assert.ok(
      compiledIsCurrent(path, readFileSync(path, 'utf8')),
      `schemas/compiled/ is out of date with schemas/${file}`,
    );
  });
}

test('the distrobox schema defines each manifest key once, and exactly the keys of the option table', () => {
  const schema = JSON.parse(readFileSync(join(SCHEMAS, 'distrobox.schema.json'), 'utf8')) as {
    $defs: object;
    properties: Record<string, { properties?: object; additionalProperties?: { properties: object } }>;
  };
  const table = DISTROBOX_OPTIONS.map((o) => o.key).sort();
  assert.equal(Object.keys(schema.$defs).sort(), table);
  const refs = (properties: object) =>
    Object.entries(properties)
      .filter(([, p]) => '$ref' in (p as object))
      .map(([k]) => k)
      .sort();
  assert.equal(refs(schema.properties.defaults!.properties!), table, 'defaults refer to each key');
  assert.equal(
    refs(schema.properties.containers!.additionalProperties!.properties),
    table,
    'containers refer to each key',
  );
});

test('the README shows the distrobox option table as the code has it', () => {
  assert.match(readFileSync(join(ROOT, 'README.md'), 'utf8'), distroboxOptionsTable().join('\n'));
});

test('a compiled validator whose schema changed is never used: the schema is compiled instead', () => {
  const dir = tempDir();
  try {
    const schema = join(dir, 'box.schema.json');
    const text = (type: string) =>
      JSON.stringify({ $id: `https://boxwright.invalid/test/${type}`, type: 'object', properties: { a: { type } } });
    writeFileSync(schema, text('string'));
    mkdirSync(join(dir, 'compiled'));
    writeFileSync(compiledPath(schema), compiledCode(schema, text('string')));
    assert.ok(compileSchema(schema).validate({ a: 'x' }), 'the current compiled validator accepts a string');
    writeFileSync(schema, text('number'));
    const validate = compileSchema(schema).validate;
    assert.not.ok(validate({ a: 'x' }), 'the stale one would accept it; the schema as it is now does not');
    assert.ok(validate({ a: 1 }));
  } finally {
    remove(dir);
  }
});

test('sizes: the schema and the generator read the same forms, and the written form reads back as the same bytes', () => {
  const schema = JSON.parse(readFileSync(join(SCHEMAS, 'environment.schema.json'), 'utf8'));
  assert.is(schema.$defs.size.pattern, SIZE_PATTERN);
  const pattern = new RegExp(SIZE_PATTERN);
  for (const [text, bytes] of [
    ['128mb', 128 * 2 ** 20],
    ['1GiB', 2 ** 30],
    ['1.5 GB', 1.5 * 2 ** 30],
    ['2Gi', 2 * 2 ** 30],
    ['64g', 64 * 2 ** 30],
    ['512', 512],
  ] as const) {
    assert.ok(pattern.test(text), text);
    assert.equal(parseSize(text), { bytes }, text);
  }
  for (const text of ['1 gigabyte', '1e3m', '-1m', '1mm']) assert.not.ok(pattern.test(text), text);
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 50 }), (bytes) => {
      const written = runtimeSize(bytes);
      assert.ok(pattern.test(written), written);
      assert.equal(parseSize(written), { bytes });
    }),
    { numRuns: propertyRuns(300) },
  );
});

test.run();
