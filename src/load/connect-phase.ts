import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { ConnectionResults } from '../model/load.js';
import { ConnectPacer } from './connect-pacer.js';
import type { ConnectOutcome, PhaseRelease } from './connect-barrier.js';

export interface ConnectPhaseOptions {
  /** VUs that will connect (the planned connections). */
  planned: number;
  instances: number;
  /** Artillery's arrival phase. */
  rampMs: number;
  /** A VU gives up on a handshake after this long (the target's timeouts.connectMs). */
  connectMs: number;
  /** From the release to the first send: fixed, or 'adaptive' (adaptiveSettleMs of the phase's length). */
  settleMs: number | 'adaptive';
  /** The target's declared limits.connectsPerSecond (0: none), applied per instance. */
  connectsPerSecond: number;
  /** Called once when sending is fixed to start (every VU connected, or the deadline passed). */
  onRelease(startAt: number, results: ConnectionResults): void;
}

/**
 * The default settle: half the connection phase, between 1 and 10 s. A burst of handshakes leaves the
 * target and the generator collecting its garbage for seconds after the last one; sending into that
 * put 50 ms stalls in the first seconds' p99 at 1,000 connections (docs/benchmarks.md, "Latency fidelity").
 */
export function adaptiveSettleMs(phaseMs: number): number {
  return Math.round(Math.min(10_000, Math.max(1000, phaseMs / 2)) / 100) * 100;
}

/** The longest the connection phase may last: under the 300 s a VU's fetch waits for an answer. */
export const MAX_PHASE_MS = 240_000;

/**
 * The connection phase of a load run, served by the CLI on a loopback port for the Artillery workers
 * (GATECHECK_COORDINATOR_URL). Every VU asks it before its handshake (POST /admit: the per-instance
 * ConnectPacer paces the ramp) and reports how the handshake went (POST /outcome). A connected VU's
 * report is answered only when the phase ends, every VU connected or the connect deadline passed: the
 * answer is when sending starts and which VUs are absent, so no message is owed to a VU that was not
 * there, and a VU that connects afterwards is a late joiner, told so with its cause.
 *
 * Why an HTTP endpoint in the CLI: Artillery runs VUs in worker threads that share nothing but what
 * the `before` hook copied to them, so a barrier needs a party outside them. A file would need
 * polling by every VU and Redis is not always there (a --url target has none); the CLI is alive for
 * the whole run anyway, knows the schedule, and must learn the real start to kill an instance on time.
 *
 * The same server answers Socket.IO: the built-in engine opens a connection of its own before a VU's
 * first step; pointing its `target` here keeps that placeholder off the target, which therefore sees
 * exactly the connections asked for.
 */
export class ConnectPhase {
  private readonly http = createServer((req, res) => void this.route(req, res));
  private readonly io = new Server(this.http, { transports: ['websocket', 'polling'] });
  private readonly pacers: ConnectPacer[];
  private readonly outcomes = new Map<number, ConnectOutcome & { admittedAt: number; askedAt: number; at: number }>();
  private readonly admissions = new Map<number, { askedAt: number; admittedAt?: number }>();
  private readonly waiting: Array<(release: PhaseRelease) => void> = [];
  private readonly late = new Map<string, number>();
  private firstAskAt: number | undefined;
  private lastAdmitAt = 0;
  private release: (PhaseRelease & { at: number }) | undefined;
  private watch: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;
  url = '';

