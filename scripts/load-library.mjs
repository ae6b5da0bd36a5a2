// Loads the TypeScript library in scripts/lib/ for the entry scripts, without a build step
// that can go stale. The sources are bundled by esbuild into one module in
// node_modules/.cache/boxwright/, named by a digest of every source file, and that digest
// is computed on every run: an edited source always gets a new bundle. Importing one plain
// module is a third of the time tsx's loader needs for thirty, which is most of a
// generator run. Where the cache cannot be written, tsx loads the sources directly.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const lib = join(root, 'scripts/lib');
const cache = join(root, 'node_modules/.cache/boxwright');

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The library module `name` (e.g. 'cli.ts'), as a namespace of its exports. */
export async function loadLibrary(name) {
  const entry = join(lib, name);
  const { version } = JSON.parse(readFileSync(join(root, 'node_modules/esbuild/package.json'), 'utf8'));
  // The bundle depends on the sources, esbuild and the options below: all go into its name.
  const hash = createHash('sha256').update(`esbuild ${version}\n${name}\n`).update(readFileSync(import.meta.filename));
  for (const path of sources(lib).sort()) hash.update(`${relative(lib, path)}\n`).update(readFileSync(path));
  const bundle = join(cache, `${name.replace(/\.ts$/, '')}-${hash.digest('hex').slice(0, 16)}.mjs`);
  try {
    statSync(bundle);
  } catch {
    try {
      await writeBundle(entry, bundle);
    } catch {
      const { register } = await import('tsx/esm/api');
      register();
      return import(pathToFileURL(entry).href);
    }
  }
  return import(pathToFileURL(bundle).href);
}

async function writeBundle(entry, bundle) {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    // A bundle of the dependencies too: resolving yargs' thirty modules one by one costs more
    // than all of the generator's own work. ajv is left out: only a stale schema needs it.
    external: ['ajv', 'ajv/*'],
    // jsonc-parser's "main" is a UMD build that requires its parts at run time.
    mainFields: ['module', 'main'],
    // A module that finds files from its own URL must still find them from its source folder.
    plugins: [sourceUrls],
    logLevel: 'silent',
  });
  mkdirSync(cache, { recursive: true });
  const temporary = `${bundle}.${process.pid}.tmp`;
  writeFileSync(temporary, result.outputFiles[0].text);
  renameSync(temporary, bundle);
  // Bundles of older sources are of no further use.
  const prefix = `${name(entry)}-`;
  for (const old of readdirSync(cache)) {
    if (old.startsWith(prefix) && old.endsWith('.mjs') && join(cache, old) !== bundle) rmSync(join(cache, old), { force: true });
  }
}

const sourceUrls = {
  name: 'source-urls',
  setup(build) {
    build.onLoad({ filter: /\.(ts|mjs|js|cjs)$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const contents = text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
      return { contents, loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
    });
  },
};

function name(entry) {
  return entry.slice(lib.length + 1).replace(/\.ts$/, '');
}
