import type { Logger } from 'pino';
import { configFromUrls, loadTargetConfig } from '../config/load.js';
import { dialectModule } from '../dialects/index.js';
import { UsageError } from '../errors.js';
import { startReferenceTarget, type StartedTarget } from '../reference/target.js';

export interface TargetFlags {
  target?: string;
  url?: string[];
  redisUrl?: string;
  instances?: number;
  mutant?: string;
  drift?: string;
  /** Unset: the target config's dialect, or chat-service. */
  dialect?: string;
}

/** --target FILE, --url URL..., or (neither) the bundled reference gateway. */
export async function resolveTarget(flags: TargetFlags, logger: Logger, reference: { rateLimit?: null; adapter?: 'pubsub' | 'streams'; extraArgs?: string[] } = {}): Promise<StartedTarget> {
  if (flags.target && flags.url?.length) throw new UsageError('give either --target FILE or --url URL, not both');
  const referenceOnly = (['redisUrl', 'instances', 'mutant', 'drift'] as const).filter((k) => flags[k] !== undefined);
  if ((flags.target || flags.url?.length) && referenceOnly.length) {
    const flagsGiven = referenceOnly.map((k) => `--${kebab(k)}`).join(', ');
    throw new UsageError(`${flagsGiven} ${referenceOnly.length > 1 ? 'apply' : 'applies'} only to the bundled reference gateway (no --target/--url)`);
  }
  if (flags.target) {
    const config = await loadTargetConfig(flags.target);
    if (flags.dialect && flags.dialect !== config.dialect) {
      throw new UsageError(`--dialect ${flags.dialect} but ${flags.target} declares dialect ${config.dialect}`);
    }
    return { config, summary: { source: 'config', configFile: flags.target, instances: config.instances.map((i) => i.url) }, secrets: [], stop: async () => {} };
  }
  if (flags.url?.length) {
    if (flags.dialect === 'kraken') throw new UsageError('the kraken dialect needs a target config that says where worlds come from (--target FILE; see gatecheck init --dialect kraken)');
    const config = configFromUrls(flags.url);
    return { config, summary: { source: 'urls', instances: flags.url }, secrets: [], stop: async () => {} };
  }
  const module = dialectModule(flags.dialect ?? 'chat-service');
  if (flags.drift !== undefined && !module.reference.drifts?.includes(flags.drift)) {
    const known = module.reference.drifts ?? [];
    throw new UsageError(`--drift ${flags.drift}: the ${module.name} reference gateway ${known.length ? `knows ${known.join(', ')}` : 'has no drifts'}`);
  }
  return startReferenceTarget({ module, redisUrl: flags.redisUrl, instances: flags.instances, mutant: flags.mutant, drift: flags.drift, logger, ...reference });
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
