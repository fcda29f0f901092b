import { io, type Socket } from 'socket.io-client';
import { TargetError } from '../errors.js';
import { log } from '../log.js';
import { namespaceAnswered } from './namespace-answer.js';
import type { Dialect } from '../protocol/types.js';
import type { Outcome } from './outcome.js';
import type { Timeline } from './timeline.js';
import { secrets } from '../secrets/redactor.js';
import { summarize } from './timeline.js';
import { hitText, type Profile, type ProfileHit } from '../profiles/profile.js';
import type { RestTrigger } from '../profiles/schema.js';

/** How many events of one name a probe keeps (a flood beyond it is only counted). */
const MAX_INBOX_PER_EVENT = 500;

export type TokenVia = 'auth' | 'query' | 'header' | 'none';

export interface ProbeOptions {
  url: string;
  path: string;
  transports: Array<'websocket' | 'polling'>;
  label: string;
  /** How the token travels; `header` sends `Authorization: <headerValue ?? 'Bearer ' + token>`. */
  via: TokenVia;
  token?: string;
  headerValue?: string;
  connectTimeoutMs: number;
  dialect: Dialect;
  timeline: Timeline;
  /** How this server differs from its document (payload rules, events moved to REST, client behaviours). */
  profile?: ProbeProfile;
}

export interface ProbeProfile {
  profile: Profile;
  /** Every difference the profile covered, as it is covered: the case lists them as findings. */
  onHit(hit: ProfileHit): void;
  /** A client event the profile moved to REST, called with this connection's token; any status is returned. */
  rest(trigger: RestTrigger, event: string, payload: unknown, token: string | undefined): Promise<{ status: number; body: unknown }>;
}

export interface Inbound {
  seq: number;
  at: number;
  wire: string;
  /** The dialect's name for it, when the dialect knows the event. */
  event: string;
  payload: unknown;
}

export type ConnectResult = { kind: 'connected' } | { kind: 'connect_error'; message: string; data: unknown };

type Where = (payload: any) => boolean;

export class WaitTimeout extends Error {}

/**
 * One client connection under test: records every inbound event, validates it against the dialect's
 * schema, and offers the waits and actions cases are written in.
 */
export class Probe {
  readonly label: string;
  readonly inbox: Inbound[] = [];
  private readonly socket: Socket;
  private readonly listeners = new Set<(e: Inbound) => void>();
  private readonly disconnectListeners = new Set<(reason: string) => void>();
  private readonly perWire = new Map<string, number>();
  private readonly overflow = new Map<string, number>();
  private seq = 0;
  private barriers = 0;
  private disconnectReason?: string;
  private everConnected = false;
  /** Renamed events already reported for this probe (a name is one difference, however often used). */
  private readonly namesSeen = new Set<string>();

  constructor(private readonly opts: ProbeOptions) {
    this.label = opts.label;
    const credentials: Record<string, unknown> = {};
    if (opts.via === 'auth') credentials.auth = { token: opts.token };
    if (opts.via === 'query') credentials.query = { token: opts.token };
    if (opts.via === 'header') credentials.extraHeaders = { Authorization: opts.headerValue ?? `Bearer ${opts.token}` };
    this.socket = io(opts.url, {
      path: opts.path,
      transports: opts.transports,
      autoConnect: false,
      reconnection: false,
      forceNew: true,
      timeout: opts.connectTimeoutMs,
      ...credentials,
    });
    this.socket.onAny((wire: string, ...args: unknown[]) => this.receive(wire, args));
    this.socket.on('disconnect', (reason) => {
      this.disconnectReason = reason;
      opts.timeline.add(this.label, 'in', 'disconnect', reason);
      for (const l of this.disconnectListeners) l(reason);
    });
  }

