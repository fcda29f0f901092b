import type { ZodType } from 'zod';
import type { Outcome } from '../client/outcome.js';
import { describeOutcome } from '../client/outcome.js';
import { Probe, WaitTimeout, type ConnectResult, type TokenVia } from '../client/probe.js';
import { summarize, Timeline } from '../client/timeline.js';
import type { RestCallName, TargetConfig } from '../config/schema.js';
import type { Dialect } from '../protocol/types.js';
import type { RestClient } from '../rest/client.js';
import type { TokenSource } from '../auth/tokens.js';
import type { ConnectPacer, TestUser, UserAllocator } from '../auth/users.js';
import { krakenWorld } from '../config/schema.js';
import type { KrakenWorld } from '../protocol/kraken/world.js';
import { SetupError } from '../rest/client.js';
import { readPath } from '../rest/template.js';
import { CaseFailure, CaseSkip, type Failure } from './types.js';

/** Everything a run shares between its cases. */
export interface RunEnvironment {
  config: TargetConfig;
  dialect: Dialect;
  tokens: TokenSource;
  rest: RestClient;
  users: UserAllocator;
  pacer: ConnectPacer;
  /** Learned on the first barrier: does the target answer pings? Without, barriers rely on grace alone. */
  pingAnswers?: boolean;
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
export class CaseContext {
  readonly timeline = new Timeline();
  readonly deviations: string[] = [];
  readonly notes: string[] = [];
  absenceMs = 0;
  private readonly probes: Probe[] = [];
  private readonly releases: Array<() => void> = [];

