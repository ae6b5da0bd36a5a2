// The generator's command line: parses arguments, runs the pipeline, reports, and returns
// the exit code. scripts/generate.mjs is only the zx entry around it.
import { accessSync, constants, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import yargs from 'yargs';
import { sourceOf } from './header.ts';
import { project } from './project.ts';
import { type Compilation, compileConfigs, UsageError } from './generate.ts';
import { KINDS } from './kinds.ts';
import { apply, OutputBusy, plan, type PlannedFile, removes, withOutputLock } from './output.ts';
import { BOXWRIGHT_ROOT, SCHEMAS_DIR } from './paths.ts';
import { describe, sortProblems } from './problems.ts';
import { COMPILE_COMMAND, compiledIsCurrent, compiledPath } from './schema-code.ts';

/** Exit codes; 64 and up follow sysexits.h. Documented in the README ("The generator"). */
export const EXIT = {
  ok: 0,
  outOfDate: 1,
  invalid: 2,
  refused: 3,
  usage: 64,
  noInput: 66,
  internal: 70,
  cannotWrite: 73,
} as const;

/** A failure that ends the run with one line and its own exit code. */
class Failure extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'does not exist',
  ENOTDIR: 'is not a folder (or a file stands in its path)',
  EEXIST: 'is in the way (a file where a folder must be)',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'is on a read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EMFILE: 'too many open files',
};

function errnoText(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === undefined ? undefined : (ERRNO_TEXT[code] ?? code);
}

/** Runs `work`; a file system error becomes a Failure that names `what` and the reason. */
function failingAs<T>(what: string, code: number, work: () => T, path?: string): T {
  try {
    return work();
  } catch (error) {
    const reason = errnoText(error);
    if (reason === undefined || error instanceof Failure) throw error;
    // mkdir -p on a read-only file system reports ENOENT: say what really stops it.
    if (path && (error as NodeJS.ErrnoException).code === 'ENOENT' && !writable(path)) {
      throw new Failure(`${what}: cannot be created there (a read-only file system, or no permission)`, code);
    }
    throw new Failure(`${what}: ${reason}`, code);
  }
}

/** Whether the nearest folder that exists on the way to `path` can be written. */
function writable(path: string): boolean {
  let dir = path;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    accessSync(dir, constants.W_OK);
    return !writeProbeFails(dir);
  } catch {
    return false;
  }
}