  get id(): string | undefined {
    return this.socket.id;
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Opens the connection; resolves on connect or connect_error, throws TargetError when nothing answers. */
  connect(): Promise<ConnectResult> {
    const { timeline, via, url, connectTimeoutMs } = this.opts;
    timeline.add(this.label, 'out', 'connect', `${url} (token via ${via}${via === 'none' ? '' : ', redacted'})`);
    log().debug({ probe: this.label, url, via }, 'probe connect');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        this.socket.close();
        reject(new TargetError(`no answer from ${url} within ${connectTimeoutMs} ms`));
      }, connectTimeoutMs + 500);
      const onConnect = () => {
        cleanup();
        this.everConnected = true;
        timeline.add(this.label, 'in', 'connect', this.socket.id);
        log().debug({ probe: this.label, sid: this.socket.id }, 'probe connected');
        resolve({ kind: 'connected' });
      };
      const onError = (err: Error & { data?: unknown; description?: unknown }) => {
        cleanup();
        timeline.add(this.label, 'in', 'connect_error', { message: err.message, data: err.data });
        log().debug({ probe: this.label, message: err.message, data: summarize(err.data) }, 'probe connect_error');
        if (isTransportFailure(err)) {
          this.socket.close();
          reject(new TargetError(`cannot reach ${url}: ${transportCause(err)}`));
          return;
        }
        resolve({ kind: 'connect_error', message: err.message, data: err.data });
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.socket.off('connect', onConnect);
        this.socket.off('connect_error', onError);
      };
      this.socket.once('connect', onConnect);
      this.socket.once('connect_error', onError);
      this.socket.connect();
    });
  }

  private receive(wire: string, args: unknown[]): void {
    const { dialect, timeline } = this.opts;
    const documented = dialect.documentedName(wire);
    timeline.add(this.label, 'in', wire, args[0]);
    if (documented) this.renamed(documented, wire);
    const payload = this.normalise(documented ?? wire, args[0]);
    const entry: Inbound = { seq: this.seq++, at: performance.now(), wire, event: documented ?? wire, payload };
    this.keep(entry);
    traceWire(this.label, 'in', wire, payload);
    const schema = documented ? dialect.serverEventSchema(documented) : undefined;
    if (schema) {
      const result = schema.safeParse(payload);
      if (!result.success) {
        timeline.violation({ who: this.label, event: wire, payload, issues: result.error.issues.map((i) => ({ path: i.path.join('.') || '(payload)', message: i.message })) });
      }
    }
    for (const l of [...this.listeners]) l(entry);
  }

  /** The profile's inbound rules: what the server sent, normalised to the document before it is judged. */
  private normalise(event: string, payload: unknown): unknown {
    return this.throughProfile('inbound', event, payload);
  }

  /** The profile's outbound rules: what this server accepts instead of the documented payload. */
  private adapt(event: string, payload: unknown): unknown {
    return this.throughProfile('outbound', event, payload);
  }

  private throughProfile(direction: 'inbound' | 'outbound', event: string, payload: unknown): unknown {
    const profile = this.opts.profile;
    if (!profile) return payload;
    const r = profile.profile[direction](event, payload);
    for (const hit of r.hits) this.covered(hit);
    return r.payload;
  }

  /** A documented event the profile renamed (and the config did not rename otherwise), as it is used. */
  private renamed(event: string, wire: string): void {
    const profile = this.opts.profile;
    if (profile && event !== wire && profile.profile.data.events[event] === wire && !this.namesSeen.has(event)) {
      this.namesSeen.add(event);
      this.covered({ direction: 'event name', event, difference: `${event} is called ${wire}` });
    }
  }

  private covered(hit: ProfileHit): void {
    this.opts.timeline.note(`profile ${this.opts.profile!.profile.name}: ${this.label} ${hitText(hit)}`);
    this.opts.profile!.onHit(hit);
  }

  /** What a real client of this server sends right after the event (the profile's `after`). */
  private followUps(event: string): void {
    for (const next of this.opts.profile?.profile.after(event) ?? []) {
      this.covered({ direction: 'client behaviour', event, difference: `a client sends ${next.emit} after ${event}`, why: next.why });
      this.send(next.emit, next.payload ?? {});
    }
  }

  /** A client event the profile moved to REST: its 2xx answer is the ack, any other status an error naming the event. */
  private async overRest(event: string, payload: unknown, trigger: RestTrigger, ms: () => number): Promise<Outcome> {
    const profile = this.opts.profile!;
    this.covered({ direction: 'moved to REST', event, difference: `${event} is ${trigger.method} ${trigger.path}`, why: trigger.why });
    this.opts.timeline.add(this.label, 'out', `REST ${event}`, payload);
    try {
      const { status, body } = await profile.rest(trigger, event, payload, this.opts.token);
      this.opts.timeline.add(this.label, 'in', `REST ${event} ${status}`, body);
      if (status >= 200 && status < 300) return { kind: 'ack', value: body, ms: ms() };
      return { kind: 'error', payload: { code: HTTP_CODES[status] ?? `HTTP_${status}`, event: this.opts.dialect.eventName(event), message: `REST answered ${status}`, body }, ms: ms() };
    } catch (err) {
      return { kind: 'error', payload: { code: 'REST_UNREACHABLE', event, message: (err as Error).message }, ms: ms() };
    }
  }

  /**
   * Keeps the first MAX_INBOX_PER_EVENT events of each name and counts the rest: a server flooding one
   * event cannot grow the harness without bound, and every kind of event still shows up.
   */
  private keep(entry: Inbound): void {
    const kept = this.perWire.get(entry.wire) ?? 0;
    if (kept < MAX_INBOX_PER_EVENT) {
      this.perWire.set(entry.wire, kept + 1);
      this.inbox.push(entry);
    } else {
      this.overflow.set(entry.wire, (this.overflow.get(entry.wire) ?? 0) + 1);
    }
  }

  /** Every recorded event of that name (and predicate), oldest first. */
  received(event: string, where?: Where): Inbound[] {
    return this.inbox.filter((e) => e.event === event && safely(where, e.payload));
  }

  /** Resolves with the first matching event, already recorded or still to come. */
  waitFor(event: string, timeoutMs: number, where?: Where): Promise<Inbound> {
    const hit = this.received(event, where)[0];
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const done = (fn: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(onEvent);
        this.disconnectListeners.delete(onDisconnect);
        fn();
      };
      const onEvent = (e: Inbound) => {
        if (e.event === event && safely(where, e.payload)) done(() => resolve(e));
      };
      const onDisconnect = (reason: string) =>
        done(() => reject(new WaitTimeout(`${this.label} was disconnected (${reason}) while waiting for ${event}`)));
      const timer = setTimeout(
        () => done(() => reject(new WaitTimeout(`${this.label} did not receive ${event}${where ? ' (matching)' : ''} within ${timeoutMs} ms; it received: ${this.inboxSummary()}`))),
        timeoutMs,
      );
      this.listeners.add(onEvent);
      if (this.everConnected && !this.socket.connected) onDisconnect(this.disconnectReason ?? 'closed');
      else this.disconnectListeners.add(onDisconnect);
    });
  }

  /** The first of these events to arrive (already recorded or still to come), or undefined at the deadline or a disconnect. */
  waitForFirst(events: string[], timeoutMs: number, sinceSeq = 0): Promise<Inbound | undefined> {
    const hit = this.inbox.find((e) => e.seq >= sinceSeq && events.includes(e.event));
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve) => {
      const done = (v: Inbound | undefined) => {
        clearTimeout(timer);
        this.listeners.delete(onEvent);
        this.disconnectListeners.delete(onDisconnect);
        resolve(v);
      };
      const onEvent = (e: Inbound) => events.includes(e.event) && done(e);
      const onDisconnect = () => done(undefined);
      const timer = setTimeout(() => done(undefined), timeoutMs);
      this.listeners.add(onEvent);
      this.disconnectListeners.add(onDisconnect);
    });
  }

  /** Resolves with the disconnect reason, or undefined when the socket is still open after timeoutMs. */
  waitForDisconnect(timeoutMs: number): Promise<string | undefined> {
    if (this.disconnectReason !== undefined || (!this.socket.connected && this.everConnected)) return Promise.resolve(this.disconnectReason ?? 'closed');
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.disconnectListeners.delete(onDisconnect);
        resolve(undefined);
      }, timeoutMs);
      const onDisconnect = (reason: string) => {
        clearTimeout(timer);
        this.disconnectListeners.delete(onDisconnect);
        resolve(reason);
      };
      this.disconnectListeners.add(onDisconnect);
    });
  }

  /**
   * Emits a client event and resolves with what answers it: the ack, an error/exception event for it,
   * a disconnect, or a timeout. Never rejects.
   */
  act(event: string, payload: unknown, timeoutMs: number): Promise<Outcome> {
    const { dialect, timeline } = this.opts;
    const wire = dialect.eventName(event);
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    const firstSeq = this.seq;
    const trigger = this.opts.profile?.profile.restTrigger(event);
    if (trigger) return this.overRest(event, payload, trigger, ms);
    payload = this.adapt(event, payload);
    this.renamed(event, wire);
    timeline.add(this.label, 'out', wire, payload);
    traceWire(this.label, 'out', wire, payload);
    return new Promise((resolve) => {
      let settled = false;
      const settle = (o: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.listeners.delete(onEvent);
        this.disconnectListeners.delete(onDisconnect);
        resolve(o);
      };
      const onEvent = (e: Inbound) => {
        if (e.seq < firstSeq) return;
        if (e.wire === dialect.errorEvents.error) {
          const p = (e.payload ?? {}) as Record<string, unknown>;
          // An error that names no event answers any act.
          const about = dialect.errorSubject(p);
          if (about === undefined || about === wire || about === event) settle({ kind: 'error', payload: p, ms: ms() });
        } else if (e.wire === dialect.errorEvents.exception) {
          settle({ kind: 'exception', payload: e.payload, ms: ms() });
        }
      };
      const onDisconnect = (reason: string) => settle({ kind: 'disconnected', reason, ms: ms() });
      const timer = setTimeout(() => settle({ kind: 'timeout', ms: timeoutMs }), timeoutMs);
      this.listeners.add(onEvent);
      this.disconnectListeners.add(onDisconnect);
      if (!this.socket.connected) return onDisconnect(this.disconnectReason ?? 'not connected');
      this.socket.emit(wire, payload, (value: unknown) => {
        timeline.add(this.label, 'in', `ack(${wire})`, value);
        traceWire(this.label, 'in', `ack(${wire})`, value);
        settle({ kind: 'ack', value, ms: ms() });
      });
      this.followUps(event);
    });
  }

  /** A ping round trip on this connection: true once its ack or answer event comes back (false: the dialect has no ping). */
  async roundTrip(timeoutMs: number): Promise<boolean> {
    const ping = this.opts.dialect.ping;
    if (!ping) return false;
    const from = this.seq;
    const pong = ping.answerEvent ? this.waitForFirst([ping.answerEvent], timeoutMs, from).then((e) => e !== undefined) : new Promise<boolean>(() => {});
    const outcome = this.act(ping.event, ping.payload, timeoutMs).then((o) => o.kind === 'ack' || o.kind === 'error');
    return Promise.race([outcome, pong.then((got) => got || outcome)]);
  }

  /**
   * A round trip any Socket.IO server answers, for dialects without a ping: a CONNECT, on this same
   * connection, to a namespace the server does not have. Its CONNECT_ERROR (or CONNECT, where any
   * namespace is accepted) is written after everything the server wrote to this connection before it
   * read the packet. True once the answer came.
   */
  async namespaceRoundTrip(timeoutMs: number): Promise<boolean> {
    if (!this.socket.connected) return false;
    return namespaceAnswered(this.socket.io.socket(`/gatecheck-barrier-${++this.barriers}`), timeoutMs);
  }

  /** Emits without waiting for anything (fire-and-forget clients). */
  send(event: string, payload: unknown): void {
    const trigger = this.opts.profile?.profile.restTrigger(event);
    if (trigger) {
      void this.overRest(event, payload, trigger, () => 0);
      return;
    }
    const wire = this.opts.dialect.eventName(event);
    payload = this.adapt(event, payload);
    this.renamed(event, wire);
    this.opts.timeline.add(this.label, 'out', wire, payload);
    traceWire(this.label, 'out', wire, payload);
    this.socket.emit(wire, payload);
    this.followUps(event);
  }

  close(): void {
    if (this.socket.connected) this.opts.timeline.add(this.label, 'out', 'disconnect');
    this.socket.removeAllListeners();
    this.socket.offAny();
    this.socket.close();
    for (const l of this.disconnectListeners) l('closed by the harness');
    this.listeners.clear();
    this.disconnectListeners.clear();
  }

  /** Closes and resolves once the disconnect is written to the wire. */
  async disconnect(): Promise<void> {
    this.close();
    await new Promise((r) => setImmediate(r));
  }

  /** What arrived, as counts per event in order of first arrival, e.g. `connected, message:new ×3`. */
  inboxSummary(): string {
    if (this.inbox.length === 0) return 'nothing';
    const counts = new Map<string, number>();
    for (const e of this.inbox) counts.set(e.wire, (counts.get(e.wire) ?? 0) + 1);
    for (const [wire, n] of this.overflow) counts.set(wire, (counts.get(wire) ?? 0) + n);
    const parts = [...counts].map(([wire, n]) => secrets.clip(wire, 60) + (n > 1 ? ` ×${n}` : ''));
    return parts.length > 12 ? `${parts.slice(0, 12).join(', ')} and ${parts.length - 12} other events` : parts.join(', ');
  }
}

