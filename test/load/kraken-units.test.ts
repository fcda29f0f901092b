import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { senderSchedule } from '../../src/load/kraken/kraken-vu.js';
import { cutByStorm, stormExcuses } from '../../src/load/kraken/storm-vu.js';
import { decodeStamp, encodeStamp } from '../../src/load/stamp.js';
import { audience, connectAt, isKrakenSender, owed, pacedRampSeconds, slotRole, type KrakenPlan } from '../../src/load/kraken/plan.js';
import { churningUsers, presenceSchedule } from '../../src/load/kraken/presence-plan.js';
import { FANOUT_DEFAULTS, slotInstance } from '../../src/load/plan.js';
import { parseSourceAddresses, sourceAddressesOf, sourceAddressOf, sourceAddressOptions } from '../../src/load/source-addresses.js';

const world = (tag: string) => ({
  communityId: `c-${tag}`,
  users: { owner: `owner-${tag}`, member: `member-${tag}`, reader: `reader-${tag}`, outsider: `outsider-${tag}` },
  channels: { general: `general-${tag}`, secret: `secret-${tag}`, voice: `voice-${tag}` },
  dmGroups: { ownerMember: `dm-om-${tag}`, ownerReader: `dm-or-${tag}` },
  aliasGroups: { team: `team-${tag}` },
});

function plan(overrides: Partial<KrakenPlan> = {}, connections = 16): KrakenPlan {
  const params = { ...FANOUT_DEFAULTS, connections, groupSize: 4, ratePerSender: 5, sendSeconds: 2 };
  return {
    runId: 'r1', instances: ['http://a', 'http://b'], params, conversations: [], worlds: Array.from({ length: connections / 4 }, (_, i) => world(String(i))),
    connectsPerSecond: 0, connectFrom: 1_000_000, dmEvery: 4, heartbeatMs: 0, startAt: 2_000_000, sendUntil: 2_002_000, endAt: 2_004_000, ...overrides,
  };
}

describe('Kraken load plan', () => {
  it('lays out each group as owner, member, reader, member; readers never send', () => {
    const p = plan();
    expect([0, 1, 2, 3, 4].map((s) => slotRole(p.params, s))).toEqual(['owner', 'member', 'reader', 'member', 'owner']);
    expect(isKrakenSender({ ...p.params, sendersPerGroup: 3 }, 2)).toBe(false);
    expect(isKrakenSender({ ...p.params, sendersPerGroup: 3 }, 1)).toBe(true);
  });

  it('owes a channel message to every world mate and a DM to the owner-member group only; another world is a leak', () => {
    const p = plan();
    expect(audience(p, 0, 'channel').total).toBe(3);
    expect(audience(p, 0, 'dm').total).toBe(2);
    expect(owed(p, 0, 2, 'dm')).toBe(false);
    expect(owed(p, 0, 3, 'dm')).toBe(true);
    expect(owed(p, 0, 5, 'channel')).toBe(false);
    // A fixed world: every VU of the run is a world mate.
    const fixed = plan({ worlds: [world('fixed')] });
    expect(audience(fixed, 0, 'channel').total).toBe(15);
    expect(owed(fixed, 0, 5, 'channel')).toBe(true);
  });

  it('paces connects per instance: each instance its own 1/connectsPerSecond spacing, not one global pacer', () => {
    const p = plan({ connectsPerSecond: 10 });
    const byInstance = new Map<number, number[]>();
    for (let s = 0; s < 16; s++) {
      const i = slotInstance(2, s, 4);
      byInstance.set(i, [...(byInstance.get(i) ?? []), connectAt(p, s) - p.connectFrom]);
    }
    for (const times of byInstance.values()) expect(times).toEqual(times.map((_, k) => k * 100));
    // Two instances connect at once: 16 connections take 0.8 s, not 1.6 s.
    expect(pacedRampSeconds(16, 2, 10)).toBe(0.8);
    expect(connectAt(plan(), 5)).toBe(0);
  });

  it('replays a sender\'s schedule (what a late receiver could not have had)', () => {
    const times = [...senderSchedule(plan(), 0, 4)];
    expect(times).toHaveLength(10);
    expect(times[1].intendedAt - times[0].intendedAt).toBe(200);
  });

  it('storm: excuses what a receiver missed while away and what a cut sender may have taken along, nothing else', () => {
    const transport = plan({ storm: { mode: 'transport', at: 2_001_000, instance: 1, outageMs: 2000 } });
    // Every socket but the world owner's (position 0) is cut.
    expect([0, 1, 2, 3, 4].map((slot) => cutByStorm(transport, slot))).toEqual([false, true, true, true, false]);
    const away = stormExcuses(transport, 2, { outages: [{ from: 2_001_000, to: 2_003_500 }] });
    expect(away(0, 0, 2_000_100)).toBe('missed_outage'); // in flight when it dropped
    expect(away(0, 1, 2_003_400)).toBe('missed_outage'); // before its rejoin
    expect(away(0, 2, 1_999_900)).toBeUndefined(); // owed while it was connected: lost if missing
    expect(away(0, 3, 2_003_600)).toBeUndefined(); // owed after its rejoin
    // An instance storm kills instance 1 (slots 1, 3, 4, 6...): a receiver on instance 0 stays connected.
    const instance = plan({ storm: { mode: 'instance', at: 2_001_000, instance: 1, outageMs: 2000 } });
    expect([0, 1, 3, 4, 5].map((slot) => cutByStorm(instance, slot))).toEqual([false, true, true, true, false]);
    const survivor = stormExcuses(instance, 0, { outages: [] });
    expect(survivor(4, 0, 2_001_900)).toBe('cut_at_crash');
    expect(survivor(4, 1, 2_002_100)).toBeUndefined();
    expect(survivor(5, 2, 2_001_000)).toBeUndefined(); // its sender was not killed
  });

  it('a storm sender\'s report names what it skipped, so its receivers do not count a message never sent', () => {
    const stamp = { runId: 'r1', senderSlot: 4, senderInstance: 1, seq: -1, intendedAt: 5, emittedAt: 6 };
    expect(decodeStamp(encodeStamp({ ...stamp, skipped: [7, 8, 9] }), 'r1')).toEqual({ ...stamp, skipped: [7, 8, 9] });
    expect(encodeStamp({ ...stamp, skipped: [] })).toBe(encodeStamp(stamp));
    expect(decodeStamp(encodeStamp(stamp), 'r1')).toEqual(stamp);
  });

  it('expects offline only after a user\'s last churning socket closed', () => {
    const p = plan();
    const users = churningUsers(p, presenceSchedule({ cycles: 2, onlineSeconds: 1.5, offlineSeconds: 1 }, p));
    expect(users.size).toBe(8); // member and reader of 4 worlds; owners observe and stay
    const member = users.get('member-0')!;
    expect(member.offline(0) - member.online(0)).toBe(2000); // its second device comes 500 ms later
    expect(users.get('reader-0')!.offline(0) - users.get('reader-0')!.online(0)).toBe(1500);
  });
});

