// The Kubernetes target: every manifest boxwright writes or prints is read back as YAML and
// checked against the Kubernetes OpenAPI schemas (kubernetes-models, offline); launch.sh
// --kube prints, in every shell, what the TypeScript model of the combination says; text
// survives Kubernetes' own $(VAR) expansion; and what a manifest cannot say is refused at
// its place in the config.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, PersistentVolumeClaim, Pod, Secret, Service } from 'kubernetes-models/v1';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { combinationProblems, imageName } from '../scripts/lib/model/catalog.ts';
import { combinationObjects } from '../scripts/lib/targets/catalog-kube.ts';
import { kubeText, renderManifest } from '../scripts/lib/targets/kube.ts';
import { generate, propertyRuns, remove, ROOT, SHELLS, tempDir, writeFiles } from './helpers.ts';
import { seedCatalog } from './seed-catalog.ts';

type Validating = { validate(): void };
const MODELS: Record<string, new (data: never) => Validating> = {
  ConfigMap,
  Deployment,
  PersistentVolumeClaim,
  Pod,
  Secret,
  Service,
};

/** The objects of a manifest, read as kubectl reads it: YAML documents, none of them broken. */
function readManifest(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text).map((document) => {
    assert.equal(document.errors, [], 'the YAML parses');
    return document.toJS() as Record<string, unknown>;
  });
}

/** Checks an object against the Kubernetes schema of its kind; the error says what is wrong. */
function validate(object: Record<string, unknown>): void {
  const model = MODELS[String(object.kind)];
  assert.ok(model, `no schema for kind ${String(object.kind)}`);
  new model(object as never).validate();
}

const kube = suite('kube');

kube(
  'every committed kube.yaml, of the seeds and the golden cases, passes the Kubernetes schema of each object',
  () => {
    const manifests = ['generated', 'test/cases'].flatMap((folder) =>
      readdirSync(join(ROOT, folder), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .flatMap((entry) =>
          readdirSync(join(ROOT, folder, entry.name))
            .filter((f) => /^kube(-[a-z0-9-]+)?\.yaml$/.test(f))
            .map((f) => join(folder, entry.name, f)),
        ),
    );
    assert.ok(manifests.length >= 4, `manifests found: ${manifests.join(', ')}`);
    for (const manifest of manifests) {
      const objects = readManifest(readFileSync(join(ROOT, manifest), 'utf8'));
      assert.ok(objects.length > 0);
      for (const object of objects) validate(object);
    }
  },
);

kube('the schema check can fail: a uid that is not a number is refused', () => {
  const [, pod] = readManifest(readFileSync(join(ROOT, 'generated/zephyr/kube.yaml'), 'utf8'));
  const spec = pod!.spec as { containers: { securityContext: { runAsUser: unknown } }[] };
  spec.containers[0]!.securityContext.runAsUser = 'kvothe';
  assert.throws(() => validate(pod!), /runAsUser must be integer/);
});

kube('the ConfigMap holds the container files as generated, and the Pod mounts them where launch.sh does', () => {
  const objects = readManifest(readFileSync(join(ROOT, 'generated/turbo-flow/kube.yaml'), 'utf8'));
  const configMap = objects.find((o) => o.kind === 'ConfigMap') as { data: Record<string, string> };
  for (const file of ['entrypoint.sh', 'supervisord.conf', 'workspace.sh'])
    assert.is(configMap.data[file], readFileSync(join(ROOT, 'generated/turbo-flow', file), 'utf8'), file);
  const deployment = objects.find((o) => o.kind === 'Deployment') as {
    spec: { template: { spec: { containers: { command: string[]; volumeMounts: { mountPath: string }[] }[] } } };
  };
  const [container] = deployment.spec.template.spec.containers;
  assert.equal(container!.command, ['/bin/sh', '/opt/boxwright/entrypoint.sh']);
  assert.ok(container!.volumeMounts.some((m) => m.mountPath === '/opt/boxwright'));
});

kube("a stack's modes: one manifest each, members by their container names, with the mode's values", async () => {
  const dir = tempDir();
  try {
    const result = await generate(['--configs', 'test/e2e/configs', '--out', dir, '--quiet'], ROOT);
    assert.is(result.code, 0, result.err);
    const duo = readManifest(readFileSync(join(dir, 'stack/kube-duo.yaml'), 'utf8'));
    const solo = readManifest(readFileSync(join(dir, 'stack/kube-solo.yaml'), 'utf8'));
    for (const object of [...duo, ...solo]) validate(object);
    const named = (objects: Record<string, unknown>[], kind: string) =>
      objects.filter((o) => o.kind === kind).map((o) => (o.metadata as { name: string }).name);
    assert.equal(named(duo, 'Deployment'), ['bw-e2e-stack-api', 'bw-e2e-stack-web']);
    assert.equal(named(solo, 'Deployment'), ['bw-e2e-stack-web']);
    assert.ok(named(duo, 'Service').includes('bw-e2e-stack-api'), 'the API is reached by its container name');
    const apiUrl = (objects: Record<string, unknown>[]) => {
      const web = objects.find(
        (o) => o.kind === 'Deployment' && (o.metadata as { name: string }).name === 'bw-e2e-stack-web',
      ) as {
        spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
      };
      return web.spec.template.spec.containers[0]!.env.find((e) => e.name === 'API_URL')?.value;
    };
    assert.is(apiUrl(duo), 'http://bw-e2e-stack-api:9600');
    assert.is(apiUrl(solo), 'http://localhost:9600');
    const labels = (duo[0]!.metadata as { labels: Record<string, string> }).labels;
    assert.is(labels['app.kubernetes.io/part-of'], 'stack');
  } finally {
    remove(dir);
  }
});

// ---- Kubernetes' $(VAR) expansion ------------------------------------------------------

/**
 * Kubernetes' expansion of env values, command and args (third_party/forked/golang/expansion
 * in kubernetes/kubernetes): $$ is $, $(NAME) is the variable when it is defined, anything
 * else stays as written.
 */
function expand(input: string, mapping: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== '$' || i + 1 >= input.length) {
      out += input[i];
      continue;
    }
    const next = input[i + 1]!;
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      out += mapping(name) ?? `$(${name})`;
      i = close;
    } else {
      out += `$${next}`;
      i++;
    }
  }
  return out;
}

