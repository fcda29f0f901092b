/**
 * The bare baseline of `npm run bench:load`: the fan-out scenario without Artillery. Plain
 * socket.io-client sockets in this one process (one event loop, like Artillery's single worker on a
 * 2-core machine), the same plan (conversations created through REST, the same slot layout and
 * schedule), the same stamps and the same counting as the processor. It prints its figures as one JSON
 * line on stdout; progress goes to stderr.
 *
 * Env: GATECHECK_TARGET (a target config file; its secrets from the environment as usual),
 * BARE_PARAMS (JSON FanoutParameters, partial: the rest takes the scenario defaults), BARE_WINDOW
 * (optional JSON [fromMs, toMs] relative to the first send: latency percentiles of the deliveries received
 * in that window too, to compare with one Artillery reporting period).
 * Run: node dist/bench/bare-fanout.js (bench/load.ts starts it as a child process).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { loadTargetConfig } from '../src/config/load.js';
import { dialectModule } from '../src/dialects/index.js';
import { DeliveryTracker } from '../src/load/delivery-tracker.js';
import { buildFanoutPlan, fanoutParameters, groupPeers, isSender, slotInstance, slotUser, type FanoutPlan } from '../src/load/plan.js';
import { decodeStamp, encodeStamp } from '../src/load/stamp.js';
import { createTokenSource } from '../src/auth/tokens.js';

export interface BareFanoutResult {
  kind: 'bare-fanout';
  runId: string;
  params: FanoutPlan['params'];
  /** The plan's schedule (epoch ms): sending from startAt to sendUntil, counting until endAt. */
  startAt: number;
  sendUntil: number;
  endAt: number;
  /** When the last connection attempt was made / the last socket became ready (epoch ms). */
  lastArrivalAt: number;
  lastReadyAt: number;
  connected: number;
  connectFailed: number;
  /** Sockets that had not connected (or had dropped) when sending started. */
  notReadyAtStart: number;
  disconnectedBeforeEnd: number;
  sent: number;
  expected: number;
  received: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  ackTimeouts: number;
  sendRefused: number;
  /** received / sendSeconds. */
  deliveriesPerSecond: number;
  /** Intended send time -> receipt (what the processor's fanout.latency_ms measures). */
  latencyMs: Percentiles;
  /** Actual emit -> receipt (fanout.emit_latency_ms) and emit -> ack (fanout.ack_ms). */
  emitLatencyMs: Percentiles;
  ackMs: Percentiles;
  /** p99 of intended -> receipt per whole second after the first send (by receipt time), as report.json's 1 s periods. */
  perSecondP99: number[];
  /** Intended -> receipt of the deliveries received within BARE_WINDOW (else the second half of sending). */
  windowLatencyMs: Percentiles & { fromMs: number; toMs: number };
  connectMs: Percentiles;
  eventLoopLagP99Ms: number;
  memory: { rssBeforeBytes: number; rssConnectedBytes: number; rssEndBytes: number };
  /** CPU seconds of this process (user + system): the whole run, and between startAt and endAt. */
  cpu: { totalSeconds: number; sendWindowSeconds: number };
  firstErrors: string[];
}

