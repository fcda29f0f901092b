import type { MutantInfo } from './mutants.js';

/**
 * The robustness suite's mutants both reference gateways share, each killed by its own attack
 * (`killer`). A dialect adds the ones whose wording is its own (robust-membership-cached).
 */
export const ROBUSTNESS_MUTANTS: readonly MutantInfo<'robustness'>[] = [
  { name: 'robust-no-payload-cap', area: 'robustness', suite: 'robustness', killer: 'robustness.oversized', description: 'maxHttpBufferSize raised to 100 MB: packets far over the 1 MB cap are read and processed (robustness.oversized)' },
  { name: 'robust-any-namespace', area: 'robustness', suite: 'robustness', killer: 'robustness.packets', description: 'dynamic namespaces (io.of(/.*/)) accept a CONNECT to any namespace (robustness.packets)' },
  { name: 'robust-crash-on-odd-id', area: 'robustness', suite: 'robustness', killer: 'robustness.odd-values', description: 'an audit hook (socket.onAny) lower-cases the room id outside any try: a non-string id kills the process (robustness.odd-values)' },
  { name: 'robust-proto-pollution', area: 'robustness', suite: 'robustness', killer: 'robustness.prototype-keys', description: 'the raw payload is deep-merged naively (lodash.merge-style): __proto__ pollutes Object.prototype and every later message carries it (robustness.prototype-keys)' },
  { name: 'robust-flood-starves', area: 'robustness', suite: 'robustness', killer: 'robustness.event-flood', description: 'no rate limit, and a synchronous spam filter of 10 ms per message: one flooding socket starves every other client (robustness.event-flood)' },
  { name: 'robust-unbounded-queue', area: 'robustness', suite: 'robustness', killer: 'robustness.slow-reader', description: 'errors echo the rejected payload back, twice: a client that never reads piles up its per-socket send queue without bound (robustness.slow-reader)' },
  { name: 'robust-token-cache', area: 'robustness', suite: 'robustness', killer: 'robustness.token-replay', description: 'token verification is cached by the token string and a cache hit skips the exp check: an expired token is accepted again on reconnect (robustness.token-replay)' },
  { name: 'robust-socket-cap-leak', area: 'robustness', suite: 'robustness', killer: 'robustness.many-sockets', description: 'a per-user cap of 50 sockets refuses the 51st and later after registering them, and the refusal path skips the cleanup: after all close, the user stays online forever (robustness.many-sockets)' },
  { name: 'robust-handshake-starves', area: 'robustness', suite: 'robustness', killer: 'robustness.handshake-flood', description: 'every handshake derives a key synchronously (40 ms of CPU: 12 s for the 300 handshakes of the flood) before checking the token: a handshake flood blocks the event loop and starves every client (robustness.handshake-flood)' },
  { name: 'robust-heartbeat-off', area: 'robustness', suite: 'robustness', killer: 'robustness.half-open', description: 'pingTimeout raised to an hour (the heartbeat effectively off): a connection that went silent is held, its user online, for an hour (robustness.half-open)' },
];
