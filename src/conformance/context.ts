import type { ZodType } from 'zod';
import type { Outcome } from '../client/outcome.js';
import { describeOutcome } from '../client/outcome.js';
import { Probe, WaitTimeout, type ConnectResult, type TokenVia } from '../client/probe.js';
import { ConnectionRefused, refusalOf } from '../client/refusal.js';
import { summarize } from '../client/timeline.js';
import type { TargetConfig } from '../config/schema.js';
import type { Dialect } from '../protocol/types.js';
import type { RestClient } from '../rest/client.js';
import type { TokenSource } from '../auth/tokens.js';
import type { ConnectPacer, TestUser, UserAllocator } from '../auth/users.js';
import { CaseGrading } from './grading.js';
import { hitText, type Profile, type ProfileHit } from '../profiles/profile.js';

export type RoundTrip = 'ping' | 'namespace' | 'none';

/** Everything a run shares between its cases. */
export interface RunEnvironment {
  config: TargetConfig;
  dialect: Dialect;
  tokens: TokenSource;
  rest: RestClient;
  users: UserAllocator;
  pacer: ConnectPacer;
  /**
   * Asked once before any case (capabilities.ts): the round trip that proves an observer has everything
   * its instance wrote before it: the dialect's ping, a CONNECT to a namespace the server does not have,
   * or none (barriers then rely on a longer grace window alone).
   */
  readonly roundTrip: RoundTrip;
  /** How the target differs from its document, when the config names a profile. */
  profile?: Profile;
}

export interface ConnectOptions {
  instance?: number;
  device?: number;
  via?: TokenVia;
  /** Wait for the dialect's `connected` event (default) or only for the transport's connect. */
  awaitConnected?: boolean;
}

export interface OpenOptions {
  instance?: number;
  via: TokenVia;
  token?: string;
  headerValue?: string;
  label: string;
}

/** The case's handle on the target: users, probes, setup calls, waits and verdicts. */
export class CaseContext extends CaseGrading {
  absenceMs = 0;
  private readonly probes: Probe[] = [];
  private readonly releases: Array<() => void> = [];
  /** The profile's differences this case needed, by their text: each is a finding of the run. */
  readonly profileHits = new Map<string, ProfileHit>();

  constructor(readonly env: RunEnvironment) {
    super();
  }

  get config(): TargetConfig {
    return this.env.config;
  }

  get timeouts() {
    return this.env.config.timeouts;
  }

  get instanceCount(): number {
    return this.env.config.instances.length;
  }

  /** The instance index a "remote" peer should use: the second one when there are several. */
  get otherInstance(): number {
    return this.instanceCount > 1 ? 1 : 0;
  }

  async users(n: number): Promise<TestUser[]> {
    const { users, release } = await this.env.users.take(n);
    this.releases.push(release);
    return users;
  }

  /** Opens a probe with a valid token for the user and waits until the gateway says `connected`. */
  async connect(user: TestUser, opts: ConnectOptions = {}): Promise<Probe> {
    return this.step('connect', () => this.connectNow(user, opts));
  }

  private async connectNow(user: TestUser, opts: ConnectOptions): Promise<Probe> {
    const instance = opts.instance ?? 0;
    const label = `${user.label}${opts.device ? opts.device : ''}@${instance}`;
    const token = await this.env.tokens.valid(user.id);
    const { probe, result } = await this.open({ instance, via: opts.via ?? 'auth', token, label });
    // A refusal of a valid token is the config's or the server's limiter's doing, not the contract's.
    if (result.kind !== 'connected') throw new ConnectionRefused(label, refusalOf('connect_error', result.message, result.data), this.config);
    const ready = this.env.dialect.readyEvent;
    if (ready && opts.awaitConnected !== false) {
      const timeoutMs = this.timeouts.actionMs;
      const first = await probe.waitForFirst([ready, 'error'], timeoutMs);
      if (first?.event === 'error') {
        const refusal = refusalOf('error event', '', first.payload);
        if (refusal.rateLimited || isAuthRefusal(first.payload)) throw new ConnectionRefused(label, refusal, this.config);
      }
      if (!first) {
        this.fail(`${label} did not receive the ${ready} event for ${label}`, {
          expected: `${ready} within ${timeoutMs} ms`,
          received: `${probe.connected ? `nothing within ${timeoutMs} ms` : 'a disconnect'}; it received: ${probe.inboxSummary()}`,
        });
      }
      // An error that is no refusal may still be followed by the ready event: wait for it as ever.
      await this.waitFor(probe, ready, `the ${ready} event for ${label}`);
    }
    return probe;
  }

