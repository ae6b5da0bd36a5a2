// launch.sh's unit verbs (templates/partials/launch-install.sh.mustache): `secrets` makes the
// podman secrets the Quadlet unit reads, `install` puts the units where systemd reads them
// and adds what up decides when it runs (quadlet.ts says what: fromImage).
import type { Environment } from '../model/environment.ts';
import { code, quote, shellName, type ShellCode } from '../shell/quote.ts';
import { fromImage, secretTarget, unitVariables } from './quadlet.ts';

/** The plain unit's file name, and the Quadlet units' other than the .container. */
export function plainUnitName(env: Environment): string {
  return `${env.id}.service`;
}

/**
 * `units`: the config's own Quadlet units; `inQuadletStack`: a stack's unit is installed
 * through this script (install --unit FILE).
 */
export function installView(env: Environment, quadletUnits: readonly string[], inQuadletStack: boolean) {
  if (!env.quadlet && !env.systemd && !inQuadletStack) return undefined;
  const quadlet = env.quadlet !== undefined || inQuadletStack;
  const secretsVerb = quadlet && env.secrets.length > 0;
  return {
    secrets_verb: secretsVerb && { secrets: env.secrets.map(secretLine) },
    config_label: quote(`io.boxwright.config=${env.id}`),
    quadlet: quadlet && quadletView(env, quadletUnits, env.quadlet !== undefined),
    plain: env.systemd && { plain_unit: quote(plainUnitName(env)) },
  };
}

/** Each secret by its exported variable (the container's name for it), when it is set. */
function secretLine(secret: Environment['secrets'][number]): ShellCode {
  // Named after the container, as the unit's Secret= names it (podmanSecretName).
  const line = `podman_secret "$bw_name"${quote(`-${secret.name}`)} ${shellName(secret.name)}`;
  if (secret.required) return code(line);
  // podman refuses an empty secret: an optional one left empty is not passed, as when unset.
  return code(`[ -z "\${${shellName(secret.hostName)}:-}" ] || ${line}`);
}

/**
 * A unit has its variables' values fixed when it was generated: install says when this
 * environment has another, which the unit will not follow.
 */
function variableChecks(env: Environment): ShellCode[] {
  const place = { unit: env.id, source: env.source, folder: '.', root: '.', ...env.quadlet! };
  return unitVariables(env, place).map(({ name, value }) => {
    const variable = shellName(name);
    const rest = quote(`, but the unit runs with ${value} (set quadlet.variables.${name} to change it)`);
    return code(`[ "\${${variable}:-}" = ${quote(value)} ] || warn "${name} is '\${${variable}:-}' here"${rest}`);
  });
}

/** The unit's Secret= value, as shell: the podman secret is named after the container. */
function secretSpec(secret: Environment['secrets'][number]): ShellCode {
  return code(`"$bw_name"${quote(`-${secret.name}${secretTarget(secret)}`)}`);
}

/** Whether install adds to the unit what up decides when it runs (read from up's run options). */
export function installAddsFromRun(env: Environment): boolean {
  const adds = fromImage(env);
  return (
    adds.env.length > 0 ||
    adds.userLabel ||
    adds.command ||
    adds.gpu ||
    adds.userns ||
    adds.envFileRest ||
    adds.optionalSecrets.length > 0
  );
}

function quadletView(env: Environment, units: readonly string[], own: boolean) {
  const adds = fromImage(env);
  const envNames = adds.env.map((name) => `${quote(name)}=*`);
  const fileSecrets = env.secrets.filter((s) => !s.required && s.file);
  const hasAdds = installAddsFromRun(env);
  return {
    units: units.filter((u) => !u.endsWith('.container')).map(quote),
    own: own && { container_unit: quote(`${env.id}.container`) },
    variable_checks: own && env.quadlet ? variableChecks(env) : [],
    adds: hasAdds && {
      command: adds.command,
      env_pattern: envNames.length ? envNames.join(' | ') : undefined,
      optional_secrets: env.secrets
        .filter((s) => !s.required && !s.file)
        .map((s) => ({ name: quote(s.name), spec: secretSpec(s) })),
      user_label: adds.userLabel,
      gpu: adds.gpu,
      userns: adds.userns,
      env_file_all: adds.envFileRest,
      secret_files: fileSecrets.length > 0 && {
        files: fileSecrets.map((s) => ({ name: quote(s.name), spec: secretSpec(s) })),
      },
    },
  };
}
