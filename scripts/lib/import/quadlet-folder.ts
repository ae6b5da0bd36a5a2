// A folder of Quadlet units as a stack: each .container an environment of its own (as
// importQuadlet reads it), members named NAME-UNIT; Requires= and After= between the units
// become the start order (a member after another is its dependsOn), and the .network units
// its containers join are the stack's networks.
import { project, schemaReference } from '../project.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseUnitFile, splitUnitWords } from '../unit/syntax.ts';
import type { ImportedSet } from './compose.ts';
import { emptyRemarks, type JsonValue, remark } from './jsonc.ts';
import { ImportProblem } from './problem.ts';
import { importQuadlet } from './quadlet.ts';

type Obj = { [key: string]: JsonValue };

export function importQuadletFolder(folder: string, source: string, name: string, repository: string): ImportedSet {
  const units = readdirSync(folder)
    .filter((f) => f.endsWith('.container'))
    .sort();
  if (units.length === 0) throw new ImportProblem('the folder has no .container unit', 1, 1, '', folder);
  const members: Obj = {};
  const others: ImportedSet['others'] = [];
  const networks = new Set<string>();
  for (const file of units) {
    const unit = file.replace(/\.container$/, '');
    const path = join(folder, file);
    const text = readFileSync(path, 'utf8');
    const imported = importQuadlet(text, `${source}/${file}`, { file: path, repository });
    const network = imported.config.network as Obj | undefined;
    if (network?.create === true) {
      networks.add(String(network.name));
      // The stack creates its networks; a member only joins.
      delete network.create;
    }
    others.push({ name: `${name}-${unit}`, imported });
    const dependsOn = dependencies(text, unit, units);
    members[unit] = { config: `${name}-${unit}`, ...(Object.keys(dependsOn).length ? { dependsOn } : {}) };
  }
  const [first, ...more] = [...networks];
  const remarks = emptyRemarks();
  remark(remarks.above, '/kind', `Imported from ${source} by ${project().import}.`);
  const stack: Obj = {
    $schema: schemaReference('stack'),
    kind: 'stack',
    network: { name: first ?? 'podman' },
    ...(more.length ? { networks: more.map((n) => ({ name: n })) } : {}),
    members,
  };
  return { main: { config: stack, remarks }, others };
}

/** The other units of the folder this one starts after (Requires= and After= name NAME.service). */
function dependencies(text: string, unit: string, units: string[]): Obj {
  const names = new Set(units.map((f) => f.replace(/\.container$/, '')));
  const out: Obj = {};
  for (const entry of parseUnitFile(text).filter(
    (e) => e.section === 'Unit' && (e.key === 'Requires' || e.key === 'After'),
  ))
    for (const word of splitUnitWords(entry.value)) {
      const other = word.replace(/\.(service|container)$/, '');
      if (other !== unit && names.has(other)) out[other] = 'started';
    }
  return out;
}
