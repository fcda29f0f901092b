import type { TargetConfig } from '../config/schema.js';

/** Every secret value a config resolves to (signing secret, static tokens, headers, Redis URL with a password). */
export function resolveSecretsOf(config: TargetConfig): string[] {
  const values: Array<string | undefined> = [];
  const read = (s: unknown) => (typeof s === 'string' ? s : s && typeof s === 'object' && 'env' in s ? process.env[(s as { env: string }).env] : undefined);
  values.push(read(config.auth.mint?.secret));
  for (const t of config.auth.static ?? []) values.push(read(t.token));
  for (const h of Object.values(config.rest?.headers ?? {})) values.push(read(h));
  const redisUrl = read(config.capabilities.redis?.url);
  const password = redisUrl ? safeUrl(redisUrl)?.password : undefined;
  values.push(password ? decodeURIComponent(password) : undefined);
  return values.filter((v): v is string => Boolean(v));
}

function safeUrl(u: string): URL | undefined {
  try {
    return new URL(u);
  } catch {
    return undefined;
  }
}
