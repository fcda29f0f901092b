import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { loadTargetConfig } from '../config/load.js';
import type { TargetConfig } from '../config/schema.js';
import { protocolFor, type Dialect } from '../protocol/index.js';
import { createTokenSource, type TokenSource } from '../auth/tokens.js';
import { batched, flushMetrics } from './metric-batch.js';
import { sourceAddressOptions } from './source-addresses.js';
import { dirname, resolve } from 'node:path';
import { loadProfile } from '../profiles/load.js';
import type { Profile } from '../profiles/profile.js';

/** What Artillery hands a function step. */
export interface Events {
  emit(kind: 'counter' | 'histogram', name: string, value: number): void;
}
export interface VuContext {
  vars: Record<string, any>;
  sockets?: Record<string, { disconnect(): void } | undefined>;
}

export interface Target {
  config: TargetConfig;
  tokens: TokenSource;
  dialect: Dialect;
  /** How the server differs from its document (GATECHECK_PROFILE, else the config's `profile`). */
  profile?: Profile;
}

let target: Promise<Target> | undefined;
/** The target config GATECHECK_TARGET names, loaded once per Artillery worker. */
export function loadTarget(): Promise<Target> {
  target ??= (async () => {
    const file = process.env.GATECHECK_TARGET;
    if (!file) throw new Error('GATECHECK_TARGET is not set: it names the target config file (see scenarios/README.md)');
    const config = await loadTargetConfig(file);
    const ref = process.env.GATECHECK_PROFILE || config.profile;
    const profile = ref ? await loadProfile(ref, config.dialect, dirname(resolve(file))) : undefined;
    return { config, tokens: createTokenSource(config), profile, dialect: protocolFor(config.dialect, { ...profile?.data.events, ...config.events }) };
  })();
  return target;
}

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

/** The worker's event-loop delay p99 so far: a late timer is the generator's delay, not the server's. */
export function recordLoopLag(events: Events): void {
  events.emit('histogram', 'generator.loop_lag_p99_ms', loopDelay.percentile(99) / 1e6);
}

export const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
/** Resolves once Date.now() has reached `at`: timers may fire a millisecond early by the wall clock. */
export async function sleepUntil(at: number): Promise<void> {
  while (Date.now() < at) await new Promise<void>((r) => setTimeout(r, Math.max(1, at - Date.now())));
}

/** How late a sender emits against its schedule: the generator's delay, not the server's (a saturation signal). */
export function recordSendLag(events: Events, intendedAt: number, emittedAt: number): void {
  events.emit('histogram', 'generator.send_lag_ms', Math.max(0, emittedAt - intendedAt));
}

/** The event that says a connection is usable: the dialect's ready event, else the transport connect. */
export const readyEventOf = (t: Target) => (t.dialect.readyEvent ? t.dialect.eventName(t.dialect.readyEvent) : 'connect');

/** A handshake that did not end ready: refused by the server (with its reason) or timed out. */
export class ConnectFailure extends Error {
  constructor(
    readonly kind: 'refused' | 'timed_out',
    readonly reason: string,
  ) {
    super(kind === 'refused' ? `connection refused: ${reason}` : reason);
  }
}

/** The server's words for a refused handshake: Socket.IO's middleware error and its data. */
function refusalOf(err: Error & { data?: { message?: unknown; code?: unknown } }): string {
  const detail = typeof err.data?.message === 'string' ? err.data.message : typeof err.data?.code === 'string' ? err.data.code : undefined;
  return detail && detail !== err.message ? `${err.message}: ${detail}` : err.message;
}

/**
 * Opens a VU's socket on its instance, as its user, and waits until the gateway says it is ready.
 * `reconnection` on lets socket.io-client come back by itself after a storm.
 */
export async function openSocket(t: Target, url: string, userId: string, events: Events, opts: { prefix: string; reconnection?: boolean; sourceAddress?: string; onReady?: (ms: number) => void }): Promise<Socket> {
  const token = await t.tokens.valid(userId);
  const started = performance.now();
  const socket = io(url, {
    path: t.config.socketPath,
    transports: t.config.transports,
    auth: { token },
    forceNew: true,
    reconnection: opts.reconnection ?? false,
    reconnectionDelay: 250,
    reconnectionDelayMax: 2000,
    // engine.io-client passes both on in Node; its types only know the browser's `agent: string | boolean`.
    ...(sourceAddressOptions(url, opts.sourceAddress) as object),
  });
  const ready = readyEventOf(t);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new ConnectFailure('timed_out', `no ${ready} within ${t.config.timeouts.connectMs} ms`)), t.config.timeouts.connectMs);
    const fail = (err: Error) => (clearTimeout(timer), socket.close(), reject(err));
    socket.once(ready, () => (clearTimeout(timer), resolve()));
    socket.once('connect_error', (err) => fail(new ConnectFailure('refused', refusalOf(err))));
    // A gateway that refuses after the transport connected says why in its error event, then disconnects.
    let said: string | undefined;
    socket.once(t.dialect.errorEvents.error, (e: { code?: unknown; message?: unknown } | undefined) => (said = [e?.code, e?.message].filter((x) => typeof x === 'string').join(': ') || undefined));
    socket.once('disconnect', (reason) => fail(new ConnectFailure('refused', said ? `${said} (then ${reason})` : `disconnected before ready: ${reason}`)));
  });
  socket.removeAllListeners('connect_error').removeAllListeners('disconnect').removeAllListeners(t.dialect.errorEvents.error);
  const ms = performance.now() - started;
  opts.onReady?.(ms);
  events.emit('histogram', `${opts.prefix}.connect_ms`, ms);
  events.emit('counter', `${opts.prefix}.connected`, 1);
  return socket;
}

/**
 * The built-in engine connected a placeholder before the first step: closed at once, so a VU waiting
 * for its turn to connect holds no second socket (a file descriptor and, at tens of thousands of
 * VUs, an ephemeral port each).
 */
export function dropPlaceholder(context: VuContext): void {
  context.sockets?.['']?.disconnect();
}

/** The VU's own socket takes the placeholder's place, where both engines look for it (and close it at the end). */
export function adoptSocket(context: VuContext, socket: Socket): void {
  dropPlaceholder(context);
  context.sockets = { ...(context.sockets ?? {}), '': socket };
}

/**
 * A step both engines can run: Artillery 2 awaits a promise, but artillery-engine-socketio-v3 runs
 * function steps through the Artillery 1 HTTP engine it bundles, which only knows the callback. What
 * the step measures is batched (metric-batch.ts) and flushed when it ends.
 */
export function step(impl: (context: VuContext, events: Events) => Promise<void>) {
  return function (context: VuContext, events: Events, done?: (err?: Error) => void): void {
    const end = (err?: Error) => (flushMetrics(), done?.(err));
    impl(context, batched(events)).then(() => end(), end);
  };
}
