import type { TargetConfig } from '../config/schema.js';
import type { CaseDef } from '../conformance/types.js';
import type { Dialect } from '../protocol/types.js';
import type { MutantCatalogue, MutantInfo } from './mutants.js';

export type { MutantInfo };

export type DialectName = TargetConfig['dialect'];

/** Everything gatecheck knows about one protocol: its names and schemas, its cases, its reference gateway. */
export interface DialectModule {
  name: DialectName;
  dialect(overrides?: Record<string, string>): Dialect;
  cases: CaseDef[];
  /** The robustness suite (attacks): run only when a --filter names it, never by default. */
  robustness: CaseDef[];
  mutants: MutantCatalogue;
  reference: {
    rateLimit?: { max: number; windowMs: number };
    /** Real servers the reference gateway can imitate with --drift NAME (their differences from the documents). */
    drifts?: string[];
    /** Flags the conformance run starts the reference gateway with (e.g. short TTLs). */
    extraArgs?: string[];
    /** What `gatecheck serve` tells a person exploring it: users to print tokens for, how to test it. */
    explore: { users: string[]; howToTest(urls: string[], secretEnv: string): string };
    /** The target config that describes the started reference gateway. */
    /** The target config that describes the started reference gateway (started with these extra flags). */
    config(urls: string[], jwtSecret: string, redisUrl?: string, extraArgs?: string[]): TargetConfig;
  };
}
