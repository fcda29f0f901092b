import { heartbeatOf } from '../../../client/raw-session.js';
import type { Attack } from './attack.js';

/**
 * The offender's only connection goes silent without closing: it stops reading, so it answers no
 * ping, and its TCP connection stays open. The heartbeat the server announced in its open packet
 * (pingInterval + pingTimeout) says when it must drop it; then a peer must be told the user went
 * offline, and the connection, read again, must turn out closed by the server. A heartbeat longer
 * than limits.robustness.maxHalfOpenMs fails at once: the target holds silent connections that long.
 */
export async function halfOpenAttack(a: Attack): Promise<void> {
  const { ctx, offender } = a;
  const watcher = await offender.presenceWatcher();
  const s = await a.authenticated();
  const beat = heartbeatOf(s);
  if (!beat) throw new Error(`the Engine.IO open packet announced no pingInterval / pingTimeout (${s.received[0]})`);
  const heldMs = beat.pingInterval + beat.pingTimeout;
  const bound = a.limits.maxHalfOpenMs;
  const heartbeat = `pingInterval ${beat.pingInterval} ms + pingTimeout ${beat.pingTimeout} ms`;
  ctx.check(heldMs <= bound, `the target holds a connection that went silent for up to ${heldMs} ms (${heartbeat}, from its handshake), longer than limits.robustness.maxHalfOpenMs`, {
    expected: `a heartbeat of at most ${bound} ms (raise limits.robustness.maxHalfOpenMs to wait a longer one out)`,
    received: heartbeat,
  });

  s.stopReading();
  const silentAt = performance.now();
  const waitMs = heldMs + ctx.timeouts.actionMs;
  const offline = await watcher.probe.waitFor(watcher.offlineEvent, waitMs, (p: { userId?: unknown } | null) => p?.userId === offender.userId).catch(() => undefined);
  const goneAfter = Math.round(performance.now() - silentAt);
  ctx.check(offline, `the target still holds the user online ${waitMs} ms after its only connection went silent (heartbeat: ${heartbeat})`, {
    expected: `${watcher.offlineEvent} for ${offender.userId} to ${watcher.probe.label} within ${waitMs} ms`,
    received: `no ${watcher.offlineEvent}; ${watcher.probe.label} received: ${watcher.probe.inboxSummary()}`,
  });
  s.resumeReading();
  const ended = await s.endsWithin(ctx.timeouts.actionMs);
  ctx.check(ended, `the target reported the user offline but still holds its silent connection`, {
    expected: 'the connection closed by the server (read again after the offline event)',
    received: `still open ${goneAfter + ctx.timeouts.actionMs} ms after it went silent`,
  });
  ctx.note(`half-open: heartbeat ${heartbeat}; ${watcher.offlineEvent} ${goneAfter} ms after the connection went silent; read again, it had been closed (${ended})`);
}
