// Local dev container features on podman and on docker: launch.sh up builds them onto the
// service image (its own USER, ENTRYPOINT and CMD) as the devcontainer CLI builds them: in
// installsAfter order, each install.sh run as root from its own folder with the options as
// variables (a given one, the manifest's defaults for the rest), the manifest's containerEnv
// in the image, and the image's own USER and command after. A second up builds nothing; a
// feature from a registry is named, not installed. Then the devcontainer CLI itself: a
// devcontainer.json with local features, built by the CLI and imported and started by
// launch.sh, gives the same image (what each install.sh did, the environment, the user).
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { generate, ROOT, runImport } from '../helpers.ts';
import { e2eSuite, inContainer, PREFIX, runGenerated, RUNTIMES, runtime, runtimeOk, SERVICE_IMAGE } from './support.ts';

/** What a container made from a features image shows of them. */
const PROBE = 'cat /opt/feature-order /opt/greet/options; id -un; echo "$GREET_HOME"; greet; echo "$PATH"';

for (const on of RUNTIMES) {
  const e2e = e2eSuite(`e2e: dev container features (${on})`, on);
  const launch = (context: Parameters<typeof runGenerated>[0], ...args: string[]) =>
    runGenerated(context, 'featured', 'launch.sh', args, { BOXWRIGHT_RUNTIME: on });

  e2e('up builds the local features onto the image, as the devcontainer CLI does', (context) => {
    const name = `${PREFIX}-featured`;
    const up = launch(context, 'up');
    assert.is(up.status, 0, up.stderr);
    assert.match(up.stderr, `building localhost/${name}-features:latest`);
    assert.match(up.stderr, 'ghcr.io/devcontainers/features/node:1 come from a registry');
    const inside = (script: string) => inContainer(name, script, undefined, on).trimEnd();
    assert.is(inside('cat /opt/feature-order'), 'tools true\ngreet', 'tools first: greet installsAfter it');
    assert.is(inside('cat /opt/greet/options'), "it's me|false|root|app", 'options, as root, for the image user');
    assert.is(inside('greet'), "greetings from a feature's own file", 'containerEnv PATH, and the feature folder');
    assert.is(inside('echo "$GREET_HOME"; id -un'), '/opt/greet\napp', "containerEnv, and the image's USER again");
    assert.match(
      runtimeOk(on, 'container', 'inspect', '--format', '{{.Path}} {{join .Args " "}}', name),
      '/usr/local/bin/serve --port 9090',
      "the image's ENTRYPOINT and CMD",
    );
    const again = launch(context, 'up');
    assert.is(again.status, 0, again.stderr);
    assert.not.match(again.stderr, 'building', 'the features image is there: nothing is built');
    const down = launch(context, 'down');
    assert.is(down.status, 0, down.stderr);
  });

  if (on === 'podman')
    e2e('the devcontainer CLI and launch.sh build the same image from one devcontainer.json', async (context) => {
      const project = join(context.tree, 'cli-project');
      const folder = join(project, '.devcontainer');
      for (const feature of ['greet', 'tools'])
        cpSync(join(context.tree, 'test/e2e/features', feature), join(folder, feature), { recursive: true });
      // The CLI reads installsAfter as a registry's feature ids: these two install as listed.
      const manifest = join(folder, 'greet/devcontainer-feature.json');
      const { installsAfter: _registryIds, ...greet } = JSON.parse(readFileSync(manifest, 'utf8')) as object & {
        installsAfter?: string[];
      };
      writeFileSync(manifest, JSON.stringify(greet));
      const definition = { image: SERVICE_IMAGE, features: { './greet': { greeting: "it's me" }, './tools': {} } };
      writeFileSync(join(folder, 'devcontainer.json'), JSON.stringify(definition));
      const image = `localhost/${PREFIX}-cli-features:latest`;
      const built = spawnSync(
        join(ROOT, 'node_modules/.bin/devcontainer'),
        ['build', '--workspace-folder', project, '--docker-path', 'podman', '--image-name', image],
        { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: context.home } },
      );
      assert.is(built.status, 0, `${built.stdout}\n${built.stderr}`);
      const theirs = runtimeOk(on, 'run', '--rm', '--entrypoint', 'sh', image, '-c', PROBE);
      runtime(on, 'rmi', '--force', image);
      const imported = await runImport(
        [
          'devcontainer',
          'cli-project/.devcontainer/devcontainer.json',
          '--name',
          'cli-features',
          '--configs',
          'cli-configs',
        ],
        context.tree,
      );
      assert.is(imported.code, 0, imported.err);
      const configFile = join(context.tree, 'cli-configs/cli-features.jsonc');
      // Per run: the container's name, which names the image with the features.
      writeFileSync(
        configFile,
        readFileSync(configFile, 'utf8').replace(
          '"kind": "environment",',
          `"kind": "environment", "name": "${PREFIX}-cli",`,
        ),
      );
      const out = join(context.dir, 'cli-generated');
      const generated = await generate(['--configs', 'cli-configs', '--out', out, '--quiet'], context.tree);
      assert.is(generated.code, 0, generated.err);
      const up = spawnSync('sh', [join(out, 'cli-features/launch.sh'), 'up'], {
        encoding: 'utf8',
        cwd: context.tree,
        env: { PATH: process.env.PATH, HOME: context.home, BOXWRIGHT_RUNTIME: on },
      });
      assert.is(up.status, 0, up.stderr);
      const ours = inContainer(`${PREFIX}-cli`, PROBE, undefined, on);
      assert.is(ours, theirs);
    });

  e2e.run();
}