kube('kubeText survives Kubernetes expansion whatever the text and the defined variables', () => {
  const pieces = fc.oneof(fc.string(), fc.constantFrom('$', '$$', '$(', ')', '$(HOME)', '$(X', 'a$'));
  fc.assert(
    fc.property(fc.array(pieces, { maxLength: 12 }), (parts) => {
      const text = parts.join('');
      assert.is(
        expand(kubeText(text), (name) => `<${name}>`),
        text,
      );
    }),
    { numRuns: propertyRuns(300) },
  );
  // The model of expansion is the real one's: unescaped, $(HOME) would be replaced.
  assert.is(
    expand('$(HOME)/x', () => '/root'),
    '/root/x',
  );
});

// ---- launch.sh --kube ------------------------------------------------------------------

function kubeLaunch(shell: string[], args: string[]) {
  return spawnSync(shell[0]!, [...shell.slice(1), join(ROOT, 'generated/codeopen/launch.sh'), '--kube', ...args], {
    encoding: 'utf8',
    // --kube needs no runtime: the PATH has none.
    env: { PATH: '/usr/bin:/bin', LC_ALL: 'C.UTF-8' },
  });
}

kube('launch.sh --kube prints what the model of the combination says, for every preset and in every shell', () => {
  const catalog = seedCatalog();
  for (const shell of SHELLS) {
    for (const preset of catalog.presets) {
      const printed = kubeLaunch(shell.argv, ['--preset', preset.id]);
      assert.is(printed.status, 0, `${shell.name} ${preset.id}: ${printed.stderr}`);
      const image = imageName(catalog, preset.flavor, preset.addons);
      const name = image.replace(/:[^:]*$/, '').replace(/^.*\//, '');
      const objects = readManifest(printed.stdout);
      assert.equal(
        objects,
        combinationObjects(catalog, { tier: preset.tier, flavor: preset.flavor, addons: preset.addons, name, image }),
        `${shell.name} ${preset.id}`,
      );
      for (const object of objects) validate(object);
    }
  }
});

kube('random combinations: printed objects equal the model, or the same rule refuses them', () => {
  const catalog = seedCatalog();
  const ids = (list: { id: string }[]) => list.map((item) => item.id);
  const shells = SHELLS.map((s) => s.argv);
  fc.assert(
    fc.property(
      fc.constantFrom(...ids(catalog.tiers)),
      fc.constantFrom(...ids(catalog.flavors)),
      fc.subarray(ids(catalog.addons)),
      fc.integer({ min: 0, max: 99 }),
      fc.constantFrom(...shells),
      (tier, flavor, addons, instance, shell) => {
        const printed = kubeLaunch(shell, [
          '--tier',
          tier,
          '--flavor',
          flavor,
          '--addons',
          addons.join(','),
          '--instance',
          String(instance),
        ]);
        const refused = combinationProblems(catalog, tier, flavor, addons);
        if (refused.length) {
          assert.is.not(printed.status, 0);
          assert.ok(
            refused.some((text) => printed.stderr.includes(text)),
            printed.stderr,
          );
          return;
        }
        assert.is(printed.status, 0, printed.stderr);
        const image = imageName(catalog, flavor, addons);
        const stem = image.replace(/:[^:]*$/, '').replace(/^.*\//, '');
        const name = instance === 0 ? stem : `${stem}-${instance}`;
        const objects = readManifest(printed.stdout);
        assert.equal(objects, combinationObjects(catalog, { tier, flavor, addons, name, image }));
        for (const object of objects) validate(object);
      },
    ),
    { numRuns: propertyRuns(40, 10) },
  );
});

kube('launch.sh --kube refuses a name that Kubernetes would refuse, before printing anything', () => {
  for (const name of ['Upper', 'has space', '-dash', `${'x'.repeat(64)}`, 'a"b']) {
    const printed = kubeLaunch(['sh'], ['--name', name]);
    assert.is(printed.status, 2, name);
    assert.is(printed.stdout, '');
    assert.match(printed.stderr, /--kube needs a name/);
  }
});

// ---- what a manifest cannot say --------------------------------------------------------

kube('what a manifest cannot say is refused at its place in the config, and nothing is written', async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, {
      'configs/box.jsonc': `{
  "kind": "environment",
  "image": "debian:12",
  "user": "app",
  "mounts": [{ "source": "~/.ssh", "target": "/ssh" }],
  "devices": [{ "path": "/dev/kvm" }],
  "variables": { "NEEDED": { "required": true } },
  "env": { "X": "\${NEEDED}" },
  "kubernetes": {},
}
`,
      'configs/typo.jsonc':
        '{ "kind": "environment", "image": "debian:12", "kubernetes": { "variables": { "TYPO": "1" } } }\n',
    });
    const result = await generate(['--quiet'], dir);
    assert.is(result.code, 2, result.err);
    for (const expected of [
      'configs/box.jsonc:4:11  /user  user "app" is a name, and a Pod runs as a number',
      'configs/box.jsonc:5:26  /mounts/0/source  bind mount /ssh comes from ~/.ssh',
      'configs/box.jsonc:6:15  /devices/0  device /dev/kvm cannot be passed to a Pod',
      'configs/box.jsonc:9:17  /kubernetes  variable NEEDED is required and has no value for the manifest',
      'configs/typo.jsonc:1:79  /kubernetes/variables/TYPO  no variable named "TYPO" is declared',
    ])
      assert.ok(result.err.includes(expected), `${expected}\n--- got:\n${result.err}`);
    assert.not.ok(readdirSync(dir).includes('generated'), 'nothing written');
  } finally {
    remove(dir);
  }
});

