// Seed 002's catalog as the generator builds it, for the tests that hold scripts to it.
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { loadConfig } from '../scripts/lib/load.ts';
import { toPlain } from '../scripts/lib/located.ts';
import { buildCatalog, type Catalog, type CatalogConfig } from '../scripts/lib/model/catalog.ts';
import { ProblemList } from '../scripts/lib/problems.ts';
import { ROOT } from './helpers.ts';

export function seedCatalog(): Catalog {
  const problems = new ProblemList();
  const loaded = loadConfig(join(ROOT, 'configs/codeopen.json'), ROOT, () => 'replace', problems)!;
  const catalog = buildCatalog(
    'codeopen',
    'configs/codeopen.json',
    toPlain(loaded.merged) as unknown as CatalogConfig,
    () => loaded.merged.at,
    problems,
  )!;
  assert.ok(problems.empty, JSON.stringify(problems.items));
  return catalog;
}
