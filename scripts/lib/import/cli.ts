// The importer's command line: `npx zx scripts/import.mjs compose|devcontainer|distrobox|quadlet FILE
// [--name NAME] [--configs DIR]` writes configs/NAME.jsonc (and a compose file's members
// beside it) from a file another tool reads.
// The config it writes is one the generator accepts: whatever boxwright refuses in it is
// left out, with boxwright's own reason as a comment where it was. It never overwrites.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import yargs from 'yargs';
import { compileConfigs } from '../generate.ts';
import { project } from '../project.ts';
import { importCompose, type ImportedSet } from './compose.ts';
import { importDevcontainer } from './devcontainer.ts';
import { importDistrobox, type Imported } from './distrobox.ts';
import { ImportProblem } from './problem.ts';
import { importQuadlet } from './quadlet.ts';
import { importQuadletFolder } from './quadlet-folder.ts';
import { type JsonValue, remark, writeJsonc } from './jsonc.ts';

const EXIT = { ok: 0, usage: 64, badInput: 65, noInput: 66, cannotWrite: 73, exists: 3 } as const;
const FORMATS = ['compose', 'devcontainer', 'distrobox', 'quadlet'] as const;
type Format = (typeof FORMATS)[number];

interface Streams {
  out(text: string): void;
  err(text: string): void;
}

/** `file` is absolute; `repository` holds the configs folder (relative paths are written against it). */
type Importer = (text: string, source: string, name: string, file: string, repository: string) => ImportedSet;

const IMPORTERS: Record<Format, Importer> = {
  compose: (text, source, name, file, repository) => importCompose(text, source, name, { file, repository }),
  devcontainer: (text, source, name, file, repository) => ({
    main: importDevcontainer(text, source, name, { file, repository }),
    others: [],
  }),
  distrobox: (text, source) => ({ main: importDistrobox(text, source), others: [] }),
  quadlet: (text, source, name, file, repository) =>
    statSync(file).isDirectory()
      ? importQuadletFolder(file, source, name, repository)
      : { main: importQuadlet(text, source, { file, repository }), others: [] },
};

/**
 * The name a config gets from its file: distrobox.ini's own, the folder of a .devcontainer,
 * or a compose file's folder (podman-compose's project name).
 */
function defaultName(format: Format, file: string): string {
  const absolute = resolve(file);
  const stem = basename(absolute).replace(/\.[^.]*$/, '');
  if (format === 'compose') return composeProject(absolute) ?? basename(dirname(absolute));
  if (format === 'devcontainer') {
    const folder = basename(dirname(absolute));
    return (folder === '.devcontainer' ? basename(dirname(dirname(absolute))) : folder).toLowerCase();
  }
  return stem;
}

/** The project's name a compose file gives itself (name:), which compose prefers to its folder's. */
function composeProject(file: string): string | undefined {
  try {
    const name = (parseYaml(readFileSync(file, 'utf8')) as { name?: unknown } | null)?.name;
    return typeof name === 'string' && /^[a-z0-9][a-z0-9_-]*$/.test(name) ? name : undefined;
  } catch {
    // The importer reports what is wrong with the file, with its line.
    return undefined;
  }
}

export async function importMain(
  argv: string[],
  cwd = process.cwd(),
  streams: Streams = defaultStreams(),
): Promise<number> {
  let failure: string | undefined;
  const parsed = await yargs(argv)
    .scriptName(project().import)
    .usage(
      '$0 FORMAT FILE [--name NAME]\n\nWrites configs/NAME.jsonc from a compose file (a stack, and NAME-SERVICE.jsonc per service), a devcontainer.json, a distrobox.ini or a Quadlet .container unit.',
    )
    .command('$0 <format> <file>', false)
    .positional('format', { choices: FORMATS })
    .positional('file', { type: 'string' })
    .option('name', { type: 'string', describe: 'the config name (default: from the file)' })
    .option('configs', { type: 'string', default: 'configs', describe: 'folder of the configs' })
    .strict()
    .version(false)
    .exitProcess(false)
    .fail((message) => {
      failure = message;
    })
    .parseAsync()
    .catch((error: Error) => {
      failure ??= error.message;
    });
  // yargs has printed the help; there is nothing to import.
  if (argv.includes('--help') || argv.includes('-h')) return EXIT.ok;
  if (failure || !parsed) {
    streams.err(`import: ${failure ?? 'bad arguments'}\nTry '${project().import} --help'.\n`);
    return EXIT.usage;
  }
  const format = parsed.format as Format;
  const file = resolve(cwd, String(parsed.file));
  const name = parsed.name ?? defaultName(format, file);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    streams.err(`import: "${name}" cannot be a config name (letters, digits, ".", "_" or "-"): pass --name\n`);
    return EXIT.usage;
  }
  let text = '';
  try {
    // A folder of Quadlet units is read unit by unit, as a stack.
    if (!(format === 'quadlet' && statSync(file).isDirectory())) text = readFileSync(file, 'utf8');
  } catch {
    streams.err(`import: cannot read ${relative(cwd, file) || file}\n`);
    return EXIT.noInput;
  }
  const configs = resolve(cwd, parsed.configs);
  let imported: ImportedSet;
  try {
    imported = IMPORTERS[format](text, relative(cwd, file) || file, name, file, dirname(configs));
    settle(imported, name, dirname(configs));
  } catch (error) {
    return refused(error, relative(cwd, file) || file, cwd, streams);
  }
  const files = [{ name, imported: imported.main }, ...imported.others];
  const targets = files.map((f) => join(configs, `${f.name}.jsonc`));
  const taken = targets.find((target) => existsSync(target));
  if (taken) {
    streams.err(`import: ${relative(cwd, taken)} exists: nothing was written (choose another --name)\n`);
    return EXIT.exists;
  }
  try {
    mkdirSync(configs, { recursive: true });
    for (const [i, f] of files.entries())
      writeFileSync(targets[i]!, writeJsonc(f.imported.config, f.imported.remarks, []), { flag: 'wx' });
  } catch {
    streams.err(`import: ${relative(cwd, configs)} cannot be written\n`);
    return EXIT.cannotWrite;
  }
  for (const [i, f] of files.entries()) {
    const dropped = [...f.imported.remarks.left.values()].flat().length;
    streams.out(
      `wrote ${relative(cwd, targets[i]!)}${dropped ? ` (${dropped} value${dropped === 1 ? '' : 's'} left out: see its comments)` : ''}\n`,
    );
  }
  return EXIT.ok;
}

