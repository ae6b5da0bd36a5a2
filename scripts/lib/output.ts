// Compares generated files with what is on disk, and writes them: atomically, never over a
// file boxwright did not make, and removing only stale files that carry its header.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { shortDigest } from './digest.ts';
import { provenance, seal, sourceOf } from './header.ts';

export interface GeneratedFile {
  path: string; // relative to the output folder, with /
  content: string; // with the digest placeholder; sealed when planned
  executable: boolean;
}

/**
 * `extra`: boxwright made it and its config no longer produces it (removed); `extra-edited`:
 * the same, but edited by hand since (refused, like overwriting a hand edit, without --force).
 */
export type FileState =
  | 'up-to-date'
  | 'missing'
  | 'stale'
  | 'hand-edited'
  | 'extra'
  | 'extra-edited'
  | 'unmanaged'
  | 'leftover';

/** A temporary file of a run that ended before renaming it: `.<name>.<pid>.tmp`. */
const TEMPORARY = /^\.(.+)\.(\d+)\.tmp$/;

function temporaryPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
}

/** Whether `pid` is a process still running here (a run writing its own temporary files). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether writing the plan removes a file in this state. */
export function removes(state: FileState): boolean {
  return state === 'extra' || state === 'extra-edited' || state === 'leftover';
}

export interface PlannedFile {
  path: string;
  state: FileState;
  file?: GeneratedFile; // absent for extra files
}

/**
 * What writing `files` into `outDir` would do. `scopes` limits the search for extra files
 * to those subfolders (one per config that was generated).
 */
export function plan(files: GeneratedFile[], outDir: string, scopes: readonly string[]): PlannedFile[] {
  const planned: PlannedFile[] = [];
  const expected = new Set<string>();
  for (const file of files) {
    const sealed = { ...file, content: seal(file.content) };
    expected.add(sealed.path);
    planned.push({ path: sealed.path, state: stateOf(sealed, join(outDir, sealed.path)), file: sealed });
  }
  for (const scope of scopes) {
    for (const path of listFiles(join(outDir, scope))) {
      const relativePath = relative(outDir, path).split(sep).join('/');
      if (expected.has(relativePath)) continue;
      // Another run's leftover whatever it holds (even nothing, if it was killed before its
      // first write); a live run's own temporary files are its business.
      const temporary = TEMPORARY.exec(basename(path));
      if (temporary) {
        if (Number(temporary[2]) !== process.pid && !running(Number(temporary[2])))
          planned.push({ path: relativePath, state: 'leftover' });
        continue;
      }
      const content = readFileSync(path, 'utf8');
      if (!isManaged(relativePath, content)) continue;
      planned.push({ path: relativePath, state: provenance(content) === 'hand-edited' ? 'extra-edited' : 'extra' });
    }
  }
  return planned.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Whether an existing file is one boxwright would remove: it carries the header, and stands
 * where boxwright writes, <config>/<file>, in the folder of the config its header names. Any
 * other file is left alone, whatever folder --out names (even `.`).
 */
function isManaged(relativePath: string, content: string): boolean {
  if (provenance(content) === 'unmanaged') return false;
  const [folder, name, ...deeper] = relativePath.split('/');
  const source = sourceOf(content);
  if (name === undefined || deeper.length > 0 || source === undefined) return false;
  return basename(source).replace(/\.jsonc?$/, '') === folder;
}

function stateOf(file: GeneratedFile, path: string): FileState {
  if (!existsSync(path)) return 'missing';
  const content = readFileSync(path, 'utf8');
  const origin = provenance(content);
  if (origin === 'unmanaged') return 'unmanaged';
  if (origin === 'hand-edited') return 'hand-edited';
  const executable = (statSync(path).mode & 0o111) !== 0;
  return content === file.content && executable === file.executable ? 'up-to-date' : 'stale';
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(path);
    return entry.isFile() ? [path] : [];
  });
}

/**
 * Applies a plan. Every new file is written to a temporary file beside its target first and
 * only then renamed over it, so a failure leaves no half-written file; if any write fails,
 * the temporary files are removed and nothing is renamed.
 */
export function apply(planned: PlannedFile[], outDir: string): void {
  const writes = planned.filter(
    (p) => p.file && (p.state === 'missing' || p.state === 'stale' || p.state === 'hand-edited'),
  );
  const staged: { temporary: string; target: string }[] = [];
  const created: string[] = [];
  const folders = new Set<string>();
  // The mode must not depend on the umask; chmod only when the umask would change it.
  const umask = process.umask(0o022);
  process.umask(umask);
  try {
    for (const { file } of writes) {
      const target = join(outDir, file!.path);
      const folder = dirname(target);
      if (!folders.has(folder)) {
        const first = mkdirSync(folder, { recursive: true });
        if (first !== undefined) created.push(first);
      }
      folders.add(folder);
      const temporary = temporaryPath(target);
      const mode = file!.executable ? 0o755 : 0o644;
      // Staged before it is written: a write that fails half way (a full disk) is removed too.
      staged.push({ temporary, target });
      writeFileSync(temporary, file!.content, { mode });
      if ((mode & umask) !== 0) chmodSync(temporary, mode);
    }
  } catch (error) {
    for (const { temporary } of staged) rmSync(temporary, { force: true });
    // Folders this run made did not exist before it: a failed run leaves none behind.
    for (const folder of created.reverse()) rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  for (const { temporary, target } of staged) renameSync(temporary, target);
  for (const extra of planned.filter((p) => removes(p.state))) {
    const path = join(outDir, extra.path);
    rmSync(path, { force: true });
    removeEmptyParents(dirname(path), outDir);
  }
}

function removeEmptyParents(dir: string, stop: string): void {
  while (relative(stop, dir) !== '' && !relative(stop, dir).startsWith('..') && readdirSync(dir).length === 0) {
    rmdirSync(dir);
    dir = dirname(dir);
  }
}

export class OutputBusy extends Error {}

/** The lock file of an output folder, in the system's temporary folder. */
export function outputLockPath(outDir: string): string {
  return join(tmpdir(), `boxwright-${shortDigest(outDir)}.lock`);
}

/**
 * Runs `work` holding the output folder's lock, so that two runs at once take turns instead of
 * removing each other's files. The lock is a file in the system's temporary folder, named after
 * the output folder's path and holding its run's pid: nothing is added to the repository, and
 * the lock of a run that was killed is taken over.
 */
export function withOutputLock<T>(outDir: string, work: () => T, waitMs = 60_000): T {
  const lock = outputLockPath(outDir);
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder: number;
    try {
      holder = Number(readFileSync(lock, 'utf8') || Number.NaN);
    } catch {
      continue; // released meanwhile
    }
    // An empty file is a run between creating and writing it: wait for it like any other.
    if (Number.isInteger(holder) && !running(holder)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new OutputBusy(`another generate run (pid ${holder}) is still writing there`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
  try {
    return work();
  } finally {
    rmSync(lock, { force: true });
  }
}
