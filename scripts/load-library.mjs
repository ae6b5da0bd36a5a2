// Loads the TypeScript library in scripts/lib/ for the entry scripts, without a build step
// that can go stale. The sources are bundled by esbuild into one module in
// node_modules/.cache/boxwright/, named by a digest of every source file, and that digest
// is computed on every run: an edited source always gets a new bundle. Importing one plain
// module is a third of the time tsx's loader needs for thirty, which is most of a
// generator run. Where the cache cannot be written, tsx loads the sources directly.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

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

/** The digest of the library's sources (names and contents), and of this loader. */
function sourcesDigest() {
  const hash = createHash('sha256').update(readFileSync(import.meta.filename));
  for (const path of sources(lib).sort()) hash.update(`${relative(lib, path)}\n`).update(readFileSync(path));
  return hash.digest('hex').slice(0, 16);
}

/** The entries the package's commands load, which `npm pack` bundles beforehand (prebuild). */
const ENTRIES = ['cli.ts', 'import/cli.ts', 'package/boxwright.ts'];
const prebuilt = join(root, 'dist');

/** The library module `name` (e.g. 'cli.ts'), as a namespace of its exports. */
export async function loadLibrary(name) {
  const digest = sourcesDigest();
  globalThis[Symbol.for('boxwright.root')] = pathToFileURL(`${root}/`).href;
  // The installed package's bundles, made by npm pack from these very sources: no esbuild.
  const packed = join(prebuilt, `${name.replace(/\.ts$/, '')}-${digest}.mjs`);
  if (exists(packed)) return import(pathToFileURL(packed).href);
  const entry = join(lib, name);
  // esbuild, where it is: beside boxwright when installed as a dependency, as Node finds it.
  const { version } = JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8'));
  // The bundle depends on the sources, esbuild and the options below: all go into its name.
  const name16 = createHash('sha256').update(`esbuild ${version}\n${name}\n${digest}`).digest('hex').slice(0, 16);
  const bundle = join(cache, `${name.replace(/\.ts$/, '')}-${name16}.mjs`);
  if (!exists(bundle)) {
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

function exists(path) {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * `node scripts/load-library.mjs --prebuild` (npm pack's prepack): the entries' bundles in
 * dist/, named by the sources' digest, so that the installed package needs no esbuild and a
 * bundle is used only with the sources it was made from; `--clean` (postpack) removes them.
 */
async function prebuild(clean) {
  rmSync(prebuilt, { recursive: true, force: true });
  if (clean) return;
  const digest = sourcesDigest();
  for (const name of ENTRIES)
    await writeBundle(join(lib, name), join(prebuilt, `${name.replace(/\.ts$/, '')}-${digest}.mjs`));
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
    // yaml's Node build is CommonJS and requires Node's own modules: give the bundle a require.
    banner: {
      js: "import { createRequire as bwCreateRequire } from 'node:module'; const require = bwCreateRequire(import.meta.url);",
    },
    plugins: [sourceUrls],
    logLevel: 'silent',
  });
  mkdirSync(dirname(bundle), { recursive: true });
  const temporary = `${bundle}.${process.pid}.tmp`;
  writeFileSync(temporary, result.outputFiles[0].text);
  renameSync(temporary, bundle);
  // Bundles of older sources go after a week unused. Not at once: another checkout of other
  // sources may share this node_modules, and another run may be about to import one.
  if (dirname(bundle) !== cache) return;
  const weekAgo = Date.now() - 7 * 24 * 3600 * 1000;
  for (const old of readdirSync(cache)) {
    const path = join(cache, old);
    if (path !== bundle && old.endsWith('.mjs') && statSync(path).atimeMs < weekAgo && statSync(path).mtimeMs < weekAgo)
      rmSync(path, { force: true });
  }
}

// A module that finds files from its own URL must still find them from its source: its path
// relative to the root, resolved against the root the bundle is loaded for. The bundle holds
// no absolute path, so one checkout can share it with a copy of itself (the pre-commit hook
// runs the generator in an exported copy of the staged tree).
const sourceUrls = {
  name: 'source-urls',
  setup(build) {
    build.onLoad({ filter: /\.(ts|mjs|js|cjs)$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const source = JSON.stringify(relative(root, args.path).split(sep).join('/'));
      const contents = text.replaceAll(
        'import.meta.url',
        `new URL(${source}, globalThis[Symbol.for('boxwright.root')]).href`,
      );
      return { contents, loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
    });
  },
};

if (process.argv[1] === import.meta.filename && ['--prebuild', '--clean'].includes(process.argv[2] ?? ''))
  await prebuild(process.argv[2] === '--clean');
