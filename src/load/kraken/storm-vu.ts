import type { Socket } from 'socket.io-client';
import { slotInstance } from '../plan.js';
import { countSentDuringOutage, CRASH_WINDOW_MS, cutTransport, stormSchedule, watchReconnects, type Reconnects } from '../storm-vu.js';
import { sleepUntil, type Events, type Target, type VuContext } from '../vu-kit.js';
import { joinKraken } from './connect.js';
import { krakenPlanHook, krakenSendOnSchedule, postOf, runKrakenVu, SKIP_REPORT_SEQ, type ExcuseOf, type KrakenVu } from './kraken-vu.js';
import { krakenEmitWithAck } from './outbound.js';
import { encodeStamp } from '../stamp.js';
import { isKrakenSender, slotUserId, worldOf, worldSlots, type KrakenPlan } from './plan.js';

/** `before` hook of kraken-reconnection-storm.yml: the Kraken plan plus when the storm hits. */
export async function krakenStormPlan(context: VuContext): Promise<void> {
  await krakenPlanHook(context, (plan) => stormSchedule(context.vars, plan) as KrakenPlan);
}

/**
 * Which sockets the storm cuts: in transport mode every socket but its world owner's (position 0 of each
 * group), which stays to watch presence through the storm and keeps sending; in instance mode the
 * sockets of the killed instance.
 */
export function cutByStorm(plan: KrakenPlan, slot: number): boolean {
  const storm = plan.storm!;
  if (storm.mode === 'instance') return slotInstance(plan.instances.length, slot, plan.params.groupSize) === storm.instance;
  return slot % plan.params.groupSize !== 0;
}

/**
 * A Kraken storm VU: joined, messages flowing; at the storm its transport drops (transport mode: a
 * receiver stays away for the outage, a sender comes back at once; instance mode: the CLI kills the
 * instance under it). socket.io-client reconnects by itself; the VU times it, then runs joinAll and
 * presenceOnline again, as a Kraken client must. Kraken has no history event: what was sent while it was
 * away is counted as missed during the outage, not as lost; what was owed after its rejoin and never came
 * is lost. It watches its world mates' presence throughout.
 */
export async function krakenStormVu(context: VuContext, events: Events): Promise<void> {
  await runKrakenVu(context, events, { prefix: 'storm', hook: 'gatecheckKrakenStormPlan', reconnection: true }, async (vu) => {
    const { plan, slot, t, socket: s } = vu;
    const storm = plan.storm!;
    const world = worldOf(plan, slot);
    const userId = slotUserId(plan, slot);
    for (const name of ['missed_outage', 'cut_at_crash']) events.emit('counter', `storm.${name}`, 0);
    const presence = watchPresence(s, t, plan, slot);
    const reconnects = watchReconnects(s, 'connect', events, t.config.timeouts.connectMs, async () => {
      try {
        await joinKraken(s, t, world.communityId, userId);
        return true;
      } catch (err) {
        events.emit('counter', 'reconnect.rejoin_failed', 1);
        process.stderr.write(`gatecheck: slot ${slot} reconnected but could not join again: ${(err as Error).message}\n`);
        return false;
      }
    });

    const sender = isKrakenSender(plan.params, slot);
    const skipped: number[] = [];
    const sending = sender ? krakenSendOnSchedule(vu, 'storm', events, undefined, { onSent: countSentDuringOutage(storm, events), skipped }) : Promise.resolve();
    if (storm.mode === 'transport' && cutByStorm(plan, slot)) {
      await sleepUntil(storm.at);
      cutTransport(s, sender ? undefined : { outageMs: storm.outageMs, spreadMs: storm.reconnectSpreadMs ?? 0 });
    }
    await sending;
    if (skipped.length) await reportSkipped(vu, skipped, events);
    await sleepUntil(plan.endAt - 300);
    await reconnects.finishing();
    await reconnects.settled();
    if (reconnects.down() || !s.connected) events.emit('counter', 'reconnect.failed', 1);
    presence.report(events);
    await sleepUntil(plan.endAt);
    reconnects.stop();
    return stormExcuses(plan, slot, reconnects);
  });
}

