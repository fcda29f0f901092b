import { io, type Socket } from 'socket.io-client';
import { sourceAddressOptions } from '../source-addresses.js';
import { sleepUntil, type Events, type Target } from '../vu-kit.js';
import { krakenEmit, krakenEmitWithAck } from './outbound.js';
import { connectAt, type KrakenPlan } from './plan.js';

/**
 * Opens a Kraken socket as `userId` at the slot's paced time (the target's limiter counts per instance),
 * optionally from a given local address, and waits for the transport (Kraken has no ready event).
 * `reconnection` on lets socket.io-client come back by itself after a storm.
 */
export async function openKrakenSocket(t: Target, plan: KrakenPlan, slot: number, url: string, userId: string, opts: { prefix: string; sourceAddress?: string; events: Events; paced?: boolean; reconnection?: boolean }): Promise<Socket> {
  if (opts.paced !== false) await sleepUntil(connectAt(plan, slot));
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
  const errorEvent = t.dialect.errorEvents.error;
  const refused = (e: { code?: string; message?: string }) => fail(new Error(`refused: ${e?.code ?? ''} ${e?.message ?? ''}`.trim()));
  let fail: (err: Error) => void = () => {};
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`not connected within ${t.config.timeouts.connectMs} ms`)), t.config.timeouts.connectMs);
    fail = (err: Error) => (clearTimeout(timer), socket.close(), reject(err));
    socket.once('connect', () => (clearTimeout(timer), resolve()));
    socket.once('connect_error', (err) => fail(new Error(`connect_error: ${err.message}`)));
    socket.once(errorEvent, refused);
  });
  // Once connected, a later error event (a refused send) must not close the socket.
  socket.removeAllListeners('connect_error').off(errorEvent, refused);
  opts.events.emit('histogram', `${opts.prefix}.connect_ms`, performance.now() - started);
  opts.events.emit('counter', `${opts.prefix}.connected`, 1);
  return socket;
}

/** How long a userOnline for this user waits for the ack before it is taken as the join's end. */
const ONLINE_WITHOUT_ACK_MS = 1000;

/**
 * joinAll (the community's rooms), then presenceOnline: a gateway handles one socket's events in order,
 * so its ack ('ACK') says both are done. A gateway that does not ack presenceOnline (a documented open
 * point) is taken as joined when its userOnline for this user arrives instead, a little later: that
 * userOnline may be another device of the same user joining at the same time (after a storm, all do),
 * while this socket's joinAll is still being handled.
 */
export async function joinKraken(socket: Socket, t: Target, communityId: string, userId: string): Promise<void> {
  const errorEvent = t.dialect.errorEvents.error;
  const online = t.dialect.eventName('userOnline');
  await new Promise<void>((resolve, reject) => {
    let fallback: NodeJS.Timeout | undefined;
    const done = (err?: Error) => {
      clearTimeout(timer);
      clearTimeout(fallback);
      socket.off(errorEvent, onError).off(online, onOnline).off('disconnect', onDrop);
      err ? reject(err) : resolve();
    };
    const timer = setTimeout(() => done(new Error(`joinAll/presenceOnline: no ack and no userOnline within ${t.config.timeouts.actionMs} ms`)), t.config.timeouts.actionMs);
    const onError = (e: { event?: string; code?: string; message?: string }) => done(new Error(`${e?.event ?? 'joinAll'} refused: ${e?.code ?? ''} ${e?.message ?? ''}`.trim()));
    const onOnline = (p: { userId?: string } | undefined) => {
      if (p?.userId === userId && sentPresence) fallback ??= setTimeout(() => done(), ONLINE_WITHOUT_ACK_MS);
    };
    const onDrop = (reason: string) => done(new Error(`disconnected while joining: ${reason}`));
    let sentPresence = false;
    socket.on(errorEvent, onError).on(online, onOnline).on('disconnect', onDrop);
    krakenEmit(socket, t, 'joinAll', communityId);
    sentPresence = true;
    krakenEmitWithAck(socket, t, 'presenceOnline', undefined).then((ack) => ack === 'ACK' && done(), () => undefined);
  });
}

/** presenceOnline every heartbeatMs while the socket lives, so a declared presence TTL never expires a connected user. */
export function heartbeat(socket: Socket, t: Target, plan: KrakenPlan): () => void {
  if (!plan.heartbeatMs) return () => {};
  const timer = setInterval(() => socket.connected && krakenEmit(socket, t, 'presenceOnline', undefined), plan.heartbeatMs);
  return () => clearInterval(timer);
}
