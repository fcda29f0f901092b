import type { Logger } from 'pino';
import { configFromUrls, loadTargetConfig } from '../config/load.js';
import { UsageError } from '../errors.js';
import { startReferenceTarget, type StartedTarget } from '../target/reference-target.js';

export interface TargetFlags {
  target?: string;
  url?: string[];
  redisUrl?: string;
  instances?: number;
  mutant?: string;
}

/** --target FILE, --url URL..., or (neither) the bundled reference gateway. */
export async function resolveTarget(flags: TargetFlags, logger: Logger): Promise<StartedTarget> {
  if (flags.target && flags.url?.length) throw new UsageError('give either --target FILE or --url URL, not both');
  const referenceOnly = (['redisUrl', 'instances', 'mutant'] as const).filter((k) => flags[k] !== undefined);
  if ((flags.target || flags.url?.length) && referenceOnly.length) {
    throw new UsageError(`--${referenceOnly.map(kebab).join(', --')} only apply to the bundled reference gateway (no --target/--url)`);
  }
  if (flags.target) {
    const config = await loadTargetConfig(flags.target);
    return { config, summary: { source: 'config', configFile: flags.target, instances: config.instances.map((i) => i.url) }, secrets: [], stop: async () => {} };
  }
  if (flags.url?.length) {
    const config = configFromUrls(flags.url);
    return { config, summary: { source: 'urls', instances: flags.url }, secrets: [], stop: async () => {} };
  }
  return startReferenceTarget({ redisUrl: flags.redisUrl, instances: flags.instances, mutant: flags.mutant, logger });
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