/** What stops an import, in one line: where in the file, as generate says it, and its exit code. */
function refused(error: unknown, shown: string, cwd: string, streams: Streams): number {
  if (error instanceof ImportProblem) {
    // As generate says a config's problem: FILE:LINE:COLUMN  POINTER  MESSAGE.
    const where = error.file ? relative(cwd, error.file) || error.file : shown;
    streams.err(`import: ${where}:${error.line}:${error.column}  ${error.pointer || '/'}  ${error.message}\n`);
    return EXIT.badInput;
  }
  // One line: a parser's message may carry a picture of the spot on the lines after it.
  streams.err(`import: ${shown}: ${(error as Error).message.split('\n')[0]}\n`);
  return EXIT.noInput;
}

/**
 * Compiles the configs as the generator would and leaves out each value it refuses, with the
 * generator's reason in a comment there, until they compile: what is written always does.
 */
export function settle(set: ImportedSet, name: string, repository: string): void {
  const files = [{ name, imported: set.main }, ...set.others];
  const scratch = mkdtempSync(join(tmpdir(), 'boxwright-import-'));
  try {
    const folder = join(scratch, 'configs');
    mkdirSync(folder, { recursive: true });
    for (let round = 0; round < 100; round++) {
      for (const f of files)
        writeFileSync(join(folder, `${f.name}.jsonc`), JSON.stringify({ ...f.imported.config, $schema: undefined }));
      const { problems } = compileConfigs({
        cwd: scratch,
        configsDir: folder,
        outDir: join(scratch, 'generated'),
        repository,
      });
      if (problems.length === 0) return;
      const removed = problems.some((problem) => {
        const owner = files.find((f) => problem.location.file === `configs/${f.name}.jsonc`);
        return (
          owner !== undefined &&
          leaveOut(owner.imported.config, problem.location.pointer, problem.message, owner.imported.remarks)
        );
      });
      if (!removed)
        throw new Error(`the imported config is refused: ${problems[0]!.location.pointer} ${problems[0]!.message}`);
    }
    throw new Error('the imported config is refused, whatever is left out');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Leaves out what a problem's pointer names: in a list or a map, the item; else the key. A
 * distrobox container's own keys and an environment's top-level keys are the coarsest it
 * goes: never a whole container, nor the config.
 */
function leaveOut(
  config: { [key: string]: JsonValue },
  pointer: string,
  why: string,
  remarks: Imported['remarks'],
): boolean {
  const path = pointer
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
  const coarsest = config.kind === 'distrobox' ? 2 : 0;
  if (path.length <= coarsest) return false;
  const at = (keys: string[]) =>
    keys.reduce<JsonValue | undefined>(
      (node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, JsonValue>)[key] : undefined),
      config,
    );
  const key = path.slice(0, coarsest + 1);
  const holder = at(key);
  if (holder !== null && typeof holder === 'object' && path.length > coarsest + 1) key.push(path[coarsest + 1]!);
  const parent = at(key.slice(0, -1)) as Record<string, JsonValue> | JsonValue[] | undefined;
  const last = key.at(-1)!;
  const value = Array.isArray(parent) ? parent[Number(last)] : parent?.[last];
  if (parent === undefined || value === undefined) return false;
  remark(
    remarks.left,
    key.length > 1 ? `/${key.slice(0, -1).join('/')}` : '',
    `${last}: ${JSON.stringify(value)} is left out: ${why}`,
  );
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return true;
}

function defaultStreams(): Streams {
  return { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
}
