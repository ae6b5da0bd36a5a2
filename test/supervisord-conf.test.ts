// supervisord.conf read back by supervisor's own code (Debian's 4.2.5, extracted by
// scripts/setup-test-host.sh): configparser with its inline comments, %(name)s expansion,
// then each program's command split as supervisord splits it to exec it, and its user,
// directory and environment. Random service values either come back exactly or are refused.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import { generate, propertyRuns, remove, setupSuite, tempDir, writeFiles } from './helpers.ts';

const SUPERVISOR = join(
  process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
  'boxwright/supervisor-4.2.5/usr/lib/python3/dist-packages',
);

const ORACLE = `
import json, shlex, sys
import supervisor.options
supervisor.options.name_to_uid = lambda name: name  # this host has none of the users
from supervisor.options import ServerOptions, UnhosedConfigParser
def split(command):
    try:
        return shlex.split(command)
    except ValueError as error:
        return 'shlex: %s' % error
for line in sys.stdin:
    request = json.loads(line)
    if 'split' in request:
        print(json.dumps(split(request['split'])), flush=True)
        continue
    parser = UnhosedConfigParser()
    parser.read(request['file'])
    options = ServerOptions()
    options.here = '/opt/boxwright'
    programs = {}
    for section in parser.sections():
        if section.startswith('program:'):
            (process,) = options.processes_from_section(parser, section, section[8:])
            programs[section[8:]] = {
                'argv': split(process.command), 'user': process.uid,
                'directory': process.directory, 'environment': process.environment or {},
            }
    print(json.dumps(programs), flush=True)
`;

interface Program {
  argv: string[] | string;
  user: string;
  directory: string | null;
  environment: Record<string, string>;
}

const conf = setupSuite<{ dir: string; ask: (request: object) => Promise<unknown>; stop: () => void }>(
  'supervisord.conf',
);
conf.before((context) => {
  assert.ok(
    existsSync(join(SUPERVISOR, 'supervisor')),
    `no supervisor in ${SUPERVISOR}: run scripts/setup-test-host.sh`,
  );
  context.dir = tempDir();
  // /usr/bin/python3: Debian's, whose version the extracted package was built for.
  const oracle = spawn('/usr/bin/python3', ['-u', '-c', ORACLE], {
    // The homes entrypoint.sh reads from passwd for the users only the image knows.
    env: {
      PYTHONPATH: SUPERVISOR,
      PATH: '/usr/bin:/bin',
      BOXWRIGHT_HOME_1: '/home/first',
      BOXWRIGHT_HOME_2: '/home/second',
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const answers = createInterface({ input: oracle.stdout })[Symbol.asyncIterator]();
  context.ask = async (request) => {
    oracle.stdin.write(`${JSON.stringify(request)}\n`);
    const answer = await answers.next();
    assert.not.ok(answer.done, 'supervisor answered');
    return JSON.parse(answer.value as string);
  };
  context.stop = () => oracle.stdin.end();
});
conf.after(({ dir, stop }) => {
  stop();
  remove(dir);
});

/** Everything configparser, shlex and %-expansion treat specially, and a few plain letters. */
const ALL = [...'ab 9;#%()s=\'"\\,\t=é$-/', '\r', '\n'];
const MOSTLY_FINE = [...'ab9%()s=\'"\\,=é$-/'];
const string = (unit: string[]) => fc.string({ unit: fc.constantFrom(...unit), minLength: 1, maxLength: 16 });
const text = fc.oneof(
  { weight: 3, arbitrary: string(MOSTLY_FINE) },
  { weight: 1, arbitrary: fc.tuple(string(MOSTLY_FINE), string(ALL)).map(([a, b]) => `${a}${b}`) },
);

conf('random service values come back from supervisor exactly, or are refused', async ({ dir, ask }) => {
  let accepted = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          command: text.map((t) => `/bin/prog ${t}`),
          description: text,
          directory: text.map((t) => `/srv/${t}`),
          user: fc.constantFrom('root', 'dev', 'dev user', 'a;b', 'x #y'),
          value: text,
        }),
        { minLength: 1, maxLength: 2 },
      ),
      async (services) => {
        const config = {
          kind: 'environment',
          image: 'x',
          services: Object.fromEntries(
            services.map((s, i) => [
              `p${i}`,
              {
                command: s.command,
                description: s.description,
                directory: s.directory,
                user: s.user,
                environment: { VALUE: s.value },
              },
            ]),
          ),
        };
        remove(join(dir, 'generated'));
        writeFiles(dir, { 'configs/box.json': JSON.stringify(config) });
        const result = await generate(['--quiet', '--force'], dir);
        if (result.code !== 0) {
          assert.is(result.code, 2, result.err);
          assert.match(result.err, /\/services\/p\d+\/(command|directory|user|environment\/VALUE) {2}/);
          return;
        }
        accepted++;
        const programs = (await ask({ file: join(dir, 'generated/box/supervisord.conf') })) as Record<string, Program>;
        assert.equal(Object.keys(programs).sort(), services.map((_, i) => `p${i}`).sort());
        // Each program has its user's HOME, USER and LOGNAME: root's, or what entrypoint.sh read.
        const imageUsers = [...new Set(services.map((s) => s.user))].filter((user) => user !== 'root');
        for (const [i, service] of services.entries()) {
          const program = programs[`p${i}`]!;
          assert.equal(program.argv, await ask({ split: service.command }), service.command);
          assert.is(program.user, service.user);
          assert.is(program.directory, service.directory);
          const home =
            service.user === 'root' ? '/root' : ['/home/first', '/home/second'][imageUsers.indexOf(service.user)];
          assert.equal(program.environment, {
            HOME: home,
            USER: service.user,
            LOGNAME: service.user,
            VALUE: service.value,
          });
        }
      },
    ),
    { numRuns: propertyRuns(60) },
  );
  assert.ok(accepted > 0, 'some samples were accepted');
});

conf("the seed workstation's supervisord.conf reads back as its config says", async ({ ask }) => {
  const file = join(import.meta.dirname, '../generated/turbo-flow/supervisord.conf');
  const programs = (await ask({ file })) as Record<string, Program>;
  assert.equal(Object.keys(programs), ['dbus', 'sshd', 'xvnc', 'xfce4', 'management-api', 'tmux-autostart']);
  assert.equal(programs.sshd, {
    argv: ['/usr/sbin/sshd', '-D', '-e'],
    user: 'root',
    directory: null,
    environment: { HOME: '/root', USER: 'root', LOGNAME: 'root' },
  });
  assert.is(programs.xvnc!.user, 'devuser');
  assert.equal(programs.xvnc!.environment, { HOME: '/home/devuser', USER: 'devuser', LOGNAME: 'devuser' });
});

conf.run();
