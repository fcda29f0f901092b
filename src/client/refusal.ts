import type { TargetConfig } from '../config/schema.js';
import { TargetError } from '../errors.js';
import { summarize } from './timeline.js';

/**
 * How a server said no to a connection made with a valid token: a connect_error from its middleware,
 * an error event on the new socket (chat-service's UNAUTHORIZED, Kraken's AUTH_FAILED), or a bare
 * disconnect. `said` quotes it, redacted and shortened.
 */
export interface Refusal {
  via: 'connect_error' | 'error event' | 'disconnect' | 'silence';
  said: string;
  rateLimited: boolean;
}

/** A limiter's refusal: Kraken's RATE_LIMITED, "too many ...", an HTTP 429, "rate limit". */
const RATE_LIMITED = /RATE_?LIMIT|too many|\b429\b|\brate\b/i;

export function refusalOf(via: Refusal['via'], message: string, data?: unknown): Refusal {
  const said = data === undefined ? message : `${message} ${summarize(data)}`;
  return { via, said: said.trim() || '(nothing)', rateLimited: RATE_LIMITED.test(said) };
}

/** "connect_error RATE_LIMITED" / "error event {code: UNAUTHORIZED, ...}". */
export function describeRefusal(r: Refusal): string {
  if (r.via === 'disconnect') return `disconnected (${r.said}) without an error`;
  return r.via === 'silence' ? r.said : `${r.via} ${r.said}`;
}

/** The config change most likely to fix a refusal of a token gatecheck believes valid. */
export function refusalFix(r: Refusal, config: TargetConfig): string {
  if (r.rateLimited) {
    const declared = config.limits.connectsPerSecond;
    return declared > 0
      ? `the server's connection limiter refused it although limits.connectsPerSecond is ${declared}: lower it`
      : "the server's connection limiter refused it: declare its limit as limits.connectsPerSecond (e.g. 0.16 for 10 a minute) so gatecheck paces its connections";
  }
  const { auth } = config;
  if (auth.mint) {
    const kraken = config.dialect === 'kraken' ? '; and the user must exist on the server (kraken.world)' : '';
    return `the server does not accept the tokens gatecheck mints: check auth.mint.secret (the server's signing secret), auth.mint.algorithm (${auth.mint.algorithm}) and auth.mint.userIdClaim (${auth.mint.userIdClaim}) against the server's JWT settings${kraken}`;
  }
  if (auth.command) return 'the server does not accept the token auth.command printed: run the command by hand and check the token is for this server and not expired';
  return 'the server does not accept the static token: it may be expired, revoked, or issued for another server or user (auth.static)';
}

/**
 * A connection with a valid token refused during a case: the harness could not run it, so the case is
 * `errored` (TargetError), not failed, and the reason says what to change in the config.
 */
export class ConnectionRefused extends TargetError {
  constructor(
    readonly label: string,
    readonly refusal: Refusal,
    config: TargetConfig,
  ) {
    super(`${label}: a connection with a valid token was refused (${describeRefusal(refusal)}); ${refusalFix(refusal, config)}`);
  }
}