export interface Percentiles {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const sleepUntil = (at: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, at - Date.now())));
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** The values grouped by the wall-clock second they were received in (as Artillery's 1 s periods are), in order. */
function perWallSecond(values: number[], at: number[]): number[][] {
  const seconds = new Map<number, number[]>();
  values.forEach((v, i) => {
    const s = Math.floor(at[i] / 1000);
    const list = seconds.get(s);
    if (list) list.push(v);
    else seconds.set(s, [v]);
  });
  return [...seconds].sort((a, b) => a[0] - b[0]).map(([, vs]) => vs);
}

/** Nearest-rank percentiles of a sample (ms, rounded like Artillery's summaries to 0.1 ms). */
function percentiles(values: number[]): Percentiles {
  if (!values.length) return { count: 0, min: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  const s = Float64Array.from(values).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  const r = (n: number) => Math.round(n * 10) / 10;
  return { count: s.length, min: r(s[0]), mean: r(values.reduce((a, b) => a + b, 0) / s.length), p50: r(at(0.5)), p95: r(at(0.95)), p99: r(at(0.99)), max: r(s[s.length - 1]) };
}

async function main(): Promise<void> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpuAtStart = cpuSeconds();
  const rssBefore = process.memoryUsage().rss;
  const file = process.env.GATECHECK_TARGET;
  if (!file) throw new Error('GATECHECK_TARGET is not set');
  const config = await loadTargetConfig(file);
  const tokens = createTokenSource(config);
  const dialect = dialectModule(config.dialect).dialect(config.events);
  const ready = dialect.readyEvent ? dialect.eventName(dialect.readyEvent) : 'connect';
  const messageNew = dialect.eventName('message:new');
  const messageSend = dialect.eventName('message:send');
  const params = fanoutParameters(JSON.parse(process.env.BARE_PARAMS ?? '{}') as Record<string, unknown>);

  const plan = await buildFanoutPlan(config, tokens, params);
  const p = plan.params;
  const rampStart = Date.now();
  process.stderr.write(`bare: ${plan.conversations.length} conversations for ${p.connections} connections; sending starts in ${Math.round((plan.startAt - rampStart) / 1000)} s\n`);

  const counts = { connected: 0, connectFailed: 0, disconnectedBeforeEnd: 0, sent: 0, expected: 0, received: 0, duplicated: 0, outOfOrder: 0, ackTimeouts: 0, sendRefused: 0 };
  const latencies: number[] = [];
  const receivedAt: number[] = [];
  const emitLatencies: number[] = [];
  const ackTimes: number[] = [];
  const connectTimes: number[] = [];
  const errors: string[] = [];
  const noteError = (msg: string) => void (errors.length < 5 && errors.push(msg));
  const sockets: Array<Socket | undefined> = new Array(p.connections);
  const work: Array<Promise<void>> = [];
  let lastArrivalAt = 0;
  let lastReadyAt = 0;

  const vu = async (slot: number): Promise<void> => {
    const instance = slotInstance(plan.instances.length, slot, plan.params.groupSize);
    const token = await tokens.valid(slotUser(plan.runId, slot));
    const started = performance.now();
    const socket = io(plan.instances[instance], { path: config.socketPath, transports: config.transports, auth: { token }, forceNew: true, reconnection: false });
    sockets[slot] = socket;
    // Listening from the start, as the processor's VU does from the moment its socket is ready.
    const tracker = new DeliveryTracker();
    socket.on(messageNew, (m: { content?: unknown } | undefined) => {
      const stamp = decodeStamp(m?.content, plan.runId);
      if (!stamp || stamp.senderSlot === slot) return;
      const verdict = tracker.record(stamp.senderSlot, stamp.seq);
      if (verdict === 'duplicate') return void counts.duplicated++;
      if (verdict === 'out-of-order') counts.outOfOrder++;
      counts.received++;
      const now = Date.now();
      latencies.push(now - stamp.intendedAt);
      receivedAt.push(now);
      emitLatencies.push(now - stamp.emittedAt);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${ready} within ${config.timeouts.connectMs} ms`)), config.timeouts.connectMs);
        socket.once(ready, () => (clearTimeout(timer), resolve()));
        socket.once('connect_error', (err) => (clearTimeout(timer), reject(new Error(`connect_error: ${err.message}`))));
        socket.once('disconnect', (reason) => (clearTimeout(timer), reject(new Error(`disconnected before ready: ${reason}`))));
      });
    } catch (err) {
      counts.connectFailed++;
      noteError(`slot ${slot}: ${(err as Error).message}`);
      socket.close();
      return;
    }
    socket.removeAllListeners('connect_error').removeAllListeners('disconnect');
    socket.once('disconnect', (reason) => {
      if (Date.now() < plan.endAt) (counts.disconnectedBeforeEnd++, noteError(`slot ${slot} disconnected: ${reason}`));
    });
    connectTimes.push(performance.now() - started);
    counts.connected++;
    lastReadyAt = Date.now();
    if (isSender(p, slot)) await send(socket, slot, instance);
  };

  /** The processor's open-model schedule: message k of a sender is due at startAt + offset + k / rate. */
  const send = async (socket: Socket, slot: number, instance: number): Promise<void> => {
    const interval = 1000 / p.ratePerSender;
    const conversationId = plan.conversations[Math.floor(slot / p.groupSize)];
    const peers = groupPeers(p, slot).length;
    const offset = (slot * 7919) % Math.max(1, Math.floor(interval));
    const acks: Array<Promise<void>> = [];
    for (let seq = 0; ; seq++) {
      const intendedAt = plan.startAt + offset + seq * interval;
      if (intendedAt >= plan.sendUntil) break;
      await sleepUntil(intendedAt);
      if (!socket.connected) continue;
      const emittedAt = Date.now();
      const content = encodeStamp({ runId: plan.runId, senderSlot: slot, senderInstance: instance, seq, intendedAt: Math.round(intendedAt), emittedAt });
      counts.sent++;
      counts.expected += peers;
      acks.push(
        socket
          .timeout(config.timeouts.actionMs)
          .emitWithAck(messageSend, { conversationId, content })
          .then(
            (ack: { success?: boolean } | undefined) => {
              ackTimes.push(Date.now() - emittedAt);
              if (ack && ack.success === false) counts.sendRefused++;
            },
            () => void counts.ackTimeouts++,
          ),
      );
    }
    await Promise.all(acks);
  };

  // Arrivals spread evenly over rampSeconds, like the scenario's phase (arrivalCount over duration).
  const gap = (p.rampSeconds * 1000) / p.connections;
  for (let slot = 0; slot < p.connections; slot++) {
    await sleepUntil(rampStart + slot * gap);
    lastArrivalAt = Date.now();
    work.push(vu(slot).catch((err) => (counts.connectFailed++, noteError(`slot ${slot}: ${(err as Error).message}`))));
  }

  await sleepUntil(plan.startAt);
  const rssConnected = process.memoryUsage().rss;
  const notReadyAtStart = sockets.filter((s) => !s?.connected).length;
  const cpuAtSend = cpuSeconds();
  await sleepUntil(plan.endAt);
  const cpuAtEnd = cpuSeconds();
  await Promise.all(work);
  const rssEnd = process.memoryUsage().rss;
  for (const s of sockets) s?.close();

  const [fromMs, toMs] = process.env.BARE_WINDOW ? (JSON.parse(process.env.BARE_WINDOW) as [number, number]) : [(p.sendSeconds * 1000) / 2, p.sendSeconds * 1000];
  const inWindow = latencies.filter((_, i) => receivedAt[i] >= plan.startAt + fromMs && receivedAt[i] < plan.startAt + toMs);
  const result: BareFanoutResult = {
    kind: 'bare-fanout',
    runId: plan.runId,
    params: p,
    startAt: plan.startAt,
    sendUntil: plan.sendUntil,
    endAt: plan.endAt,
    lastArrivalAt,
    lastReadyAt,
    connected: counts.connected,
    connectFailed: counts.connectFailed,
    notReadyAtStart,
    disconnectedBeforeEnd: counts.disconnectedBeforeEnd,
    sent: counts.sent,
    expected: counts.expected,
    received: counts.received,
    lost: Math.max(0, counts.expected - counts.received),
    duplicated: counts.duplicated,
    outOfOrder: counts.outOfOrder,
    ackTimeouts: counts.ackTimeouts,
    sendRefused: counts.sendRefused,
    deliveriesPerSecond: counts.received / p.sendSeconds,
    latencyMs: percentiles(latencies),
    emitLatencyMs: percentiles(emitLatencies),
    ackMs: percentiles(ackTimes),
    windowLatencyMs: { ...percentiles(inWindow), fromMs, toMs },
    perSecondP99: perWallSecond(latencies, receivedAt).map((second) => percentiles(second).p99),
    connectMs: percentiles(connectTimes),
    eventLoopLagP99Ms: Math.round((loop.percentile(99) / 1e6) * 10) / 10,
    memory: { rssBeforeBytes: rssBefore, rssConnectedBytes: rssConnected, rssEndBytes: rssEnd },
    cpu: { totalSeconds: cpuSeconds() - cpuAtStart, sendWindowSeconds: cpuAtEnd - cpuAtSend },
    firstErrors: errors,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().then(
  () => process.stdout.write('', () => process.exit(0)),
  (err) => {
    process.stderr.write(`bare-fanout: ${(err as Error)?.stack ?? err}\n`);
    process.exit(1);
  },
);
