import { randomBytes } from 'node:crypto';
import type { Outcome } from '../../../client/outcome.js';
import type { Probe } from '../../../client/probe.js';
import type { Attack } from './attack.js';
import type { RemovalScene, RobustnessTarget } from './target.js';

/** Each member who stays sends every 200 ms (5 a second: under the chat reference's 10 a second per user). */
const FLOW_MS = 200;
/** How long the room talks after the removal was answered, and how many sends each removed socket tries then. */
const AFTER_MS = 800;
const SENDS_AFTER = 2;

/**
 * A member is removed from a room through the target's API while the others keep sending to it (two
 * members who stay, each sending every 200 ms; the removed member on two sockets, on two instances when
 * there are two). Once the removal is answered: no message of the room sent from then on may reach the
 * removed member's sockets (every one is counted), each of its sends (two per socket) is refused as a
 * non-member's and reaches no one, the others keep receiving, and the document's notice arrives.
 */
export function removedMemberAttack(target: RobustnessTarget) {
  return async (a: Attack): Promise<void> => {
    const { ctx } = a;
    const scene = await target.removal(ctx);
    const room = new RoomTraffic(scene);
    try {
      room.start();
      // A member still: each of its sockets gets the room's messages before the removal.
      await Promise.all(scene.removed.map((p) => ctx.waitFor(p, scene.event, `a message of the room before ${p.label} was removed`, (x) => room.isFlow(x))));
      await scene.remove();
      const removedAt = performance.now();
      ctx.timeline.note('removed-member: the removal was answered');
      const [attempts] = await Promise.all([Promise.all(scene.removed.map((p) => sendsAfter(a, scene, room, p))), new Promise((r) => setTimeout(r, AFTER_MS))]);
      room.stop();
      await ctx.barrier([...scene.stayers, ...scene.removed]);
      judge(a, scene, room, removedAt, attempts.flat());
    } finally {
      room.stop();
    }
  };
}

/** The room's messages: who sent each text and when (performance.now()). */
class RoomTraffic {
  readonly sentAt = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private n = 0;

  constructor(private readonly scene: RemovalScene) {}

  text(tag: string): string {
    return `gatecheck removed-member ${tag} ${++this.n} ${randomBytes(3).toString('hex')}`;
  }

  start(): void {
    this.timer = setInterval(() => {
      for (const p of this.scene.stayers) {
        if (!p.connected) continue;
        const text = this.text('flow');
        this.sentAt.set(text, performance.now());
        p.send(this.scene.sendEvent, this.scene.message(text));
      }
    }, FLOW_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  isFlow(payload: unknown): boolean {
    const text = this.scene.textOf(payload);
    return text !== undefined && this.sentAt.has(text);
  }

  /** The texts of this room's messages the probe received, with when each was sent (undefined: not one of ours). */
  deliveries(probe: Probe): Array<{ text: string; sentAt: number | undefined }> {
    return probe.received(this.scene.event).flatMap((e) => {
      const text = this.scene.textOf(e.payload);
      return text === undefined ? [] : [{ text, sentAt: this.sentAt.get(text) }];
    });
  }
}

interface Attempt {
  probe: Probe;
  text: string;
  outcome: Outcome;
}

/** The removed socket's sends after the removal, one after another: each must be refused. */
async function sendsAfter(a: Attack, scene: RemovalScene, room: RoomTraffic, probe: Probe): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  for (let i = 0; i < SENDS_AFTER; i++) {
    const text = room.text(`removed ${probe.label}`);
    room.sentAt.set(text, performance.now());
    attempts.push({ probe, text, outcome: await a.ctx.act(probe, scene.sendEvent, scene.message(text)) });
  }
  return attempts;
}

function judge(a: Attack, scene: RemovalScene, room: RoomTraffic, removedAt: number, attempts: Attempt[]): void {
  const { ctx } = a;
  // Another instance hears of the removal through the adapter: a send there may overtake it by that much.
  const settledAt = removedAt + (ctx.instanceCount > 1 ? ctx.timeouts.crossInstanceGraceMs : 0);
  const after = (d: { sentAt: number | undefined }) => d.sentAt !== undefined && d.sentAt > settledAt;
  const counts = scene.removed.map((p) => {
    const got = room.deliveries(p);
    return { probe: p, before: got.filter((d) => !after(d)).length, leaked: got.filter(after) };
  });
  const ownTexts = new Set(attempts.map((x) => x.text));
  const flowAfter = [...room.sentAt].filter(([text, at]) => at > settledAt && !ownTexts.has(text)).length;
  ctx.note(
    `removed-member: ${room.sentAt.size - ownTexts.size} messages to the room, ${flowAfter} of them after the removal was answered and settled; ` +
      counts.map((c) => `${c.probe.label} received ${c.before} before and ${c.leaked.length} after`).join(', '),
  );
  for (const c of counts) {
    ctx.check(c.leaked.length === 0, `the removed member kept receiving the room: ${c.probe.label} got ${c.leaked.length} message(s) sent after its removal was answered`, {
      expected: 'nothing of the room after the removal',
      received: c.leaked.slice(0, 3).map((d) => d.text).join('; '),
    });
  }
  for (const p of scene.stayers) {
    const reached = room.deliveries(p).filter((d) => ownTexts.has(d.text));
    ctx.check(reached.length === 0, `a removed member's message reached the room: ${p.label} got ${reached.length} of them`, {
      expected: 'no message of the removed member after its removal',
      received: reached.map((d) => d.text).join('; '),
    });
  }
  for (const x of attempts) scene.expectDenied(x.outcome, `${scene.sendEvent} by ${x.probe.label} after its removal`);
  for (const p of scene.stayers) {
    ctx.check(room.deliveries(p).some((d) => after(d) && !ownTexts.has(d.text)), `the room stopped delivering to ${p.label}, who stayed in it`, {
      expected: `messages of the room sent after the removal (${flowAfter} were)`,
      received: p.inboxSummary(),
    });
  }
  if (scene.notice) {
    const { event, where } = scene.notice;
    for (const p of scene.removed) ctx.check(p.received(event, where).length > 0, `${p.label} was not told of its removal`, { expected: event, received: p.inboxSummary() });
  }
}
