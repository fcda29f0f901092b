import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../errors.js';

/** A scenario file of scenarios/ and what gatecheck needs to know about it. */
export interface ScenarioFile {
  name: string;
  path: string;
  variables: Record<string, unknown>;
  /** The file's scenarios, as written (overrides replace this array whole, so an engine switch sends it all). */
  scenarios: Array<Record<string, unknown>>;
}

export function availableScenarios(root: string): string[] {
  return readdirSync(join(root, 'scenarios')).filter((f) => f.endsWith('.yml')).map((f) => f.replace(/\.yml$/, '')).sort();
}

/** `fanout` names scenarios/fanout.yml; a path to a .yml file is taken as is. */
export function resolveScenario(root: string, nameOrPath: string): ScenarioFile {
  const path = nameOrPath.endsWith('.yml') || nameOrPath.endsWith('.yaml') ? (isAbsolute(nameOrPath) ? nameOrPath : resolve(nameOrPath)) : join(root, 'scenarios', `${nameOrPath}.yml`);
  if (!existsSync(path)) throw new UsageError(`no scenario "${nameOrPath}" (${path}); available: ${availableScenarios(root).join(', ')}`);
  let doc: { config?: { variables?: Record<string, unknown> }; scenarios?: Array<Record<string, unknown>> };
  try {
    doc = parseYaml(readFileSync(path, 'utf8')) ?? {};
  } catch (err) {
    throw new UsageError(`${path} is not valid YAML: ${(err as Error).message}`);
  }
  const name = basename(path).replace(/\.ya?ml$/, '');
  return { name, path, variables: doc.config?.variables ?? {}, scenarios: doc.scenarios ?? [] };
}
