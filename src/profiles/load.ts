import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors.js';
import { formatIssues } from '../config/load.js';
import { findProjectRoot } from '../project-root.js';
import { Profile, type ProfileModule } from './profile.js';
import { profileSchema } from './schema.js';

/** The profiles gatecheck ships, by name (profiles/<name>.yml). */
export function shippedProfilesDir(): string {
  return join(findProjectRoot(), 'profiles');
}

/**
 * A profile from a name of a shipped profile, a file (relative to the config file's directory), or an
 * inline object of the target config.
 */
export async function loadProfile(ref: string | object, dialect: string, configDir = process.cwd()): Promise<Profile> {
  let raw: unknown = ref;
  let source = 'the inline profile';
  let baseDir = configDir;
  if (typeof ref === 'string') {
    const file = locate(ref, configDir);
    source = file;
    baseDir = dirname(file);
    try {
      raw = parseYaml(await readFile(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`profile ${file} cannot be read: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const parsed = profileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(formatIssues(`profile ${source}`, parsed.error.issues, raw).replace('is not a valid target config', 'is not a valid profile'));
  const data = parsed.data;
  if (data.dialect !== dialect) throw new ConfigError(`profile ${data.name} is for the ${data.dialect} dialect; the target speaks ${dialect}`);
  const module = data.module ? await loadModule(resolve(baseDir, data.module), data.name) : undefined;
  return new Profile(data, module);
}

function locate(ref: string, configDir: string): string {
  const asFile = isAbsolute(ref) ? ref : resolve(configDir, ref);
  if (/[\\/]|\.(ya?ml|json)$/.test(ref)) {
    if (!existsSync(asFile)) throw new ConfigError(`profile file ${asFile} does not exist`);
    return asFile;
  }
  const shipped = join(shippedProfilesDir(), `${ref}.yml`);
  if (existsSync(shipped)) return shipped;
  throw new ConfigError(`no profile named "${ref}" (shipped: ${listShipped().join(', ') || 'none'}); give a file path for your own`);
}

export function listShipped(): string[] {
  try {
    return readdirSync(shippedProfilesDir()).filter((f) => f.endsWith('.yml')).map((f) => f.slice(0, -4)).sort();
  } catch {
    return [];
  }
}

async function loadModule(file: string, name: string): Promise<ProfileModule> {
  if (!existsSync(file)) throw new ConfigError(`profile ${name}: module ${file} does not exist`);
  const mod = (await import(pathToFileURL(file).href)) as ProfileModule;
  for (const key of ['outbound', 'inbound'] as const) {
    if (mod[key] !== undefined && typeof mod[key] !== 'function') throw new ConfigError(`profile ${name}: module ${file} exports ${key} that is not a function`);
  }
  return { outbound: mod.outbound, inbound: mod.inbound };
}
