import type { Secret, TargetConfig } from '../config/schema.js';
import type { CheckLine } from '../model/doctor.js';

/** Every secret field of a config with its path: where `{ env: NAME }` can stand. */
export function secretFields(config: TargetConfig): Array<{ path: string; secret: Secret }> {
  const fields: Array<{ path: string; secret: Secret }> = [];
  if (config.auth.mint) fields.push({ path: 'auth.mint.secret', secret: config.auth.mint.secret });
  config.auth.static?.forEach((t, i) => fields.push({ path: `auth.static[${i}].token`, secret: t.token }));
  for (const [name, value] of Object.entries(config.rest?.headers ?? {})) fields.push({ path: `rest.headers.${name}`, secret: value });
  if (config.capabilities.redis) fields.push({ path: 'capabilities.redis.url', secret: config.capabilities.redis.url });
  return fields;
}

/** The environment variables the config names that are unset or empty, each with the paths that read it. */
export function unsetEnvVars(config: TargetConfig, env: NodeJS.ProcessEnv = process.env): Array<{ name: string; paths: string[] }> {
  const unset = new Map<string, string[]>();
  for (const { path, secret } of secretFields(config)) {
    if (typeof secret === 'string' || env[secret.env]) continue;
    unset.set(secret.env, [...(unset.get(secret.env) ?? []), path]);
  }
  return [...unset].map(([name, paths]) => ({ name, paths }));
}

/** A line per unset variable (blocking: every case reading it would error), or one line saying all are set. */
export function checkEnvVars(config: TargetConfig): CheckLine[] {
  const named = [...new Set(secretFields(config).flatMap(({ secret }) => (typeof secret === 'string' ? [] : [secret.env])))];
  const unset = unsetEnvVars(config);
  if (unset.length === 0) {
    const message = named.length ? `every environment variable the config names is set: ${named.join(', ')}` : 'the config names no environment variable';
    return [{ group: 'env', status: 'ok', message }];
  }
  return unset.map(({ name, paths }) => ({
    group: 'env',
    status: 'fail',
    message: `${paths.join(', ')}: environment variable ${name} is not set`,
    fix: `export ${name}=... before running gatecheck, or give ${paths[0]} another { env: NAME }`,
  }));
}