  constructor(private readonly opts: ConnectPhaseOptions) {
    this.pacers = Array.from({ length: Math.max(1, opts.instances) }, () => new ConnectPacer(opts.connectsPerSecond));
    this.http.requestTimeout = 0;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
    this.watch = setInterval(() => this.maybeRelease(), 250);
    return this.url;
  }

  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      clearInterval(this.watch);
      if (this.firstAskAt !== undefined) this.releaseNow(); // no VU left waiting on a closed server
      this.io.close(() => resolve());
      this.http.closeAllConnections();
    });
    return this.stopping;
  }

  /** When the phase must end even though some VUs never reported. */
  private deadline(): number {
    if (this.firstAskAt === undefined) return Number.POSITIVE_INFINITY;
    const arrivalsEnd = this.firstAskAt + this.opts.rampMs;
    const byLastHandshake = Math.max(arrivalsEnd, this.lastAdmitAt) + this.opts.connectMs + 2000;
    return Math.min(byLastHandshake, this.firstAskAt + MAX_PHASE_MS);
  }

  private maybeRelease(): void {
    if (this.release) return;
    const waitingForAdmission = [...this.admissions.values()].some((a) => a.admittedAt === undefined);
    const everyone = this.outcomes.size >= this.opts.planned;
    const pastDeadline = Date.now() > this.deadline() && (!waitingForAdmission || Date.now() > (this.firstAskAt ?? 0) + MAX_PHASE_MS);
    if (everyone || pastDeadline) this.releaseNow();
  }

  private releaseNow(): void {
    if (this.release) return;
    const at = Date.now();
    const present = new Set([...this.outcomes.values()].filter((o) => o.outcome === 'connected').map((o) => o.slot));
    const absent = Array.from({ length: this.opts.planned }, (_, s) => s).filter((s) => !present.has(s));
    const settle = this.opts.settleMs === 'adaptive' ? adaptiveSettleMs(at - (this.firstAskAt ?? at)) : this.opts.settleMs;
    this.release = { at, startAt: at + settle, absent };
    this.opts.onRelease(this.release.startAt, this.results());
    for (const answer of this.waiting.splice(0)) answer({ startAt: this.release.startAt, absent });
  }

  /** What the connection phase measured: for the summary, the console and report.json. */
  results(): ConnectionResults {
    const all = [...this.outcomes.values()];
    const onTime = all.filter((o) => !this.release || o.at <= this.release.at);
    const connected = onTime.filter((o) => o.outcome === 'connected');
    const refusedReasons: Record<string, number> = {};
    for (const o of all) if (o.outcome === 'refused') refusedReasons[o.reason ?? 'unknown'] = (refusedReasons[o.reason ?? 'unknown'] ?? 0) + 1;
    const latencies = all.filter((o) => o.outcome === 'connected' && o.ms !== undefined).map((o) => o.ms!).sort((a, b) => a - b);
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)];
    const lateCount = [...this.late.values()].reduce((a, b) => a + b, 0);
    return {
      planned: this.opts.planned,
      connected: connected.length,
      refused: all.filter((o) => o.outcome === 'refused').length,
      refusedReasons,
      timedOut: all.filter((o) => o.outcome === 'timed_out').length,
      late: lateCount,
      lateCauses: Object.fromEntries(this.late),
      neverReported: Math.max(0, this.opts.planned - all.length),
      latencyMs: latencies.length ? { p50: q(50), p95: q(95), p99: q(99), max: latencies.at(-1)!, count: latencies.length } : undefined,
      phaseMs: this.release && this.firstAskAt !== undefined ? this.release.at - this.firstAskAt : undefined,
      settleMs: this.release ? this.release.startAt - this.release.at : undefined,
      settleAdaptive: this.opts.settleMs === 'adaptive',
      peakHandshakesInFlight: Math.max(...this.pacers.map((p) => p.peakInFlight)),
      connectsPerSecondLimit: this.opts.connectsPerSecond || undefined,
    };
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || (req.url !== '/admit' && req.url !== '/outcome')) return; // engine.io answers /socket.io/
    let body: Record<string, unknown>;
    try {
      let text = '';
      for await (const chunk of req) text += chunk;
      body = JSON.parse(text);
    } catch {
      res.writeHead(400).end('{}');
      return;
    }
    const answer = (value: unknown): void => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    const slot = Number(body.slot);
    if (req.url === '/admit') {
      const askedAt = Date.now();
      this.firstAskAt ??= askedAt;
      this.admissions.set(slot, { askedAt });
      await this.pacers[Number(body.instance) % this.pacers.length].admit();
      this.lastAdmitAt = Date.now();
      this.admissions.set(slot, { askedAt, admittedAt: this.lastAdmitAt });
      return answer({});
    }
    const outcome = body as unknown as ConnectOutcome;
    const admission = this.admissions.get(slot) ?? { askedAt: Date.now(), admittedAt: Date.now() };
    this.pacers[Number(outcome.instance) % this.pacers.length].done(outcome.outcome === 'connected' ? outcome.ms : undefined);
    this.outcomes.set(slot, { ...outcome, askedAt: admission.askedAt, admittedAt: admission.admittedAt ?? Date.now(), at: Date.now() });
    if (outcome.outcome !== 'connected') return (this.maybeRelease(), answer({}));
    if (this.release) {
      const cause = lateCause(admission, this.release.at);
      this.late.set(cause, (this.late.get(cause) ?? 0) + 1);
      return answer({ startAt: this.release.startAt, absent: this.release.absent, late: cause });
    }
    this.waiting.push(answer);
    this.maybeRelease();
  }
}

/** Why a VU connected only after sending began. */
function lateCause(a: { askedAt: number; admittedAt?: number }, releasedAt: number): string {
  if (a.askedAt > releasedAt) return 'the generator started the VU after the connect deadline';
  if ((a.admittedAt ?? releasedAt) > releasedAt) return 'its handshake waited for admission past the connect deadline (the target admitted connections too slowly)';
  return 'its handshake outlasted the connect deadline';
}
