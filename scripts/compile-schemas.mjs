#!/usr/bin/env zx
// Writes schemas/compiled/<kind>.schema.cjs, the standalone validator of each schema, so
// that the generator need not compile them at start: `npm run schemas`. `generate --check`
// reports the ones that are out of date.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { loadLibrary } from './load-library.mjs';

const { compiledCode, compiledIsCurrent, compiledPath } = await loadLibrary('schema-code.ts');
const root = join(import.meta.dirname, '..');
const schemas = join(root, 'schemas');
for (const name of readdirSync(schemas)
  .filter((f) => f.endsWith('.schema.json'))
  .sort()) {
  const path = join(schemas, name);
  const text = readFileSync(path, 'utf8');
  if (compiledIsCurrent(path, text)) continue;
  const target = compiledPath(path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(`${target}.${process.pid}.tmp`, compiledCode(path, text));
  renameSync(`${target}.${process.pid}.tmp`, target);
  console.log(`wrote ${relative(root, target)}`);
}
