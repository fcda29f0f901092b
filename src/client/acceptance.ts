import type { Dialect } from '../protocol/types.js';
import type { ConnectResult, Probe } from './probe.js';
import { refusalOf, type Refusal } from './refusal.js';

export type Acceptance = { accepted: true; ms: number } | { accepted: false; refusal: Refusal; ms: number };

/**
 * Whether the server took a connection made with a valid token. chat-service: its `connected` event
 * arrives (an error event, a disconnect or silence first is a refusal). Kraken has no ready event: the
 * transport connects and then neither an error event nor a disconnect comes within `settleMs` (the
 * reference gateway and Kraken's own guard refuse within milliseconds of the connection).
 */
export async function awaitAcceptance(probe: Probe, result: ConnectResult, dialect: Dialect, opts: { readyMs: number; settleMs: number }): Promise<Acceptance> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  if (result.kind === 'connect_error') return { accepted: false, refusal: refusalOf('connect_error', result.message, result.data), ms: 0 };
  // Documented names: the probe maps a renamed wire event back to them.
  const error = 'error';
  const ready = dialect.readyEvent;
  const first = await probe.waitForFirst(ready ? [ready, error] : [error], ready ? opts.readyMs : opts.settleMs);
  if (first && first.event === ready) return { accepted: true, ms: ms() };
  if (first) return { accepted: false, refusal: refusalOf('error event', '', first.payload), ms: ms() };
  if (!probe.connected) return { accepted: false, refusal: refusalOf('disconnect', 'the server closed the socket'), ms: ms() };
  if (ready) return { accepted: false, refusal: refusalOf('silence', `no ${ready} event within ${opts.readyMs} ms; it received: ${probe.inboxSummary()}`), ms: ms() };
  return { accepted: true, ms: ms() };
}