/** Every event on the wire: its name at debug, with the (redacted, shortened) payload at trace. */
function traceWire(probe: string, dir: 'in' | 'out', event: string, payload: unknown): void {
  const logger = log();
  if (logger.isLevelEnabled('trace')) logger.trace({ probe, dir, event, payload: summarize(payload) }, 'probe event');
  else if (logger.isLevelEnabled('debug')) logger.debug({ probe, dir, event }, 'probe event');
}

/** HTTP statuses as the error codes both documents use, for client events a profile moved to REST. */
const HTTP_CODES: Record<number, string> = { 400: 'VALIDATION_ERROR', 401: 'AUTH_FAILED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RATE_LIMITED' };

function safely(where: Where | undefined, payload: unknown): boolean {
  if (!where) return true;
  try {
    return Boolean(where(payload));
  } catch {
    return false;
  }
}

/** connect_error from the transport (refused, DNS, timeout) rather than from the server's middleware. */
function isTransportFailure(err: Error & { description?: unknown; type?: unknown }): boolean {
  return err.message === 'websocket error' || err.message === 'xhr poll error' || err.message === 'timeout' || err.type === 'TransportError';
}

function transportCause(err: Error & { description?: unknown }): string {
  const d = err.description as { message?: string; error?: { code?: string; message?: string } } | undefined;
  return d?.error?.code ?? d?.error?.message ?? d?.message ?? err.message;
}