describe('--source-addresses', () => {
  it('reads a range, a count and a list, and says what is wrong with a bad spec', () => {
    expect(parseSourceAddresses('127.0.0.2-127.0.0.4')).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
    expect(parseSourceAddresses('3')).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3']);
    expect(parseSourceAddresses('127.0.0.5, 127.0.0.7')).toEqual(['127.0.0.5', '127.0.0.7']);
    expect(parseSourceAddresses('127.0.0.9-127.0.0.2')).toMatch(/ends before it starts/);
    expect(parseSourceAddresses('127.0.0.1-127.0.2.1')).toMatch(/at most 254/);
    expect(parseSourceAddresses('localhost')).toMatch(/not an IPv4 address/);
  });

  it('slots take the run\'s addresses in turn; a run without them leaves the choice to the kernel', () => {
    const addresses = sourceAddressesOf({ sourceAddresses: '127.0.0.2-127.0.0.3' });
    expect([0, 1, 2, 3, 4].map((slot) => sourceAddressOf(addresses, slot))).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.2', '127.0.0.3', '127.0.0.2']);
    expect(sourceAddressesOf({})).toBeUndefined();
    expect(sourceAddressOf(undefined, 3)).toBeUndefined();
    expect(sourceAddressOptions('http://127.0.0.1:1', undefined)).toEqual({});
    expect(() => sourceAddressesOf({ sourceAddresses: 'nowhere' })).toThrow(/sourceAddresses: "nowhere" is not an IPv4 address/);
  });

  const http = createServer();
  const server = new Server(http);
  const sockets: Socket[] = [];
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await new Promise((r) => server.close(r));
  });

  it('makes the server see connections from each address, over websocket and polling', async () => {
    const seen: string[] = [];
    server.on('connection', (s) => seen.push(s.conn.remoteAddress));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const addresses = parseSourceAddresses('127.0.0.2-127.0.0.4') as string[];
    const connect = (address: string, transport: 'websocket' | 'polling') =>
      new Promise<void>((resolve, reject) => {
        const s = io(url, { transports: [transport], forceNew: true, reconnection: false, ...(sourceAddressOptions(url, address) as object) });
        sockets.push(s);
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });
    await Promise.all([...addresses.map((a) => connect(a, 'websocket')), ...addresses.map((a) => connect(a, 'polling'))]);
    expect(seen).toHaveLength(6);
    expect(new Set(seen.map((a) => a.replace(/^::ffff:/, '')))).toEqual(new Set(addresses));
  });
});

describe('gatecheck load: usage errors (Kraken, source addresses, the storm\'s retry spread), before any gateway starts', () => {
  it('exits 2 naming the problem', async () => {
    const { runCli } = await import('../support/cli.js');
    const cases: Array<[string[], RegExp]> = [
      [['load', 'presence-storm'], /presence-storm is a kraken scenario; the target speaks chat-service \(add --dialect kraken/],
      [['load', 'reconnection-storm', '--dialect', 'kraken', '--storm', 'instance', '--url', 'http://127.0.0.1:9'], /only the bundled reference gateway/],
      [['load', 'fanout', '--dialect', 'kraken', '--storm', 'transport'], /--storm applies to the reconnection-storm scenario only/],
      [['load', 'fanout', '--dialect', 'kraken', '--source-addresses', '127.0.0.9-127.0.0.2'], /--source-addresses: the range 127\.0\.0\.9-127\.0\.0\.2 ends before it starts/],
      [['load', 'reconnection-storm', '--source-addresses', '127.0.0.2,nowhere'], /--source-addresses: "nowhere" is not an IPv4 address/],
      [['load', 'fanout', '--reconnect-spread', '1'], /--reconnect-spread applies to the reconnection-storm scenario only/],
      [['load', 'reconnection-storm', '--storm', 'instance', '--reconnect-spread', '1'], /--reconnect-spread spreads the receivers of a transport storm/],
      [['load', 'reconnection-storm', '--reconnect-spread', '-1'], /--reconnect-spread expects a number of 0 or more, got "-1"/],
      [['load', 'fanout', '--dialect', 'kraken', '--engine', 'socketio-v3'], /--engine socketio-v3: the Kraken scenarios open their own/],
      [['load', 'presence-storm', '--dialect', 'kraken', '--rate', '5'], /--rate does not apply to presence-storm/],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(args, { timeoutMs: 75_000 })));
    runs.forEach((run, i) => {
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(cases[i][1]);
    });
  }, 90_000);
});
