// The README's "Coming from" tables name every key that the key table says compose and
// Quadlet hold, so that the table a person reads cannot drift from the one the code reads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS } from '../scripts/lib/keys/table.ts';
import { ROOT } from './helpers.ts';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The rows of the README's table whose header's first cell is `first`. */
function tableOf(first: string): string {
  const start = README.indexOf(`| ${first} |`);
  assert.ok(start >= 0, `the README has a table starting with "${first}"`);
  const end = README.indexOf('\n\n', start);
  return README.slice(start, end < 0 ? undefined : end);
}

test("the README's compose table names every compose key of the key table", () => {
  const table = tableOf('compose');
  for (const row of KEYS) {
    const entry: unknown = row.compose;
    if (typeof entry !== 'object' || entry === null || !('key' in entry)) continue;
    const key = String(entry.key).split('/')[0]!;
    assert.ok(table.includes(`\`${key}\``), `compose's ${key} (${row.key}) is in the README's compose table`);
  }
});

test("the README's Quadlet table names every Quadlet key of the key table", () => {
  const table = tableOf('Quadlet (`.container`)');
  for (const row of KEYS) {
    const entry: unknown = row.quadlet;
    if (typeof entry !== 'object' || entry === null || !('key' in entry)) continue;
    assert.ok(table.includes(`\`${String(entry.key)}\``), `Quadlet's ${String(entry.key)} is in the README's table`);
  }
});

test.run();
