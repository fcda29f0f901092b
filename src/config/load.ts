import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { secrets } from '../secrets/redactor.js';
import { protocolFor } from '../protocol/index.js';
import { targetConfigSchema, type Secret, type TargetConfig, type TargetConfigInput } from './schema.js';

/** `raw`, the value that was parsed, lets a message quote what was written. */
export function formatIssues(source: string, issues: readonly z.core.$ZodIssue[], raw?: unknown): string {
  const lines = issues.map((i) => {
    const where = i.path.length ? i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(top level)';
    return `  at ${where}: ${describeIssue(i, valueAt(raw, i.path))}`;
  });
  return `${source} is not a valid target config:\n${lines.join('\n')}`;
}

function describeIssue(i: z.core.$ZodIssue, value: unknown): string {
  if (i.code === 'unrecognized_keys') return `unknown key(s) ${i.keys.map((k) => `"${k}"`).join(', ')}`;
  if (i.code === 'invalid_type') return `expected ${i.expected}${i.message.includes('received') ? `, ${i.message.split(', ').pop()}` : ''}`;
  if (i.code === 'invalid_value') return `expected one of ${i.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (i.code === 'invalid_format' && i.format === 'url') return describeBadUrl(value, 'pattern' in i ? i.pattern : undefined);
  return i.message;
}

/** Protocols a URL field may be limited to: the schema's pattern says which of them it accepts. */
const URL_PROTOCOLS = ['http', 'https', 'ws', 'wss'];

function describeBadUrl(value: unknown, protocolPattern: string | undefined): string {
  if (typeof value !== 'string') return 'expected a URL';
  const got = JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);
  const protocol = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1].toLowerCase();
  if (!protocol) {
    const example = /^[\w.-]+(:\d+)?(\/[^/]+)*\/?$/.test(value) ? `http://${value}` : 'http://127.0.0.1:4001';
    return `expected a URL with its protocol, e.g. ${example} (got ${got}: the protocol is missing)`;
  }
  const accepts = (p: string) => !protocolPattern || new RegExp(protocolPattern).test(p);
  if (!accepts(protocol)) {
    const accepted = URL_PROTOCOLS.filter(accepts).map((p) => `${p}://`);
    return `expected a URL with one of the protocols ${accepted.join(', ')} (got ${got}: ${protocol}:// is not one of them)`;
  }
  return `expected a URL (got ${got})`;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined), raw);
}

export function parseTargetConfig(raw: unknown, source = 'target config'): TargetConfig {
  const result = targetConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(formatIssues(source, result.error.issues, raw));
  try {
    protocolFor(result.data.dialect, result.data.events);
  } catch (err) {
    throw new ConfigError(`${source} is not a valid target config:\n  at events: ${(err as Error).message.replace(/^events: /, '')}`);
  }
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
    throw new ConfigError(`${file} is neither YAML nor JSON: ${describeYamlError(err, text)}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${file}: expected a mapping at the top level (instances, auth, ...), got ${raw === null ? 'nothing' : Array.isArray(raw) ? 'a list' : typeof raw}`);
  }
  return parseTargetConfig(raw, file);
}

/** The parser's first line ("... at line 5, column 5:"), then the lines it points at with a caret. */
function describeYamlError(err: unknown, text: string): string {
  const headline = (err as Error).message.split('\n')[0];
  if (!(err instanceof YAMLParseError) || !err.linePos) return headline;
  const { line, col } = err.linePos[0];
  return `${headline.replace(/:$/, '')}:\n${codeFrame(text.split(/\r?\n/), line, col)}`;
}

/** The line before (for context), the line, and a caret under the column; a long line is shown around it. */
function codeFrame(lines: string[], line: number, col: number): string {
  const width = String(line).length;
  const start = Math.max(0, col - 60);
  const cut = (n: number) => (start ? '…' : '') + (lines[n - 1] ?? '').slice(start, start + 120);
  const numbered = (n: number) => `  ${String(n).padStart(width)} | ${cut(n)}`;
  // The caret's padding keeps the line's tabs so that it lands under the column.
  const pad = cut(line).slice(0, col - 1 - start + (start ? 1 : 0)).replace(/[^\t]/g, ' ');
  return [...(line > 1 ? [numbered(line - 1)] : []), numbered(line), `  ${' '.repeat(width)} | ${pad}^`].join('\n');
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
