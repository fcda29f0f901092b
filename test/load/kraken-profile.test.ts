import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

/**
 * The Kraken load scenarios against the Kraken reference drifting as Kraken v0.1.2: its sendMessage
 * refuses the documented span types, so without the profile no message is delivered; with
 * profiles/kraken-v0.1.2.yml every VU sends what that server wants and the fan-out loses nothing.
 */
const FANOUT = ['load', 'fanout', '--dialect', 'kraken', '--drift', 'kraken-v0.1.2', '--connections', '8', '--rate', '4', '--duration', '2', '--settle', '5', '--allow-saturated', '--json'];

describe('load fanout --dialect kraken on a drifting server', () => {
  it('delivers nothing without the profile and everything with it', async () => {
    const [without, withProfile] = await Promise.all([runCli(FANOUT, { timeoutMs: 120_000 }), runCli([...FANOUT, '--profile', 'kraken-v0.1.2'], { timeoutMs: 120_000 })]);
    const report = (r: { stdout: string }) => JSON.parse(r.stdout || '{}') as { passed?: boolean; generator?: { saturated: boolean }; metrics?: { counters: Record<string, number> } };

    expect(withProfile.stderr).toContain('profile kraken-v0.1.2: the load VUs send what it says this server wants');
    const good = report(withProfile);
    // Passed, unless the machine was too busy for the plan (--allow-saturated): never a server failure.
    expect(good.passed, withProfile.stderr.slice(-1500)).toBe(!good.generator?.saturated);
    expect(withProfile.code, withProfile.stderr.slice(-1500)).toBe(0);
    expect(good.metrics!.counters['fanout.received']).toBeGreaterThan(0);
    expect(good.metrics!.counters['fanout.lost'] ?? 0).toBe(0);

    expect(without.code).toBe(1);
    const bad = report(without);
    expect(bad.passed).toBe(false);
    expect(bad.metrics!.counters['fanout.received'] ?? 0).toBe(0);
  }, 150_000);
});
