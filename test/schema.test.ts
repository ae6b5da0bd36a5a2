// The schemas document themselves: editors show these descriptions while typing.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileSchema } from '../scripts/lib/validate.ts';
import { ROOT } from './helpers.ts';

const SCHEMAS = join(ROOT, 'schemas');

function undocumented(node: unknown, path: string): string[] {
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, unknown>;
  const missing: string[] = [];
  for (const [name, property] of Object.entries((record['properties'] as Record<string, Record<string, unknown>>) ?? {})) {
    if (typeof property['description'] !== 'string' || property['description'].length < 8) missing.push(`${path}/properties/${name}`);
  }
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'object') missing.push(...undocumented(value, `${path}/${key}`));
  }
  return missing;
}

for (const file of readdirSync(SCHEMAS)) {
  test(`${file} compiles under JSON Schema 2020-12 in strict mode`, () => {
    assert.ok(compileSchema(join(SCHEMAS, file)).validate);
  });
  test(`${file} describes every property`, () => {
    assert.equal(undocumented(JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')), ''), []);
  });
  test(`${file} forbids unknown keys in every object`, () => {
    const objects: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      if (record['type'] === 'object' && record['properties'] && record['additionalProperties'] !== false) objects.push(path);
      for (const [key, value] of Object.entries(record)) walk(value, `${path}/${key}`);
    };
    walk(JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')), '');
    assert.equal(objects, []);
  });
}

test.run();
