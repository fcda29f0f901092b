import { applyRule } from './rules.js';
import type { ProfileData, ProfileRule, RestTrigger } from './schema.js';

/** One difference a profile covered for one payload: what a finding and a timeline note say. */
export interface ProfileHit {
  direction: 'sent' | 'received' | 'moved to REST' | 'client behaviour' | 'event name';
  event: string;
  difference: string;
  why?: string;
}

/** The escape hatch: a module's answer for what data cannot say (undefined: nothing to change). */
export type ModuleTransform = (event: string, payload: unknown) => { payload: unknown; difference: string } | undefined;
export interface ProfileModule {
  outbound?: ModuleTransform;
  inbound?: ModuleTransform;
}

export function hitText(h: ProfileHit): string {
  return `${h.event} (${h.direction}): ${h.difference}`;
}

/**
 * How a server differs from its document, as data, applied at the probe: payload rules both ways, client
 * events moved to REST, client behaviours. Every difference it covers is reported as a hit, never hidden.
 */
export class Profile {
  constructor(
    readonly data: ProfileData,
    private readonly module: ProfileModule = {},
  ) {}

  get name(): string {
    return this.data.name;
  }

  /** What gatecheck sends for a documented client event, after the profile's outbound rules. */
  outbound(event: string, payload: unknown): { payload: unknown; hits: ProfileHit[] } {
    return this.transform('sent', event, payload, this.data.outbound[event], this.module.outbound);
  }

  /** What the server sent, normalised to the document before the schema check. */
  inbound(event: string, payload: unknown): { payload: unknown; hits: ProfileHit[] } {
    return this.transform('received', event, payload, this.data.inbound[event], this.module.inbound);
  }

  restTrigger(event: string): RestTrigger | undefined {
    return this.data.rest[event];
  }

  after(event: string): ProfileData['after'][string] {
    return this.data.after[event] ?? [];
  }

  private transform(direction: 'sent' | 'received', event: string, payload: unknown, rules: ProfileRule[] | undefined, hatch: ModuleTransform | undefined) {
    const hits: ProfileHit[] = [];
    let value = payload;
    for (const rule of rules ?? []) {
      const r = applyRule(rule, value);
      value = r.value;
      for (const difference of r.applied) hits.push({ direction, event, difference, why: rule.why });
    }
    const custom = hatch?.(event, value);
    if (custom) {
      value = custom.payload;
      hits.push({ direction, event, difference: custom.difference });
    }
    return { payload: value, hits };
  }
}
