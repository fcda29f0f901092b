import { errorMessage } from '../../../errors.js';
import { assertAnswering } from '../../../client/reachability.js';
import { processAlive } from '../../../client/process-memory.js';
import { connectPacket, openRawSession, type RawSession, type RawTransport } from '../../../client/raw-session.js';
import type { CaseContext } from '../../context.js';
import { CaseFailure, CaseSkip, suiteCase, type CaseDef, type Need } from '../../types.js';
import { Canaries } from './canaries.js';
import type { Offender, RobustnessTarget } from './target.js';

const robustness = suiteCase('robustness');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * Calls `each` for 0..total-1 in `batches` equal batches spread evenly over `spanMs`, awaiting each
 * batch, until `stop` says so; resolves with the milliseconds it took.
 */
export async function inBatches(total: number, batches: number, spanMs: number, each: (i: number) => unknown, stop = () => false): Promise<number> {
  const started = performance.now();
  for (let b = 0; b < batches && !stop(); b++) {
    const batch: unknown[] = [];
    for (let i = Math.floor((b * total) / batches); i < Math.floor(((b + 1) * total) / batches); i++) batch.push(each(i));
    await Promise.all(batch);
    await sleep(((b + 1) * spanMs) / batches - (performance.now() - started));
  }
  return performance.now() - started;
}

/** How long the canaries run before and after the attack. */
const BASELINE_MS = 800;
const RECOVERY_MS = 800;

/** What an attack works with: the case, the offender's user and room, raw sessions on the target. */
export class Attack {
  private readonly sessions: RawSession[] = [];

  constructor(
    readonly ctx: CaseContext,
    readonly offender: Offender,
    readonly canaries: Canaries,
  ) {}

  get limits() {
    return this.ctx.config.limits.robustness;
  }

  /** A volume scaled by limits.robustness.scale (at least 1). */
  scaled(n: number): number {
    return Math.max(1, Math.round(n * this.limits.scale));
  }

  /** A bare Engine.IO session on the first instance, open within timeoutMs (default timeouts.connectMs). */
  async session(transport: RawTransport = 'websocket', timeoutMs = this.ctx.config.timeouts.connectMs): Promise<RawSession> {
    const { config } = this.ctx;
    const s = await openRawSession({ url: config.instances[0].url, path: config.socketPath, transport, timeoutMs });
    this.sessions.push(s);
    return s;
  }

  /** A session whose Socket.IO CONNECT with the offender's valid token (or this one) was accepted ("40{sid}"). */
  async authenticated(transport: RawTransport = 'websocket', token = this.offender.token): Promise<RawSession> {
    const s = await this.session(transport);
    await s.send(connectPacket({ token }));
    const answer = await s.waitFor((p) => p.startsWith('40') || p.startsWith('44'), this.ctx.timeouts.connectMs);
    if (!answer?.startsWith('40{')) throw new Error(`the offender's CONNECT with a valid token was not accepted over ${transport} (${answer ?? s.endedBy ?? 'no answer'})`);
    return s;
  }

  closeAll(): void {
    for (const s of this.sessions) s.close();
  }
}

/**
 * A robustness case: canaries on every instance run before, during and after the attack; afterwards
 * every instance's process must be alive (when the config names its pid), the attack's own verdict
 * stands, the canaries are graded, and every instance must answer a handshake. A target that went
 * down fails the case: that is the finding.
 */
export function hostileCase(target: RobustnessTarget, name: string, title: string, attack: (a: Attack) => Promise<void>, needs: Need[] = []): CaseDef {
  return {
    ...robustness(name, title, {
      needs,
      async run(ctx) {
        const offender = await target.offender(ctx);
        const canaries = await Canaries.start(ctx, target);
        const a = new Attack(ctx, offender, canaries);
        let attackFailure: unknown;
        try {
          await canaries.during('before', BASELINE_MS);
          canaries.enter('during');
          await attack(a);
        } catch (err) {
          attackFailure = err;
        } finally {
          a.closeAll();
        }
        await canaries.during('after', RECOVERY_MS);
        await canaries.stop();
        expectProcessesAlive(ctx);
        // A skip found during the attack (an undeclared REST call) skips the case as it would before it.
        if (attackFailure instanceof CaseFailure || attackFailure instanceof CaseSkip) throw attackFailure;
        // Canaries before the handshake check: a starved event loop is lost canary messages, not a dead target.
        canaries.grade(ctx.config.limits.robustness.canaryLatencyMs);
        await expectAnswering(ctx);
        if (attackFailure) throw new Error(`the attack could not run: ${errorMessage(attackFailure)}`);
      },
    }),
    hostile: true,
  };
}

function expectProcessesAlive(ctx: CaseContext): void {
  for (const instance of ctx.config.instances) {
    if (processAlive(instance.pid) === false) {
      ctx.fail(`the target went down: instance ${instance.name ?? instance.url} (pid ${instance.pid}) exited under the attack`, { expected: 'every instance up', received: `process ${instance.pid} is gone` });
    }
  }
}

async function expectAnswering(ctx: CaseContext): Promise<void> {
  for (const instance of ctx.config.instances) {
    try {
      await assertAnswering(instance.url, ctx.config.socketPath, ctx.timeouts.actionMs);
    } catch (err) {
      ctx.fail(`the target went down: instance ${instance.name ?? instance.url} stopped answering under the attack`, { expected: 'every instance answering a handshake', received: errorMessage(err) });
    }
  }
}
