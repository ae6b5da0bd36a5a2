// supervisorWord checked against Python's shlex, which supervisord uses to split command=
// (after turning %% back into %); test/supervisord-conf.test.ts reads whole files with
// supervisor's own parser. One python3 answers every sample, one JSON line
// per question, so the property keeps fast-check's shrinking without a process per sample.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { propertyRuns } from './helpers.ts';
import { supervisorWord } from '../scripts/lib/shell/supervisor.ts';

const text = fc.string({ unit: fc.constantFrom(...[...`'"\\ %$\`;,=\tab09é-`]), maxLength: 20 });

const oracle = spawn(
  'python3',
  [
    '-u',
    '-c',
    'import json, shlex, sys\nfor line in sys.stdin: print(json.dumps(shlex.split(json.loads(line).replace("%%", "%"))))',
  ],
  { stdio: ['pipe', 'pipe', 'inherit'] },
);
const answers = createInterface({ input: oracle.stdout })[Symbol.asyncIterator]();

async function shlex(line: string): Promise<string[]> {
  oracle.stdin.write(`${JSON.stringify(line)}\n`);
  const answer = await answers.next();
  assert.not.ok(answer.done, 'python3 answered');
  return JSON.parse(answer.value as string) as string[];
}

test('supervisorWord survives supervisord splitting a command line', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 4 }), async (values) => {
      assert.equal(await shlex(values.map(supervisorWord).join(' ')), values);
    }),
    { numRuns: propertyRuns(200) },
  );
});

test.after(() => {
  oracle.stdin.end();
});

test.run();