  constructor(readonly env: RunEnvironment) {}

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
    const instance = opts.instance ?? 0;
    const label = `${user.label}${opts.device ? opts.device : ''}@${instance}`;
    const token = await this.env.tokens.valid(user.id);
    const { probe, result } = await this.open({ instance, via: opts.via ?? 'auth', token, label });
    if (result.kind !== 'connected') {
      this.fail(`${label} could not connect with a valid token`, { expected: 'a connection', received: `connect_error ${summarize(result)}` });
    }
    const ready = this.env.dialect.readyEvent;
    if (ready && opts.awaitConnected !== false) {
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
    });
    this.probes.push(probe);
    const result = await probe.connect();
    return { probe, result };
  }

  /** A REST setup call as the actor; a failure makes the case errored (the harness could not set up). */
  async rest(name: RestCallName, actor: TestUser, vars: Record<string, unknown>) {
    this.timeline.add(actor.label, 'out', `REST ${name}`, vars);
    const token = await this.env.tokens.valid(actor.id);
    const result = await this.env.rest.call(name, token, { actorId: actor.id, ...vars });
    this.timeline.add(actor.label, 'in', `REST ${name} ${result.status}`, result.body);
    return result;
  }

  /** Kraken: the world this case works in, and the REST triggers the target declares. */
  readonly kraken = {
    world: async (): Promise<KrakenWorld> => {
      const section = this.env.config.kraken;
      if (!section) throw new SetupError('the target config has no kraken section');
      if ('fixed' in section.world) return section.world.fixed;
      const spec = section.world.provision;
      this.timeline.add('harness', 'out', 'REST provision world');
      const result = await this.env.rest.callSpec(spec, 'kraken.world.provision', undefined, {});
      const world = krakenWorld.safeParse(spec.resultPath ? readPath(result.body, spec.resultPath) : result.body);
      if (!world.success) {
        throw new SetupError(`kraken.world.provision answered something that is not a world: ${world.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      }
      this.timeline.add('harness', 'in', 'REST provision world', world.data);
      return world.data;
    },
  };

  /** A Kraken REST trigger (edit, delete, mention...) as that user; undeclared means the case is skipped. */
  async restKraken(name: string, actorUserId: string, vars: Record<string, unknown>) {
    const spec = this.env.config.kraken?.rest[name];
    if (!spec) this.skip(`skipped: declare kraken.rest.${name} in the target config`);
    this.timeline.add(actorUserId, 'out', `REST ${name}`, vars);
    const token = await this.env.tokens.valid(actorUserId);
    const result = await this.env.rest.callSpec(spec, `kraken.rest.${name}`, token, { actorId: actorUserId, ...vars });
    this.timeline.add(actorUserId, 'in', `REST ${name} ${result.status}`, result.body);
    return result;
  }

  /** Opens a probe for a known user id (a world's user) with a valid token; ready as the dialect says. */
  async connectAs(userId: string, opts: { instance?: number; label?: string; via?: TokenVia } = {}): Promise<Probe> {
    return this.connect({ id: userId, label: opts.label ?? userId }, { instance: opts.instance, via: opts.via });
  }

  async createConversation(creator: TestUser, others: TestUser[], type: 'direct' | 'group' = 'group'): Promise<string> {
    const result = await this.rest('createConversation', creator, {
      participantIds: others.map((u) => u.id),
      type: others.length === 1 && type === 'direct' ? 'direct' : 'group',
      name: `gatecheck ${creator.id}`,
    });
    return result.id!;
  }

  // ---- verdicts -------------------------------------------------------------------------------

  fail(message: string, details: Omit<Failure, 'message'> = {}): never {
    throw new CaseFailure({ message, ...details });
  }

  check(condition: unknown, message: string, details: Omit<Failure, 'message'> = {}): void {
    if (!condition) this.fail(message, details);
  }

  /** Like check, for a value the case goes on to use. */
  ensure<T>(value: T | undefined | null | false, message: string, details: Omit<Failure, 'message'> = {}): T {
    if (!value) this.fail(message, details);
    return value;
  }

  skip(reason: string): never {
    throw new CaseSkip(reason);
  }

  /** Acceptable, but not the document's letter: the case ends `non-strict` unless it fails. */
  nonStrict(how: string): void {
    this.deviations.push(how);
    this.timeline.note(`non-strict: ${how}`);
  }

  note(text: string): void {
    this.notes.push(text);
    this.timeline.note(text);
  }

  /** Validates a payload the case relies on; a mismatch fails the case with the zod paths. */
  conforms<T>(schema: ZodType<T>, value: unknown, what: string): T {
    const r = schema.safeParse(value);
    if (!r.success) {
      this.fail(`${what} does not match the documented shape`, {
        expected: r.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; '),
        received: summarize(value),
      });
    }
    return r.data;
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

  /**
   * The action must be rejected with `code`. Open point 1: an `error` event with the code is strict, a
   * negative ack with the code is non-strict, anything without the code fails.
   */
  expectRejected(outcome: Outcome, code: string, what: string): void {
    const expected = `error event { code: '${code}' }`;
    if (outcome.kind === 'error') {
      this.check(outcome.payload.code === code, `${what}: wrong error code`, { expected, received: describeOutcome(outcome) });
      return;
    }
    if (outcome.kind === 'ack') {
      const v = outcome.value as { success?: unknown; error?: { code?: unknown }; code?: unknown } | null;
      const ackCode = v?.error?.code ?? v?.code;
      if (v && v.success === false && ackCode === code) {
        this.nonStrict(`${what}: rejected with a negative ack carrying ${code} instead of an error event (spec/README open point 1)`);
        return;
      }
      this.fail(`${what}: expected a rejection, the action was acknowledged`, { expected, received: describeOutcome(outcome) });
    }
    this.fail(`${what}: expected a rejection with ${code}`, { expected, received: describeOutcome(outcome) });
  }

  async expectRejectedAction(probe: Probe, event: string, payload: unknown, code: string, what: string): Promise<void> {
    this.expectRejected(await this.act(probe, event, payload), code, what);
  }

  /**
   * Barrier for negative checks: a ping round trip on every observer's own connection (events the
   * server emitted before answering are in), then a short grace window for cross-instance delivery.
   */
  async barrier(observers: Probe[]): Promise<void> {
    const started = performance.now();
    const env = this.env;
    if (!env.dialect.ping) env.pingAnswers = false;
    if (env.pingAnswers !== false) {
      const answered = await Promise.all(observers.filter((p) => p.connected).map((p) => p.roundTrip(Math.min(1000, this.timeouts.actionMs))));
      if (env.pingAnswers === undefined && answered.length > 0) env.pingAnswers = answered.some(Boolean);
    }
    const grace = this.instanceCount > 1 ? this.timeouts.crossInstanceGraceMs : this.timeouts.graceMs;
    const extra = env.pingAnswers === false ? 4 * grace : grace;
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
