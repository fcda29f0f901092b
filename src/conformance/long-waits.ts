import type { TargetConfig } from '../config/schema.js';
import type { CaseDef } from './types.js';

/** A wait this long is announced before the run starts, so nobody takes a run waiting out a TTL for a hang. */
const ANNOUNCE_FROM_MS = 10_000;

/**
 * What the run will wait for, said up front: "the expiry cases wait up to 270 s: kraken-presence.ttl-refresh
 * up to 270 s for the 60 s presence TTL, ..."; undefined when no case waits long.
 */
export function longWaitNotice(cases: CaseDef[], config: TargetConfig): string | undefined {
  const waits = cases
    .map((c) => ({ id: c.id, wait: c.longWait?.(config) }))
    .filter((w): w is { id: string; wait: NonNullable<typeof w.wait> } => w.wait !== undefined)
    .sort((a, b) => b.wait.ms - a.wait.ms);
  if (!waits.length || waits[0].wait.ms < ANNOUNCE_FROM_MS) return undefined;
  const each = waits.map((w) => `${w.id} up to ${seconds(w.wait.ms)} for ${w.wait.why}`).join('; ');
  return `the expiry cases wait up to ${seconds(waits[0].wait.ms)} (run concurrently): ${each}`;
}

const seconds = (ms: number) => `${Math.ceil(ms / 1000)} s`;
