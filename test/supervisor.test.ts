// supervisord.conf quoting, checked against Python's shlex, which supervisord uses to split
// command= (after turning %% back into %).
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { supervisorValue, supervisorWord } from '../scripts/lib/shell/supervisor.ts';

const text = fc.string({ unit: fc.constantFrom(...[...`'"\\ %$\`;,=\tab09é-`]), maxLength: 20 });

function shlex(words: string[]): string[][] {
  const script = 'import json, shlex, sys\nfor line in json.load(sys.stdin): print(json.dumps(shlex.split(line.replace("%%", "%"))))';
  const result = spawnSync('python3', ['-c', script], { input: JSON.stringify(words), encoding: 'utf8' });
  assert.is(result.status, 0, result.stderr);
  return result.stdout.trim().split('\n').map((line) => JSON.parse(line) as string[]);
}

test('supervisorWord survives supervisord splitting a command line', () => {
  fc.assert(
    fc.property(fc.array(text, { minLength: 1, maxLength: 4 }), (values) => {
      assert.equal(shlex([values.map(supervisorWord).join(' ')]), [values]);
    }),
    { numRuns: 60 },
  );
});

test('supervisorValue is one shlex token with % escaped', () => {
  assert.is(supervisorValue('50% "done"'), '"50%% \\"done\\""');
  fc.assert(
    fc.property(text, (value) => {
      assert.equal(shlex([supervisorValue(value)]), [[value]]);
    }),
    { numRuns: 60 },
  );
});

test.run();
