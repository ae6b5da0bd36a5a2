// devcontainer.json files written like those of well-known projects (test/import/devcontainer/
// projects/: a CUDA build with features and a GPU, a desktop with forwarded ports, object-form
// lifecycle commands, ${devcontainerId} cache volumes, Rust, Go, a team's local feature, a docs
// site), each imported from a folder outside this repository and generated again: the
// devcontainer CLI reads the original and the regenerated file alike, key by key.
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'jsonc-parser';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readByCli } from './devcontainer-support.ts';
import { generate, remove, ROOT, runImport, tempDir } from './helpers.ts';

type Obj = Record<string, unknown>;

const PROJECTS = join(ROOT, 'test/import/devcontainer/projects');
const NAMES = ['cuda', 'desktop', 'lifecycle', 'caches', 'rust', 'go', 'local-features', 'docs'];
const projects = suite('import: devcontainer.json of eight projects');

/** Keys the CLI reads the same from both files, where the original has them. */
const SAME = [
  'containerEnv',
  'remoteUser',
  'onCreateCommand',
  'updateContentCommand',
  'postCreateCommand',
  'postStartCommand',
  'postAttachCommand',
  'customizations',
];

/** A feature's options as the CLI takes them: a string alone is its version. */
function options(features: unknown): Obj {
  return Object.fromEntries(
    Object.entries((features ?? {}) as Obj).map(([id, given]) => [
      id,
      typeof given === 'string' ? { version: given } : given,
    ]),
  );
}

/** A mount in either form, as its fields (a string's are comma-separated, in any order). */
function mountFields(mount: unknown): string {
  if (typeof mount === 'string') return mount.split(',').sort().join(',');
  return Object.entries(mount as Obj)
    .map(([key, value]) => `${key}=${String(value)}`)
    .sort()
    .join(',');
}

for (const name of NAMES)
  projects(`${name}: imported and generated again, it reads the same to the devcontainer CLI`, async () => {
    const repository = tempDir();
    try {
      cpSync(join(PROJECTS, name), join(repository, name), { recursive: true });
      const file = `${name}/.devcontainer/devcontainer.json`;
      const imported = await runImport(['devcontainer', file, '--name', name], repository);
      assert.is(imported.code, 0, imported.err);
      const config = parse(readFileSync(join(repository, `configs/${name}.jsonc`), 'utf8')) as Obj;
      const generated = await generate(['--quiet'], repository);
      assert.is(generated.code, 0, generated.err);
      const before = readByCli(join(repository, file), join(repository, name));
      const after = readByCli(join(repository, `generated/${name}/devcontainer.json`), repository);
      for (const key of SAME) if (before[key] !== undefined) assert.equal(after[key], before[key], key);
      const all = options(before.features);
      // A local feature by its folder in the repository, as the config names it.
      const placed = Object.fromEntries(
        Object.entries(all).map(([id, given]) => [
          id.startsWith('./') ? `./${name}/.devcontainer/${id.slice(2)}` : id,
          given,
        ]),
      );
      assert.equal(options(config.features), placed, 'the config has every feature');
      const remote = Object.fromEntries(Object.entries(all).filter(([id]) => !id.startsWith('./')));
      assert.equal(options(after.features), remote, 'devcontainer.json carries the registry ones');
      const local = Object.keys(all).length - Object.keys(remote).length;
      if (local) assert.equal((after.build as Obj).dockerfile, 'features.Containerfile', 'the local ones are built');
      const mounts = (c: Obj) => ((c.mounts ?? []) as unknown[]).map(mountFields).sort();
      assert.equal(mounts(after), mounts(before), 'mounts');
      if (before.hostRequirements)
        assert.equal((after.hostRequirements as Obj).gpu, (before.hostRequirements as Obj).gpu, 'gpu');
      // A forwarded port is published on the host, where launch.sh and the CLI reach it alike.
      const published = JSON.stringify(after.runArgs ?? []) + JSON.stringify(after.appPort ?? []);
      for (const port of (before.forwardPorts ?? []) as number[])
        assert.ok(published.includes(`${port}:${port}`), `port ${port} in ${published}`);
    } finally {
      remove(repository);
    }
  });

projects.run();
