import { describe, expect, it } from 'vitest';
import { startOrder } from '../src/conformance/runner.js';
import type { CaseDef } from '../src/conformance/types.js';
import type { TargetConfig } from '../src/config/schema.js';

const config = {} as TargetConfig;
const def = (id: string, waitMs?: number) => ({ id, ...(waitMs === undefined ? {} : { longWait: () => (waitMs ? { ms: waitMs, why: 'a TTL' } : undefined) }) }) as unknown as CaseDef;

describe('the order cases start in', () => {
  it('starts the cases that wait out a TTL first, longest first, the rest in declared order', () => {
    const cases = [def('a'), def('b', 0), def('ttl-short', 2000), def('c'), def('ttl-long', 4500)];
    expect(startOrder(cases, { config }).map((i) => cases[i].id)).toEqual(['ttl-long', 'ttl-short', 'a', 'b', 'c']);
  });

  it('keeps the declared order when no case waits', () => {
    const cases = [def('x'), def('y'), def('z')];
    expect(startOrder(cases, { config })).toEqual([0, 1, 2]);
  });
});