  /** Opens a probe with whatever credentials the case chooses; the caller reads the result. */
  async open(opts: OpenOptions): Promise<{ probe: Probe; result: ConnectResult }> {
    const { config, dialect } = this.env;
    const instance = config.instances[opts.instance ?? 0];
    await this.env.pacer.wait();
    const probe = new Probe({
      url: instance.url,
      path: config.socketPath,
      transports: config.transports,
      label: opts.label,
      via: opts.via,
      token: opts.token,
      headerValue: opts.headerValue,
      connectTimeoutMs: config.timeouts.connectMs,
      dialect,
      timeline: this.timeline,
      profile: this.env.profile && {
        profile: this.env.profile,
        onHit: (hit) => this.profileHits.set(hitText(hit), hit),
        rest: (trigger, event, payload, token) =>
          this.env.rest.request(trigger, `profile rest.${event}`, token, payload !== null && typeof payload === 'object' ? (payload as Record<string, unknown>) : { value: payload }),
      },
    });
    this.probes.push(probe);
    const result = await probe.connect();
    return { probe, result };
  }

  // ---- waits ----------------------------------------------------------------------------------

  async waitFor(probe: Probe, event: string, what: string, where?: (p: any) => boolean, timeoutMs = this.timeouts.actionMs) {
    try {
      return await probe.waitFor(event, timeoutMs, where);
    } catch (err) {
      if (err instanceof WaitTimeout) {
        this.fail(`${probe.label} did not receive ${what}`, { expected: `${event} within ${timeoutMs} ms`, received: err.message });
      }
      throw err;
    }
  }

  async act(probe: Probe, event: string, payload: unknown): Promise<Outcome> {
    return probe.act(event, payload, this.timeouts.actionMs);
  }

  /** The action must be acknowledged with success and match the schema; returns the ack. */
  async succeed<T>(probe: Probe, event: string, payload: unknown, ackSchema: ZodType<T>): Promise<T> {
    const outcome = await this.act(probe, event, payload);
    if (outcome.kind !== 'ack') {
      this.fail(`${event} by ${probe.label} was not acknowledged`, { expected: 'ack { success: true, ... }', received: describeOutcome(outcome) });
    }
    return this.conforms(ackSchema, outcome.value, `the ack of ${event}`);
  }

  async expectRejectedAction(probe: Probe, event: string, payload: unknown, code: string, what: string): Promise<void> {
    this.expectRejected(await this.act(probe, event, payload), code, what);
  }

  /**
   * Barrier for negative checks: a round trip on every observer's own connection (events the server
   * emitted before answering are in), then a short grace window for cross-instance delivery.
   */
  async barrier(observers: Probe[]): Promise<void> {
    const started = performance.now();
    const env = this.env;
    const timeoutMs = Math.min(1000, this.timeouts.actionMs);
    const live = observers.filter((p) => p.connected);
    if (env.roundTrip === 'ping') await Promise.all(live.map((p) => p.roundTrip(timeoutMs)));
    if (env.roundTrip === 'namespace') await Promise.all(live.map((p) => p.namespaceRoundTrip(timeoutMs)));
    const grace = this.instanceCount > 1 ? this.timeouts.crossInstanceGraceMs : this.timeouts.graceMs;
    const extra = env.roundTrip === 'none' ? 4 * grace : grace;
    await new Promise((r) => setTimeout(r, extra));
    this.absenceMs += performance.now() - started;
  }

  /** After a barrier, no observer may hold a matching event: the proof that nothing leaked. */
  async expectNothing(observers: Probe[], event: string, what: string, where?: (p: any) => boolean): Promise<void> {
    await this.barrier(observers);
    this.assertNone(observers, event, what, where);
  }

  /** The check of expectNothing without its barrier: for several checks after one barrier. */
  assertNone(observers: Probe[], event: string, what: string, where?: (p: any) => boolean): void {
    const leaks = observers.flatMap((p) => p.received(event, where).map((e) => `${p.label} got ${e.wire} ${summarize(e.payload)}`));
    this.check(leaks.length === 0, `${what}`, { expected: `no ${event} on ${observers.map((p) => p.label).join(', ')}`, received: leaks.join('; ') });
  }

  async cleanup(): Promise<void> {
    for (const p of this.probes) p.close();
    for (const r of this.releases) r();
  }
}

/** An error event refusing a handshake: chat-service's UNAUTHORIZED, Kraken's AUTH_FAILED. */
function isAuthRefusal(payload: unknown): boolean {
  const code = (payload as { code?: unknown } | null)?.code;
  return code === 'UNAUTHORIZED' || code === 'AUTH_FAILED';
}
