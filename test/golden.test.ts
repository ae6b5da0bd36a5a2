// Golden cases, in the shape of Quadlet's tests: test/cases/<case>.jsonc is one small config
// per feature, and comments beside its fields say what its dry-run command line must and
// must not contain; test/cases/<case>/ holds the exact files it generates. Adding a case is
// adding a file. UPDATE_GOLDEN=1 rewrites the files, to be reviewed in the diff.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  generate,
  isolatedPath,
  remove,
  runScript,
  SHELLS,
  stubRuntimes,
  tempDir,
  withoutDigests,
  writeFiles,
} from './helpers.ts';

const CASES = join(import.meta.dirname, 'cases');
const update = process.env.UPDATE_GOLDEN === '1';
const DRY_RUN = 'dry-run.txt';

interface Directives {
  env: Record<string, string>;
  /** Files the case's repository holds beside its config: `// file "PATH", "CONTENT"`. */
  files: Record<string, string>;
  args: string[];
  present: string[][];
  absent: string[][];
}

/**
 * Reads `// env NAME=value`, `// file PATH CONTENT`, `// args ...`, `// assert-args ...` and `// !assert-args ...`
 * comments anywhere in the file, each a list of JSON strings.
 */
function directives(text: string): Directives {
  const found: Directives = { env: {}, files: {}, args: [], present: [], absent: [] };
  for (const line of text.split('\n')) {
    const match = /^\s*\/\/ (!?assert-args|env|args|file) (.*)$/.exec(line);
    if (!match) continue;
    const words = JSON.parse(`[${match[2]}]`) as string[];
    if (match[1] === 'file') found.files[words[0]!] = words[1]!;
    else if (match[1] === 'env')
      Object.assign(
        found.env,
        Object.fromEntries(words.map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)])),
      );
    else if (match[1] === 'args') found.args.push(...words);
    else (match[1] === 'assert-args' ? found.present : found.absent).push(words);
  }
  return found;
}

function containsRun(haystack: string[], needle: string[]): boolean {
  return haystack.some((_, i) => needle.every((word, j) => haystack[i + j] === word));
}

for (const name of readdirSync(CASES)
  .filter((f) => f.endsWith('.jsonc'))
  .sort()) {
  const id = name.replace(/\.jsonc$/, '');
  test(`golden case ${id}`, async () => {
    const dir = tempDir();
    try {
      const source = readFileSync(join(CASES, name), 'utf8');
      const wanted = directives(source);
      writeFiles(dir, { [`configs/${name}`]: source, ...wanted.files });
      const result = await generate(['--quiet'], dir);
      assert.is(result.code, 0, result.err);
      const outDir = join(dir, 'generated', id);
      const expectedDir = join(CASES, id);
      // Every golden file must still be produced, and every produced file must have one.
      const produced = readdirSync(outDir).sort();
      const golden = existsSync(expectedDir)
        ? readdirSync(expectedDir)
            .filter((f) => f !== DRY_RUN)
            .sort()
        : [];
      if (update) for (const gone of golden.filter((f) => !produced.includes(f))) rmSync(join(expectedDir, gone));
      else assert.equal(produced, golden, `${id}: the generated files and test/cases/${id}/ list different files`);
      for (const file of produced) {
        const actual = readFileSync(join(outDir, file), 'utf8');
        if (update) {
          mkdirSync(expectedDir, { recursive: true });
          writeFileSync(join(expectedDir, file), actual);
        }
        assert.ok(existsSync(join(expectedDir, file)), `${id}/${file} has no golden file (run with UPDATE_GOLDEN=1)`);
        assert.fixture(actual, readFileSync(join(expectedDir, file), 'utf8'), `${id}/${file}`);
      }

      // The host user is 1000:1000 here, whoever runs the tests.
      const hostUser = join(dir, 'host-user');
      writeFiles(hostUser, { id: '#!/bin/sh\ncase $1 in -u | -g) echo 1000 ;; *) exit 1 ;; esac\n' });
      chmodSync(join(hostUser, 'id'), 0o755);
      const env = {
        PATH: isolatedPath(hostUser, stubRuntimes(dir)),
        BW_ARGV_FILE: join(dir, 'argv'),
        ...wanted.env,
      };
      const outputs = SHELLS.map((shell) =>
        runScript(shell, join(outDir, 'launch.sh'), ['--dry-run', ...wanted.args], { env, cwd: dir }),
      );
      for (const [i, run] of outputs.entries()) {
        assert.is(run.status, 0, `${SHELLS[i]!.name}: ${run.stderr}`);
        assert.is(run.stdout, outputs[0]!.stdout, `${SHELLS[i]!.name} prints the same command as dash`);
      }
      const dryRun = join(expectedDir, DRY_RUN);
      // The case's folder, and its name (a workspace mount's), are the same in every run.
      const printed = withoutDigests(
        outputs[0]!.stdout.replaceAll(dir, '<dir>').replaceAll(basename(dir), '<dirname>'),
      );
      if (update) writeFileSync(dryRun, printed);
      assert.fixture(printed, readFileSync(dryRun, 'utf8'), `${id} dry-run`);
      const argv = spawnSync('sh', ['-c', `printf '%s\\0' ${outputs[0]!.stdout}`], { encoding: 'utf8' })
        .stdout.split('\0')
        .slice(0, -1);
      // <dir> in a directive stands for the case's temporary folder, as in dry-run.txt, and
      // <dirname> for its name.
      const inDir = (needle: string[]) =>
        needle.map((word) => word.replaceAll('<dir>', dir).replaceAll('<dirname>', basename(dir)));
      for (const needle of wanted.present.map(inDir))
        assert.ok(containsRun(argv, needle), `${id}: expected ${JSON.stringify(needle)} in ${JSON.stringify(argv)}`);
      for (const needle of wanted.absent.map(inDir))
        assert.not.ok(containsRun(argv, needle), `${id}: did not expect ${JSON.stringify(needle)}`);
    } finally {
      remove(dir);
    }
  });
}

test.run();