kube("a startup that hands over to the image needs the image's ENTRYPOINT, CMD and USER stated", async () => {
  const dir = tempDir();
  try {
    const config = (kubernetes: string) => `{
  "kind": "environment",
  "image": "debian:12",
  "detach": true,
  "startup": { "directories": [{ "path": "/data" }] },
  "kubernetes": ${kubernetes},
}
`;
    writeFiles(dir, { 'configs/box.jsonc': config('{}') });
    const refused = await generate(['--quiet'], dir);
    assert.is(refused.code, 2, refused.err);
    assert.match(refused.err, "hands over to the image's own ENTRYPOINT");
    assert.match(refused.err, "runs the image's CMD");
    assert.match(refused.err, "drops to the image's USER");
    writeFiles(dir, {
      'configs/box.jsonc': config(
        '{ "image": { "entrypoint": ["/serve"], "cmd": ["--port", "$(PORT)"], "user": "app" } }',
      ),
    });
    const accepted = await generate(['--quiet'], dir);
    assert.is(accepted.code, 0, accepted.err);
    const objects = readManifest(readFileSync(join(dir, 'generated/box/kube.yaml'), 'utf8'));
    for (const object of objects) validate(object);
    const deployment = objects.find((o) => o.kind === 'Deployment') as {
      spec: { template: { spec: { containers: { command: string[]; args: string[]; env: unknown[] }[] } } };
    };
    const [container] = deployment.spec.template.spec.containers;
    assert.equal(container!.command, ['/bin/sh', '/opt/boxwright/entrypoint.sh']);
    assert.equal(container!.args, ['/serve', '--port', '$$(PORT)']);
    assert.equal(container!.env, [{ name: 'BOXWRIGHT_USER', value: 'app' }]);
  } finally {
    remove(dir);
  }
});

