import { describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { ConnectPacer } from '../../src/load/connect-pacer.js';
import { adaptiveSettleMs, ConnectPhase } from '../../src/load/connect-phase.js';
import { artilleryFailure } from '../../src/load/run-failure.js';
import type { ConnectionResults } from '../../src/model/load.js';

describe('ConnectPacer', () => {
  it('starts with one handshake in flight, adds one per fast handshake, halves on a slow or failed one', async () => {
    const pacer = new ConnectPacer();
    let admitted = 0;
    const ask = () => void pacer.admit().then(() => admitted++);
    for (let i = 0; i < 10; i++) ask();
    await Promise.resolve();
    expect(admitted).toBe(1);
    pacer.done(100); // the fastest so far: window 2, so two more start
    await new Promise((r) => setImmediate(r));
    expect(admitted).toBe(3);
    pacer.done(110); // fast (<= 1.25 x 100 + 20): window 3, one in flight -> two more
    await new Promise((r) => setImmediate(r));
    expect(admitted).toBe(5);
    pacer.done(400); // queued behind others: window 1, three still in flight -> none
    pacer.done(undefined); // timed out: still 1
    await new Promise((r) => setImmediate(r));
    expect(admitted).toBe(5);
    expect(pacer.peakInFlight).toBe(3);
  });

  it('spaces admissions by the declared connects a second', async () => {
    const pacer = new ConnectPacer(20);
    const times: number[] = [];
    const started = Date.now();
    await Promise.all(Array.from({ length: 4 }, () => pacer.admit().then(() => (times.push(Date.now() - started), pacer.done(1)))));
    expect(times[3]).toBeGreaterThanOrEqual(140); // 3 gaps of 50 ms
  });
});

describe('adaptiveSettleMs', () => {
  it('is half the connection phase, at least 1 s and at most 10 s, in tenths of a second', () => {
    expect([0, 1500, 2000, 7430, 20_000, 60_000].map(adaptiveSettleMs)).toEqual([1000, 1000, 1000, 3700, 10_000, 10_000]);
  });
});

describe('ConnectPhase', () => {
  const post = (url: string, path: string, body: unknown) => fetch(url + path, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());

  it('answers the connected VUs when every VU reported, names the absent ones, and calls a later one late with its cause', async () => {
    let released: { startAt: number; results: ConnectionResults } | undefined;
    const phase = new ConnectPhase({ planned: 3, instances: 1, rampMs: 100, connectMs: 200, settleMs: 500, connectsPerSecond: 0, onRelease: (startAt, results) => (released = { startAt, results }) });
    const url = await phase.start();
    try {
      await post(url, '/admit', { slot: 0, instance: 0 });
      const first = post(url, '/outcome', { slot: 0, instance: 0, outcome: 'connected', ms: 12 });
      await post(url, '/admit', { slot: 1, instance: 0 });
      await post(url, '/outcome', { slot: 1, instance: 0, outcome: 'refused', reason: 'UNAUTHORIZED: Invalid authentication token' });
      expect(released).toBeUndefined(); // slot 2 has not reported and the deadline is seconds away
      // Slot 2 never shows up: the deadline (last admission + connectMs + 2 s) ends the phase.
      const answer = await first;
      expect(answer.absent).toEqual([1, 2]);
      expect(answer.startAt).toBe(released!.startAt);
      expect(released!.results).toMatchObject({ planned: 3, connected: 1, refused: 1, refusedReasons: { 'UNAUTHORIZED: Invalid authentication token': 1 }, timedOut: 0, neverReported: 1, late: 0 });
      await post(url, '/admit', { slot: 2, instance: 0 });
      const late = await post(url, '/outcome', { slot: 2, instance: 0, outcome: 'connected', ms: 30 });
      expect(late.late).toBe('the generator started the VU after the connect deadline');
      expect(phase.results()).toMatchObject({ connected: 1, late: 1, neverReported: 0, latencyMs: { count: 2, max: 30 } });
    } finally {
      await phase.stop();
    }
  });

  it('with an adaptive settle, starts sending the chosen settle after the release and reports it', async () => {
    let released: { startAt: number; results: ConnectionResults; at: number } | undefined;
    const phase = new ConnectPhase({ planned: 1, instances: 1, rampMs: 0, connectMs: 200, settleMs: 'adaptive', connectsPerSecond: 0, onRelease: (startAt, results) => (released = { startAt, results, at: Date.now() }) });
    const url = await phase.start();
    try {
      await post(url, '/admit', { slot: 0, instance: 0 });
      const answer = await post(url, '/outcome', { slot: 0, instance: 0, outcome: 'connected', ms: 5 });
      expect(released!.results).toMatchObject({ connected: 1, settleMs: 1000, settleAdaptive: true });
      expect(answer.startAt).toBe(released!.startAt);
      expect(released!.startAt - released!.at).toBeGreaterThanOrEqual(990);
    } finally {
      await phase.stop();
    }
  });

  it('serves a placeholder Socket.IO endpoint for the engine\'s own connection', async () => {
    const phase = new ConnectPhase({ planned: 1, instances: 1, rampMs: 0, connectMs: 100, settleMs: 0, connectsPerSecond: 0, onRelease: () => undefined });
    const url = await phase.start();
    const socket = io(url, { transports: ['websocket'], auth: { token: 'anything' } });
    try {
      await new Promise<void>((resolve, reject) => (socket.once('connect', () => resolve()), socket.once('connect_error', reject)));
      expect(socket.connected).toBe(true);
    } finally {
      socket.close();
      await phase.stop();
    }
  });
});

describe('artilleryFailure', () => {
  it('keeps the error lines of a crashed Artillery, drops its stack frames', () => {
    const tail = 'Phase started: connect\nError: Callback was already called.\n    at /x/node_modules/async/dist/async.js:322:36\n    at Socket.<anonymous> (/x/engine.js:1:1)\n';
    const err = artilleryFailure(1, tail);
    expect(err.message).toBe('the load run failed: Artillery ended (exit 1) without a report:\n  Error: Callback was already called.');
  });
});
