import { describe, expect, it } from 'vitest';
import { PresenceTally } from '../../src/load/kraken/presence-tally.js';

/** Replays what one observer heard about one user: 'on' userOnline, 'off' userOffline. */
function staleOf(heard: string, cycles: number): number {
  const tally = new PresenceTally();
  for (const e of heard.split(' ')) {
    if (e === 'on') tally.online();
    else tally.offline();
  }
  return tally.staleOffline(cycles);
}

describe('the presence storm tally of one user, judged against the schedule without timing', () => {
  it('counts nothing for a user that went online and offline once per cycle', () => {
    expect(staleOf('on off on off on off', 3)).toBe(0);
  });

  it('counts the offline said while a second device was up: two offlines with no online between, in every cycle', () => {
    expect(staleOf('on off off on off off', 2)).toBe(2);
    expect(staleOf('on off off on off on off off', 3)).toBe(2);
  });

  it('does not count a cycle whose userOnline never came (the loaded server had not handled presenceOnline): still one offline per cycle', () => {
    expect(staleOf('on off off on off', 3)).toBe(0);
    expect(staleOf('off off off', 3)).toBe(0);
  });

  it('does not count a second device that came up only after the first closed: its offline follows an online', () => {
    expect(staleOf('on off on off on off', 2)).toBe(0);
  });

  it('counts only what is both repeated and beyond the cycles when the two mix', () => {
    // Cycle 1 lost its online; cycles 2 and 3 said offline twice.
    expect(staleOf('off on off off on off off', 3)).toBe(2);
  });
});