// ---- YAML read back as kubectl reads it ------------------------------------------------

// Text that stresses YAML: indicators, comments, quotes, escapes, blank and indented lines,
// numbers and booleans that must stay strings, unicode. NUL never reaches a config.
const yamlNasty = fc
  .oneof(
    fc.string({
      unit: fc.constantFrom(...[...`:#-?[]{},&*!|>'"%@\`$ \t\n\r\u0001\u00e9\u4e2d\ud83d\ude00aZ09.`]),
      maxLength: 24,
    }),
    fc.string({ unit: 'grapheme', maxLength: 16 }),
    fc.constantFrom('', 'yes', 'no', 'null', '~', '0x10', '1e3', '- a', 'a: b', '# c', ' lead', 'trail ', '|', '\n\n'),
  )
  .filter((text) => !text.includes('\0'));

kube('any text in a manifest reads back as written, through the YAML parser', () => {
  fc.assert(
    fc.property(fc.array(yamlNasty, { minLength: 1, maxLength: 6 }), (texts) => {
      const object = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'x', annotations: Object.fromEntries(texts.map((t, i) => [`a${i}`, t])) },
        data: Object.fromEntries(texts.map((t, i) => [`k${i}`, t])),
      };
      const file = renderManifest('x/kube.yaml', 'configs/x.json', 'test', [object], texts);
      const [read] = readManifest(file.content);
      assert.equal(read, object);
    }),
    // A line of only blanks: yaml's block scalar read it back as empty (found by this property).
    { numRuns: propertyRuns(300), examples: [[[' \n', '']], [['\t\n\nx']]] },
  );
});

kube('launch.sh --kube writes any env value of the catalog so that the cluster gets it as written', async () => {
  const dir = tempDir();
  try {
    await fc.assert(
      fc.asyncProperty(yamlNasty, async (value) => {
        writeFiles(dir, {
          'configs/cat.json': JSON.stringify({
            kind: 'catalog',
            prefix: 'cat',
            version: '1',
            base: { build: { context: '.' }, env: { VALUE: value } },
            tiers: { small: { cpu: 1, memory: '1Gi', default: true } },
            flavors: { plain: { build: { context: '.' }, default: true } },
            kubernetes: {},
          }),
        });
        const result = await generate(['--quiet'], dir);
        assert.is(result.code, 0, result.err);
        const printed = spawnSync('sh', [join(dir, 'generated/cat/launch.sh'), '--kube'], {
          encoding: 'utf8',
          env: { PATH: '/usr/bin:/bin', LC_ALL: 'C.UTF-8' },
        });
        assert.is(printed.status, 0, printed.stderr);
        const deployment = readManifest(printed.stdout).find((o) => o.kind === 'Deployment') as {
          spec: { template: { spec: { containers: { env: { value: string }[] }[] } } };
        };
        assert.is(
          expand(deployment.spec.template.spec.containers[0]!.env[0]!.value, () => 'X'),
          value,
        );
      }),
      { numRuns: propertyRuns(30, 8) },
    );
  } finally {
    remove(dir);
  }
});

kube("env that extends the image's joins kubernetes.image.env, as launch.sh joins what it reads", async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, {
      'configs/box.json': JSON.stringify({
        kind: 'environment',
        image: 'debian:12',
        env: {
          PATH: { prepend: '/opt/bin' },
          MANPATH: { append: '/opt/man' },
          LD_LIBRARY_PATH: { prepend: '/opt/lib' },
        },
        kubernetes: { image: { env: { PATH: '/usr/bin:/bin', MANPATH: '/usr/share/man' } } },
      }),
    });
    const result = await generate(['--quiet'], dir);
    assert.is(result.code, 0, result.err);
    const [pod] = readManifest(readFileSync(join(dir, 'generated/box/kube.yaml'), 'utf8'));
    const spec = pod!.spec as { containers: { env: unknown }[] };
    assert.equal(spec.containers[0]!.env, [
      { name: 'PATH', value: '/opt/bin:/usr/bin:/bin' },
      { name: 'MANPATH', value: '/usr/share/man:/opt/man' },
      // The image has none: the text alone, as launch.sh gives it.
      { name: 'LD_LIBRARY_PATH', value: '/opt/lib' },
    ]);
  } finally {
    remove(dir);
  }
});

kube.run();
