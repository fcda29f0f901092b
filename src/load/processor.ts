/**
 * The Artillery processor of gatecheck's scenarios: plain functions a scenario file names. Neither
 * socketio engine can wait for a server-pushed event, so connecting, sending on an open-model schedule
 * and measuring deliveries happen here, on the VU's own socket (kept in `context.sockets['']`, where
 * both engines look for it). Every figure leaves as an Artillery counter or histogram, so it aggregates
 * across workers and distributed runners.
 *
 * Env contract: GATECHECK_TARGET = a target config file (the one `gatecheck conform` reads; its secrets
 * come from the environment as usual).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { loadTargetConfig } from '../config/load.js';
import type { TargetConfig } from '../config/schema.js';
import { dialectModule } from '../dialects/index.js';
import type { Dialect } from '../protocol/types.js';
import { createTokenSource, type TokenSource } from '../target/tokens.js';
import { DeliveryTracker } from './delivery-tracker.js';
import { buildFanoutPlan, fanoutParameters, groupPeers, isSender, slotInstance, slotUser, type FanoutPlan } from './plan.js';
import { bucketOf, decodeStamp, encodeStamp } from './stamp.js';

interface Events {
  emit(kind: 'counter' | 'histogram', name: string, value: number): void;
}
interface VuContext {
  vars: Record<string, any>;
  sockets?: Record<string, { disconnect(): void } | undefined>;
}

interface Target {
  config: TargetConfig;
  tokens: TokenSource;
  dialect: Dialect;
}

let target: Promise<Target> | undefined;
/** One per Artillery worker (each worker imports this module once). */
function loadTarget(): Promise<Target> {
  target ??= (async () => {
    const file = process.env.GATECHECK_TARGET;
    if (!file) throw new Error('GATECHECK_TARGET is not set: it names the target config file (see scenarios/README.md)');
    const config = await loadTargetConfig(file);
    return { config, tokens: createTokenSource(config), dialect: dialectModule(config.dialect).dialect(config.events) };
  })();
  return target;
}

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const sleepUntil = (at: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, at - Date.now())));

/** `before` hook: creates the conversations and fixes the schedule every VU follows. */
async function fanoutPlan(context: VuContext): Promise<void> {
  const { config, tokens } = await loadTarget();
  const plan = await buildFanoutPlan(config, tokens, fanoutParameters(context.vars));
  context.vars.gatecheckPlan = plan;
  // The built-in engine connects every VU to config.target before its first step, with config.socketio
  // templated per VU: this token makes that placeholder a valid connection (a user in no conversation),
  // which gatecheckFanout then replaces. A refused one would crash the engine (it answers `error` twice).
  context.vars.gatecheckEngineToken = await tokens.valid(`load-${plan.runId}-engine`);
  process.stderr.write(`gatecheck: ${plural(plan.conversations.length, 'conversation')} for ${plural(plan.params.connections, 'connection')} over ${plural(plan.instances.length, 'instance')}; sending starts in ${Math.round((plan.startAt - Date.now()) / 1000)} s\n`);
}

/** Opens the VU's socket on its instance, as its user, and waits until the gateway says it is ready. */
async function openSocket(t: Target, url: string, userId: string, events: Events): Promise<Socket> {
  const token = await t.tokens.valid(userId);
  const started = performance.now();
  const socket = io(url, { path: t.config.socketPath, transports: t.config.transports, auth: { token }, reconnection: false, forceNew: true });
  const ready = t.dialect.readyEvent ? t.dialect.eventName(t.dialect.readyEvent) : 'connect';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`no ${ready} within ${t.config.timeouts.connectMs} ms`)), t.config.timeouts.connectMs);
    const fail = (err: Error) => (clearTimeout(timer), socket.close(), reject(err));
    socket.once(ready, () => (clearTimeout(timer), resolve()));
    socket.once('connect_error', (err) => fail(new Error(`connect_error: ${err.message}`)));
    socket.once('disconnect', (reason) => fail(new Error(`disconnected before ready: ${reason}`)));
  });
  events.emit('histogram', 'fanout.connect_ms', performance.now() - started);
  events.emit('counter', 'fanout.connected', 1);
  return socket;
}

/**
 * The whole life of one fan-out VU: connect, listen, send on schedule (senders), drain, report.
 * Receivers count every delivery; senders count what every other member should have received.
 */
