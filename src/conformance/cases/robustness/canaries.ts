import { randomBytes } from 'node:crypto';
import type { CaseContext } from '../../context.js';
import type { CanaryPair, RobustnessTarget } from './target.js';

export type Phase = 'before' | 'during' | 'after';

interface Sample {
  phase: Phase;
  instance: number;
  latencyMs?: number;
  lost?: boolean;
}

export interface PhaseFigures {
  sent: number;
  lost: number;
  p50: number;
  p95: number;
  max: number;
}

/**
 * A canary pair on every instance, exchanging a message every interval from before the attack to after
 * it, each delivery timed: the proof that other clients kept being served.
 */
export class Canaries {
  private readonly samples: Sample[] = [];
  private readonly pending: Array<Promise<void>> = [];
  private phase: Phase = 'before';
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly ctx: CaseContext,
    private readonly pairs: CanaryPair[],
  ) {}

  static async start(ctx: CaseContext, target: RobustnessTarget): Promise<Canaries> {
    const pairs = await Promise.all(Array.from({ length: ctx.instanceCount }, (_, i) => target.canaryPair(ctx, i)));
    const canaries = new Canaries(ctx, pairs);
    canaries.timer = setInterval(() => canaries.tick(), canaries.intervalMs);
    return canaries;
  }

  /** A canary message not delivered within 10 s (or twice the action timeout, if longer) is lost. */
  get lossMs(): number {
    return Math.max(10_000, 2 * this.ctx.timeouts.actionMs);
  }

  /** Every canary connection, for checks of what they received. */
  get probes() {
    return this.pairs.flatMap((p) => [p.sender, p.receiver]);
  }

  /** Under the declared rate limit (at most half of it), else ten a second per pair. */
  get intervalMs(): number {
    const limit = this.ctx.config.capabilities.rateLimit;
    return limit ? Math.max(100, Math.ceil((2 * limit.windowMs) / limit.max)) : 100;
  }

  /** Lets the canaries run for ms in this phase (a baseline before, a recovery after). */
  async during(phase: Phase, ms: number): Promise<void> {
    this.enter(phase);
    await new Promise((r) => setTimeout(r, ms));
  }

  enter(phase: Phase): void {
    this.phase = phase;
    this.ctx.timeline.note(`canaries: ${phase} the attack`);
    // An attack shorter than the interval, or timers late on a busy machine, would leave the attack
    // with no canary message at all: the first goes out as it starts.
    if (phase === 'during') this.tick();
  }

  private tick(): void {
    this.pairs.forEach((pair, instance) => {
      if (!pair.sender.connected) return;
      const text = `gatecheck canary ${randomBytes(4).toString('hex')}`;
      const sample: Sample = { phase: this.phase, instance };
      this.samples.push(sample);
      const started = performance.now();
      const carries = (p: unknown) => pair.carries(p, text);
      const delivered = pair.receiver.waitFor(pair.event, this.lossMs, carries).then(
        (e) => void (sample.latencyMs = e.at - started),
        // A busy harness runs the timer before the socket read that holds the message: read first, then judge.
        () =>
          new Promise<void>((resolve) =>
            setImmediate(() => {
              const late = pair.receiver.received(pair.event, carries)[0];
              if (late) sample.latencyMs = late.at - started;
              else sample.lost = true;
              resolve();
            }),
          ),
      );
      this.pending.push(delivered);
      pair.send(text);
    });
  }

  /** Stops sending and waits for every delivery still on its way (each within its loss timeout). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.pending);
  }

  figures(phase: Phase): PhaseFigures {
    const of = this.samples.filter((s) => s.phase === phase);
    const latencies = of.flatMap((s) => (s.latencyMs === undefined ? [] : [s.latencyMs])).sort((a, b) => a - b);
    const at = (q: number) => (latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]) : 0);
    return { sent: of.length, lost: of.filter((s) => s.lost).length, p50: at(0.5), p95: at(0.95), max: at(1) };
  }

  /**
   * Loss or a disconnected canary fails the case; a p95 during or after the attack over the bound is
   * non-strict (the target protected its clients, but not within the declared latency).
   */
  grade(boundMs: number): void {
    const { ctx } = this;
    const line = (p: Phase) => {
      const f = this.figures(p);
      return `${p}: ${f.sent} sent, ${f.lost} lost, p50 ${f.p50} ms, p95 ${f.p95} ms, max ${f.max} ms`;
    };
    ctx.note(`canaries (${this.pairs.length} pair(s), one per instance): ${(['before', 'during', 'after'] as const).map(line).join('; ')}`);
    const down = this.pairs.flatMap((p) => [p.sender, p.receiver]).filter((p) => !p.connected);
    ctx.check(down.length === 0, 'a canary was disconnected during the attack', { expected: 'every canary connected', received: down.map((p) => p.label).join(', ') });
    const lost = this.samples.filter((s) => s.lost);
    ctx.check(lost.length === 0, `canary messages were lost during the attack: ${lost.length} not delivered within ${this.lossMs} ms`, {
      expected: 'every canary message delivered',
      received: `${lost.length} of ${this.samples.length} lost (${[...new Set(lost.map((s) => s.phase))].join(', ')})`,
    });
    ctx.check(this.figures('during').sent > 0, 'no canary message was sent during the attack', { expected: 'canaries exchanging messages throughout' });
    for (const phase of ['during', 'after'] as const) {
      const f = this.figures(phase);
      if (f.sent && f.p95 > boundMs) ctx.nonStrict(`canary p95 ${phase} the attack was ${f.p95} ms, over the declared bound of ${boundMs} ms (limits.robustness.canaryLatencyMs)`);
    }
  }
}
