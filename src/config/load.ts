import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { secrets } from '../secrets/redactor.js';
import { targetConfigSchema, type Secret, type TargetConfig, type TargetConfigInput } from './schema.js';

export function formatIssues(source: string, issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.map((i) => {
    const where = i.path.length ? i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(top level)';
    return `  at ${where}: ${describeIssue(i)}`;
  });
  return `${source} is not a valid target config:\n${lines.join('\n')}`;
}

function describeIssue(i: z.core.$ZodIssue): string {
  if (i.code === 'unrecognized_keys') return `unknown key(s) ${i.keys.map((k) => `"${k}"`).join(', ')}`;
  if (i.code === 'invalid_type') return `expected ${i.expected}${i.message.includes('received') ? `, ${i.message.split(', ').pop()}` : ''}`;
  if (i.code === 'invalid_value') return `expected one of ${i.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (i.code === 'invalid_format' && i.format === 'url') return `expected a URL${'pattern' in i && i.pattern ? ` with protocol matching ${String(i.pattern)}` : ''}`;
  return i.message;
}

export function parseTargetConfig(raw: unknown, source = 'target config'): TargetConfig {
  const result = targetConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(formatIssues(source, result.error.issues));
  return result.data;
}

export async function loadTargetConfig(file: string): Promise<TargetConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read target config ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${file} is neither YAML nor JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${file}: expected a mapping at the top level (instances, auth, ...), got ${raw === null ? 'nothing' : Array.isArray(raw) ? 'a list' : typeof raw}`);
  }
  return parseTargetConfig(raw, file);
}

/** The `--url` shortcut: those instances, tokens minted with GATECHECK_JWT_SECRET, everything else default. */
export function configFromUrls(urls: string[]): TargetConfig {
  const raw: TargetConfigInput = {
    instances: urls.map((url) => ({ url })),
    auth: { mint: { secret: { env: 'GATECHECK_JWT_SECRET' } } },
  };
  return parseTargetConfig(raw, '--url');
}

/** The secret's value, registered with the process's redactor before anyone can print it. */
export function resolveSecret(secret: Secret, where: string): string {
  const value = typeof secret === 'string' ? secret : process.env[secret.env];
  if (typeof secret !== 'string' && !value) {
    throw new ConfigError(`${where}: environment variable ${secret.env} is not set (expected the secret there)`);
  }
  secrets.add(value);
  return value!;
}
