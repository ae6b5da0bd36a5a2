// An environment's settings: variables (read on the host), secrets (passed by name), the
// container's environment and its published ports.
import type { Scope } from './kernel.ts';
import { SHELL_NAME } from './kernel.ts';
import type { EnvironmentConfig, EnvVar, Port, Secret, Variable } from './environment.ts';

/**
 * Names that shells, login and desktops set on a host: a variable is read from the host by its
 * name, so one of these with a default would take the host's value (DISPLAY=:0 on a desktop)
 * where the config meant its default. Without a default, reading the host's value is the point.
 */
const HOST_SET = new Set([
  'DISPLAY',
  'WAYLAND_DISPLAY',
  'XAUTHORITY',
  'HOME',
  'USER',
  'LOGNAME',
  'PATH',
  'SHELL',
  'TERM',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'TZ',
  'PWD',
  'HOSTNAME',
  'TMPDIR',
  'EDITOR',
  'SSH_AUTH_SOCK',
  'DBUS_SESSION_BUS_ADDRESS',
  'XDG_RUNTIME_DIR',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'XDG_SESSION_TYPE',
]);

export function buildVariables(config: EnvironmentConfig, names: Scope): Variable[] {
  return Object.entries(config.variables ?? {}).map(([name, variable]) => {
    names.checkName(name, '/variables', 'variable');
    const pointer = `/variables/${name}`;
    const defaultValue =
      variable.default === undefined
        ? undefined
        : names.template(variable.default, `${pointer}/default`, { tilde: true });
    if (variable.required && variable.default !== undefined)
      names.problems.add(
        names.at(`${pointer}/required`),
        `variable "${name}" is required but has a default`,
        'drop one of them',
      );
    if (variable.default !== undefined && HOST_SET.has(name))
      names.problems.add(
        names.at(`${pointer}/default`),
        `${name} is often set on the host (by its shell, login or desktop), so this default would seldom apply: the host's value would reach the container`,
        `give the container a fixed value in env, or read it under a name of its own (a variable MY_${name} and env ${name}: "\${MY_${name}}")`,
      );
    names.declare(name);
    return {
      name,
      description: variable.description,
      default: defaultValue,
      required: variable.required ?? false,
      export: variable.export ?? false,
    };
  });
}

export function buildSecrets(config: EnvironmentConfig, names: Scope): Secret[] {
  return Object.entries(config.secrets ?? {}).map(([name, secret]) => {
    names.checkName(name, '/secrets', 'secret');
    if (names.isDeclared(name))
      names.problems.add(
        names.at('/secrets', name),
        `"${name}" is declared both as a variable and as a secret`,
        'a value is one or the other',
      );
    const hostName = secret.from ?? name;
    if (secret.from !== undefined) {
      names.checkName(secret.from, `/secrets/${name}/from`, 'secret source', false);
      if (names.isDeclared(secret.from) && secret.from !== name)
        names.problems.add(
          names.at(`/secrets/${name}`, 'from'),
          `"${secret.from}" is declared as a variable: a secret cannot be read from it`,
        );
    }
    const file = secret.file === true ? `/run/secrets/${name}` : secret.file === false ? undefined : secret.file;
    return { name, hostName, description: secret.description, required: secret.required ?? false, file };
  });
}

export function buildEnv(config: EnvironmentConfig, variables: Variable[], secrets: Secret[], names: Scope): EnvVar[] {
  const { at, problems } = names;
  const env: EnvVar[] = [];
  for (const [name, value] of Object.entries(config.env ?? {})) {
    if (!SHELL_NAME.test(name))
      problems.add(
        at('/env', name),
        `environment variable "${name}" is not a valid shell variable name`,
        'use letters, digits and _, not starting with a digit',
      );
    if (secrets.some((s) => s.name === name))
      problems.add(
        at('/env', name),
        `"${name}" is a secret and cannot also be set in env`,
        'a secret is passed by name only',
      );
    if (variables.some((v) => v.name === name && v.export))
      problems.add(at('/env', name), `"${name}" is already exported from variables`, 'set it in one place');
    if (typeof value === 'string') {
      env.push({ name, value: names.template(value, `/env/${name}`) });
      continue;
    }
    const position = value.prepend !== undefined ? 'prepend' : 'append';
    if (value.prepend !== undefined && value.append !== undefined)
      problems.add(at(`/env/${name}`), `"${name}" both prepends and appends`, 'choose one of prepend and append');
    const text = value[position];
    if (text === undefined) {
      problems.add(
        at(`/env/${name}`),
        `"${name}" needs prepend or append`,
        "the text to put before or after the image's value",
      );
      continue;
    }
    env.push({
      name,
      value: names.template(text, `/env/${name}/${position}`),
      extend: { position, separator: value.separator ?? ':' },
    });
  }
  return env;
}

export function buildPorts(config: EnvironmentConfig, { at, problems }: Scope): Port[] {
  const seen = new Map<string, string>();
  return (config.ports ?? []).map((port, i) => {
    const normalised: Port = {
      host: port.host ?? port.container,
      container: port.container,
      protocol: port.protocol ?? 'tcp',
      hostIp: port.hostIp,
      description: port.description,
    };
    const key = `${normalised.hostIp ?? '*'}:${normalised.host}/${normalised.protocol}`;
    const first = seen.get(key);
    if (first !== undefined) {
      const firstAt = at(first);
      problems.add(
        at(`/ports/${i}`),
        `host port ${normalised.host}/${normalised.protocol} is published twice`,
        `first at ${firstAt.file}:${firstAt.line}:${firstAt.column}`,
      );
    } else seen.set(key, `/ports/${i}`);
    return normalised;
  });
}