async function fanout(context: VuContext, events: Events): Promise<void> {
  const plan = context.vars.gatecheckPlan as FanoutPlan | undefined;
  const slot = Number(context.vars.slot);
  if (!plan) throw new Error('no gatecheckPlan: the scenario must run gatecheckFanoutPlan in its before hook');
  if (!Number.isInteger(slot) || slot >= plan.params.connections) {
    events.emit('counter', 'fanout.idle_vus', 1);
    return;
  }
  let socket: Socket | undefined;
  try {
    const t = await loadTarget();
    const p = plan.params;
    const instance = slotInstance(plan.instances.length, slot);
    socket = await openSocket(t, plan.instances[instance], slotUser(plan.runId, slot), events);
    // The built-in engine connected a socket of its own before the first step: this VU uses ours.
    context.sockets?.['']?.disconnect();
    context.sockets = { ...(context.sockets ?? {}), '': socket };

    const perSender = Math.ceil(p.connections / p.groupSize) * p.sendersPerGroup <= p.perSenderLimit;
    const tracker = new DeliveryTracker();
    socket.on(t.dialect.eventName('message:new'), (message: { content?: unknown } | undefined) => {
      const stamp = decodeStamp(message?.content, plan.runId);
      if (!stamp || stamp.senderSlot === slot) return;
      const now = Date.now();
      const verdict = tracker.record(stamp.senderSlot, stamp.seq);
      if (verdict === 'duplicate') return events.emit('counter', 'fanout.duplicated', 1);
      if (verdict === 'out-of-order') events.emit('counter', 'fanout.out_of_order', 1);
      const where = stamp.senderInstance === instance ? 'same_instance' : 'cross_instance';
      const latency = now - stamp.intendedAt;
      events.emit('counter', 'fanout.received', 1);
      events.emit('counter', `fanout.received.${where}`, 1);
      events.emit('histogram', 'fanout.latency_ms', latency);
      events.emit('histogram', `fanout.latency_ms.${where}`, latency);
      events.emit('histogram', 'fanout.emit_latency_ms', now - stamp.emittedAt);
      events.emit('counter', `fanout.latency_bucket.${bucketOf(latency)}`, 1);
      if (perSender) events.emit('counter', `fanout.sender.${stamp.senderSlot}.received`, 1);
    });

    if (isSender(p, slot)) {
      await sendOnSchedule(socket, t, plan, slot, instance, perSender, events);
    }
    await sleepUntil(plan.endAt);
    events.emit('histogram', 'generator.loop_lag_p99_ms', loopDelay.percentile(99) / 1e6);
  } catch (err) {
    events.emit('counter', 'fanout.vu_failed', 1);
    socket?.close();
    throw err;
  }
}

/** Open model: message k is due at a fixed time whether or not the previous one was acknowledged. */
async function sendOnSchedule(socket: Socket, t: Target, plan: FanoutPlan, slot: number, instance: number, perSender: boolean, events: Events): Promise<void> {
  const p = plan.params;
  const interval = 1000 / p.ratePerSender;
  const conversationId = plan.conversations[Math.floor(slot / p.groupSize)];
  const peers = groupPeers(p, slot);
  const crossPeers = peers.filter((s) => slotInstance(plan.instances.length, s) !== instance).length;
  // Senders are spread over the interval so they do not all fire in the same millisecond.
  const offset = (slot * 7919) % Math.max(1, Math.floor(interval));
  const acks: Array<Promise<void>> = [];
  for (let seq = 0; ; seq++) {
    const intendedAt = plan.startAt + offset + seq * interval;
    if (intendedAt >= plan.sendUntil) break;
    await sleepUntil(intendedAt);
    if (!socket.connected) {
      events.emit('counter', 'fanout.send_skipped_disconnected', 1);
      continue;
    }
    const emittedAt = Date.now();
    const content = encodeStamp({ runId: plan.runId, senderSlot: slot, senderInstance: instance, seq, intendedAt: Math.round(intendedAt), emittedAt });
    events.emit('counter', 'fanout.sent', 1);
    events.emit('counter', 'fanout.expected', peers.length);
    events.emit('counter', 'fanout.expected.cross_instance', crossPeers);
    events.emit('counter', 'fanout.expected.same_instance', peers.length - crossPeers);
    if (perSender) {
      events.emit('counter', `fanout.sender.${slot}.sent`, 1);
      events.emit('counter', `fanout.sender.${slot}.expected`, peers.length);
    }
    acks.push(
      socket
        .timeout(t.config.timeouts.actionMs)
        .emitWithAck(t.dialect.eventName('message:send'), { conversationId, content })
        .then(
          (ack: { success?: boolean } | undefined) => {
            events.emit('histogram', 'fanout.ack_ms', Date.now() - emittedAt);
            if (ack && ack.success === false) events.emit('counter', 'fanout.send_refused', 1);
          },
          () => events.emit('counter', 'fanout.ack_timeout', 1),
        ),
    );
  }
  await Promise.all(acks);
}

/**
 * A step both engines can run: Artillery 2 awaits a promise, but artillery-engine-socketio-v3 runs
 * function steps through the Artillery 1 HTTP engine it bundles, which only knows the callback.
 */
function step(impl: (context: VuContext, events: Events) => Promise<void>) {
  return function (context: VuContext, events: Events, done?: (err?: Error) => void): void {
    impl(context, events).then(() => done?.(), (err: Error) => done?.(err));
  };
}

/** `before` hook: creates the conversations and fixes the schedule every VU follows. */
export const gatecheckFanoutPlan = step(fanoutPlan);
/** The fan-out VU: connect, listen, send on schedule (senders), drain. */
export const gatecheckFanout = step(fanout);