/** When a storm sender reports what it skipped: every client is back by then, and the report has time to arrive before the count at endAt. */
const SKIP_REPORT_LEAD_MS = 2000;

/**
 * A sender that skipped messages while the storm had it down tells its world which, in one more channel
 * message no one is owed (sequence number SKIP_REPORT_SEQ): its receivers replay its schedule to count
 * what they missed while away, and a message never sent is not one of them. It goes late in the drain,
 * when every client is back (the storm's drain leaves them that time), and before the receivers count.
 */
async function reportSkipped(vu: KrakenVu, skipped: number[], events: Events): Promise<void> {
  const { plan, slot, t, instance, socket } = vu;
  await sleepUntil(plan.endAt - SKIP_REPORT_LEAD_MS);
  while (!socket.connected && Date.now() < plan.endAt - SKIP_REPORT_LEAD_MS / 2) await new Promise((r) => setTimeout(r, 100));
  const now = Date.now();
  const content = encodeStamp({ runId: plan.runId, senderSlot: slot, senderInstance: instance, seq: SKIP_REPORT_SEQ, intendedAt: now, emittedAt: now, skipped });
  const [event, payload] = postOf(plan, slot, 'channel', content);
  await krakenEmitWithAck(socket, t, event, payload).then(
    () => events.emit('counter', 'storm.skip_reports', 1),
    () => events.emit('counter', 'storm.skip_report_failed', 1),
  );
}

/**
 * What this receiver may have missed without the server being at fault: a message due while it was away
 * (from its drop, less CRASH_WINDOW_MS for what was in flight, to its rejoin), and one its sender's cut
 * connection may have taken along (due within CRASH_WINDOW_MS of the storm).
 */
export function stormExcuses(plan: KrakenPlan, slot: number, reconnects: Pick<Reconnects, 'outages'>): ExcuseOf {
  const storm = plan.storm!;
  return (sender, _seq, at) => {
    if (reconnects.outages.some((o) => at >= o.from - CRASH_WINDOW_MS && at <= o.to)) return 'missed_outage';
    if (sender !== slot && cutByStorm(plan, sender) && Math.abs(at - storm.at) <= CRASH_WINDOW_MS) return 'cut_at_crash';
    return undefined;
  };
}

/**
 * The presence a VU sees of its world mates' users. Kraken has no presence query, so the view only
 * holds what it heard since its own last drop. Two userOffline for a user without a userOnline between
 * mean one came while another socket of the user was still connected; a mate last heard going offline at
 * the end is one that reconnected and is not online. Both count as presence.stale_offline.
 */
function watchPresence(s: Socket, t: Target, plan: KrakenPlan, slot: number) {
  const own = slotUserId(plan, slot);
  const mates = new Set<string>();
  const { from, to } = worldSlots(plan, slot);
  for (let m = from; m < to; m++) if (slotUserId(plan, m) !== own) mates.add(slotUserId(plan, m));
  const view = new Map<string, 'online' | 'offline'>();
  let offlineWhileConnected = 0;
  s.on(t.dialect.eventName('userOnline'), (p: { userId?: string } | undefined) => void (p?.userId && mates.has(p.userId) && view.set(p.userId, 'online')));
  s.on(t.dialect.eventName('userOffline'), (p: { userId?: string } | undefined) => {
    if (!p?.userId || !mates.has(p.userId)) return;
    if (view.get(p.userId) === 'offline') offlineWhileConnected++;
    view.set(p.userId, 'offline');
  });
  s.on('disconnect', () => view.clear());
  return {
    report(events: Events): void {
      const states = [...view.values()];
      events.emit('counter', 'presence.stale_offline', offlineWhileConnected + states.filter((v) => v === 'offline').length);
      events.emit('counter', 'presence.peers_online', states.filter((v) => v === 'online').length);
      events.emit('counter', 'presence.peers_checked', mates.size);
    },
  };
}