/** A read-only mount: root may write anywhere else, so access() does not tell. */
function writeProbeFails(dir: string): boolean {
  const probe = join(dir, `.boxwright-write-test.${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe);
    return false;
  } catch {
    return true;
  }
}

export interface Streams {
  out: (text: string) => void;
  err: (text: string) => void;
}

const STATE_TEXT: Record<string, string> = {
  missing: 'missing',
  stale: 'stale (out of date with its config)',
  'hand-edited': 'hand-edited (changed since it was generated)',
  extra: 'extra (its config no longer produces it)',
  'extra-edited': 'hand-edited, and its config no longer produces it (generate will not remove it)',
  unmanaged: 'not made by boxwright (generate will not overwrite it)',
  leftover: 'a temporary file left by an interrupted run (generate removes it)',
};

/** The generator's command line; never throws: every failure is one line and an exit code. */
export async function main(argv: string[], cwd = process.cwd(), streams: Streams = defaultStreams()): Promise<number> {
  try {
    return await run(argv, cwd, streams);
  } catch (error) {
    if (error instanceof Failure) {
      streams.err(`generate: ${error.message}\n`);
      return error.code;
    }
    const message = error instanceof Error ? error.message : String(error);
    streams.err(`generate: internal error: ${message.split('\n')[0]} (please report it)\n`);
    return EXIT.internal;
  }
}

async function run(argv: string[], cwd: string, streams: Streams): Promise<number> {
  const options = await parseArguments(argv, streams);
  if (typeof options === 'number') return options;
  const outDir = resolve(cwd, options.out);
  const compilation = compile(options, cwd, outDir, streams);
  if (typeof compilation === 'number') return compilation;
  const scopes = options.only?.length ? compilation.ids : [''];
  const planNow = () =>
    failingAs(`cannot read ${options.out}`, EXIT.cannotWrite, () => plan(compilation.files, outDir, scopes));
  if (options.check) return check(planNow(), compilation, options, streams);
  // Planned and written under the output folder's lock: a second run waits for this one.
  try {
    return withOutputLock(outDir, () => write(planNow(), compilation, options, outDir, streams));
  } catch (error) {
    if (!(error instanceof OutputBusy)) throw error;
    streams.err(`generate: cannot write to ${options.out}: ${error.message}\n`);
    return EXIT.cannotWrite;
  }
}

interface Options {
  check: boolean;
  only?: string[];
  out: string;
  configs: string;
  force: boolean;
  quiet: boolean;
}

/** The options, or the exit code when there is nothing to generate (help, a usage error). */
async function parseArguments(argv: string[], streams: Streams): Promise<Options | number> {
  let usageFailure: string | undefined;
  const parser = yargs(argv)
    .scriptName('generate.mjs')
    .usage(
      `Usage: ${project().generate} [options]\n\nValidates every config in configs/ and compiles it into generated/<name>/.`,
    )
    .option('check', {
      type: 'boolean',
      default: false,
      describe: 'Generate in memory and compare with the files on disk; write nothing',
    })
    .option('only', { type: 'string', array: true, describe: 'Only these configs (by name, e.g. zephyr)' })
    .option('out', { type: 'string', default: 'generated', describe: 'Output folder' })
    .option('configs', { type: 'string', default: 'configs', describe: 'Folder holding the configs' })
    .option('force', {
      type: 'boolean',
      default: false,
      describe: 'Overwrite generated files that were edited by hand',
    })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print only problems' })
    .epilog(
      'Exit codes: 0 done or up to date; 1 --check found files out of date; 2 a config is invalid; 3 refused to overwrite or remove a file edited by hand (or not made by boxwright); 64 usage error.',
    )
    .strict()
    .help()
    .version(false)
    .exitProcess(false)
    .fail((message, error) => {
      usageFailure = message || error?.message;
    });
  let args: Awaited<ReturnType<typeof parser.parse>> | undefined;
  let helpShown = false;
  try {
    args = await parser.parse(argv, {}, (_error, _parsed, output) => {
      if (output) {
        helpShown = !usageFailure;
        if (helpShown) streams.out(`${output}\n`);
      }
    });
  } catch (error) {
    usageFailure ??= (error as Error).message;
  }
  if (usageFailure || !args) {
    streams.err(`generate: ${usageFailure}\nTry '${project().generate} --help'.\n`);
    return EXIT.usage;
  }
  return helpShown ? EXIT.ok : args;
}

/** Every config compiled, or the exit code once its problems are printed. */
function compile(options: Options, cwd: string, outDir: string, streams: Streams): Compilation | number {
  let compilation: Compilation;
  try {
    const configsDir = resolve(cwd, options.configs);
    compilation = failingAs(`cannot read the configs folder ${options.configs}`, EXIT.noInput, () =>
      compileConfigs({ cwd, configsDir, outDir, only: options.only }),
    );
  } catch (error) {
    if (error instanceof UsageError) {
      streams.err(`generate: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  for (const entry of compilation.ignored) streams.err(`generate: warning: ${join(options.configs, entry)}\n`);
  if (compilation.problems.length === 0) return compilation;
  const files = new Set(compilation.problems.map((p) => p.location.file));
  streams.err(`${sortProblems(compilation.problems).map(describe).join('\n')}\n`);
  const count = compilation.problems.length;
  streams.err(
    `\n${count} problem${count === 1 ? '' : 's'} in ${files.size} file${files.size === 1 ? '' : 's'}; nothing was written.\n`,
  );
  return EXIT.invalid;
}

function shown(options: Options, p: PlannedFile): string {
  return `${options.out.replace(/\/$/, '')}/${p.path}`;
}

/** --check: what differs from the files on disk (and stale validators), writing nothing. */
function check(planned: PlannedFile[], compilation: Compilation, options: Options, streams: Streams): number {
  const changes = planned.filter((p) => p.state !== 'up-to-date');
  const staleValidators = staleCompiledValidators();
  if (staleValidators.length > 0) {
    streams.err(
      staleValidators.map((path) => `${path}: stale (out of date with its schema)`).join('\n') +
        `\nrun \`${COMPILE_COMMAND}\` to update.\n`,
    );
    if (changes.length === 0) return EXIT.outOfDate;
  }
  if (changes.length === 0) {
    if (!options.quiet) streams.out(`${compilation.files.length} generated files are up to date.\n`);
    return EXIT.ok;
  }
  streams.err(`${changes.map((p) => `${shown(options, p)}: ${STATE_TEXT[p.state]}`).join('\n')}\n`);
  streams.err(
    `\n${changes.length} file${changes.length === 1 ? ' is' : 's are'} out of date; run \`${project().generate}\` to update.\n`,
  );
  return EXIT.outOfDate;
}

/** Writes the plan, unless it would overwrite a file edited by hand or not made here. */
function write(
  planned: PlannedFile[],
  compilation: Compilation,
  options: Options,
  outDir: string,
  streams: Streams,
): number {
  const changes = planned.filter((p) => p.state !== 'up-to-date');
  const edited = (p: PlannedFile) => p.state === 'hand-edited' || p.state === 'extra-edited';
  const refused = planned.filter((p) => p.state === 'unmanaged' || (edited(p) && !options.force));
  if (refused.length > 0) {
    streams.err(`${refused.map((p) => `${shown(options, p)}: ${STATE_TEXT[p.state]}`).join('\n')}\n`);
    streams.err(
      refused.some(edited)
        ? '\nNothing was written. Move your edits into the config, or pass --force to discard them.\n'
        : '\nNothing was written. Move that file away: boxwright only replaces files it generated.\n',
    );
    return EXIT.refused;
  }
  failingAs(`cannot write to ${options.out}`, EXIT.cannotWrite, () => apply(planned, outDir), outDir);
  if (options.quiet) return EXIT.ok;
  // What a manifest leaves out is said when it is written, not on every run.
  const written = new Set(changes.flatMap((p) => (p.file ? [sourceOf(p.file.content)] : [])));
  for (const warning of sortProblems(compilation.warnings))
    if (written.has(warning.location.file)) streams.err(`generate: warning: ${describe(warning)}\n`);
  for (const p of changes)
    streams.out(
      `${removes(p.state) ? 'removed' : p.state === 'missing' ? 'created' : 'updated'} ${shown(options, p)}\n`,
    );
  streams.out(`${compilation.files.length} files from ${compilation.ids.length} configs; ${changes.length} changed.\n`);
  return EXIT.ok;
}

/** boxwright's own compiled validators that no longer match their schemas. */
function staleCompiledValidators(): string[] {
  return KINDS.map((kind) => join(SCHEMAS_DIR, kind.schemaFile))
    .filter((path) => !compiledIsCurrent(path, readFileSync(path, 'utf8')))
    .map((path) => relative(BOXWRIGHT_ROOT, compiledPath(path)));
}

export function defaultStreams(): Streams {
  return { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
}
