import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/conformance/conform.js';
import { krakenModule } from '../../src/dialects/kraken/index.js';
import { createLogger } from '../../src/log.js';
import type { ConformanceReport } from '../../src/model/conformance.js';
import { loadProfile } from '../../src/profiles/load.js';
import { startReferenceTarget, type StartedTarget } from '../../src/reference/target.js';

/**
 * The Kraken reference gateway with --drift kraken-v0.1.2 differs from the documents as the public
 * Kraken backend at that tag does. Without a profile the suite must read as a handful of causes, the
 * cases blocked by a broken step counted apart; with profiles/kraken-v0.1.2.yml every case that the
 * drift does not touch passes, and every difference the profile covered is a finding.
 */

/** The cases the drift touches in ways no profile can state (docs/profiles.md lists why). */
const TOUCHED_BY_DRIFT = new Set([
  // auth refused in the handshake middleware: connect_error, no error event (non-strict)
  'kraken-auth.no-token', 'kraken-auth.wrong-signature', 'kraken-auth.wrong-signature-bearer-header', 'kraken-auth.alg-none',
  'kraken-auth.malformed-token', 'kraken-auth.expired-token', 'kraken-auth.unknown-user',
  // no joinRoom / leaveRoom handlers; subscribeAll has no RBAC guard
  'kraken-rooms.join-room-public', 'kraken-rooms.join-room-private-denied', 'kraken-rooms.join-room-private-member', 'kraken-rooms.leave-room',
  'kraken-rbac.join-room-outsider', 'kraken-rbac.join-all-outsider',
  // attachments are file ids
  'kraken-messages.rich-payload-echo',
  // VoicePresenceUser without isVideoEnabled / isScreenSharing / isMuted; no voice_state_update handler; voice over REST
  'kraken-rbac.voice-join-reader', 'kraken-rbac.voice-state-update-reader', 'kraken-rbac.voice-leave-reader', 'kraken-rbac.voice-join-outsider', 'kraken-rbac.voice-refresh-reader',
  'kraken-voice.join', 'kraken-voice.state-update', 'kraken-voice.leave', 'kraken-voice.disconnect-cleanup', 'kraken-voice.refresh-and-expiry',
  'kraken-voice.participants-only',
  // voice_presence_refresh by a non-participant re-registers (acts as a join)
  'kraken-voice.refresh-not-a-join',
  'kraken-validation.voice-state-missing-channel', 'kraken-validation.voice-state-flag-type', 'kraken-validation.voice-join-channel-type',
  // validation errors as class-validator's array: no `event` naming the refused action
  'kraken-validation.send-message-spans-type', 'kraken-validation.send-message-empty',
  // no userOffline when the presence TTL runs out
  'kraken-presence.ttl-expiry', 'kraken-presence.ttl-refresh',
]);

let target: StartedTarget;
let without: ConformanceReport;
let withProfile: ConformanceReport;

beforeAll(async () => {
  target = await startReferenceTarget({ module: krakenModule, drift: 'kraken-v0.1.2', logger: createLogger('silent') });
  // Events the drifting server never answers wait for the action deadline: 1.5 s keeps the run short.
  const config = { ...target.config, timeouts: { ...target.config.timeouts, actionMs: 1500 } };
  const profile = await loadProfile('kraken-v0.1.2', 'kraken');
  [without, withProfile] = await Promise.all([
    runConformance({ suite: krakenModule, config, target: target.summary }),
    runConformance({ suite: krakenModule, config, target: target.summary, profile }),
  ]);
}, 180_000);
afterAll(() => target?.stop());

const notPassed = (r: ConformanceReport) => r.cases.filter((c) => c.status !== 'passed');

describe('--drift kraken-v0.1.2 without a profile', () => {
  it('reads as a handful of findings, the blocked cases counted apart', () => {
    const causes = without.findings!.filter((f) => f.kind !== 'profile');
    expect(causes.length, causes.map((f) => `${f.kind} ${f.cases.length} ${f.title}`).join('\n')).toBeLessThanOrEqual(10);
    expect(without.summary.blocked).toBe(without.cases.filter((c) => c.blockedBy).length);
    expect(without.summary.blocked).toBeGreaterThanOrEqual(20);
    expect(without.summary.failed + without.summary.blocked).toBe(without.cases.filter((c) => c.status === 'failed').length);
    // The two causes the issue names: the refused message payload and the renamed joinAll.
    expect(causes).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'blocked', title: expect.stringMatching(/^send fails: sendMessage by <probe> was refused/) }),
      expect.objectContaining({ kind: 'blocked', title: expect.stringMatching(/^joinAll shows no sign of working/) }),
    ]));
    const blocked = without.cases.find((c) => c.blockedBy === 'send')!;
    expect(blocked.reason).toMatch(/^blocked by send: sendMessage by \S+ was refused/);
  });
});

describe('--drift kraken-v0.1.2 with profiles/kraken-v0.1.2.yml', () => {
  it('passes every case the drift does not touch', () => {
    expect(notPassed(withProfile).map((c) => c.id).filter((id) => !TOUCHED_BY_DRIFT.has(id))).toEqual([]);
    expect(withProfile.summary.passed).toBe(withProfile.summary.total - TOUCHED_BY_DRIFT.size);
    expect(withProfile.profile).toEqual({ name: 'kraken-v0.1.2', source: expect.stringContaining('krakenchat/kraken') });
  });

  it('lists every difference the profile covered as a finding', () => {
    const differences = withProfile.findings!.filter((f) => f.kind === 'profile').map((f) => f.title);
    for (const expected of [
      'joinAll (event name): joinAll is called subscribeAll',
      'error (event name): error is called exception',
      'sendMessage (sent): spans[].type TEXT is PLAINTEXT',
      'sendMessage (sent): spans[].type MENTION is USER_MENTION',
      'sendMessage (sent): spans[].channelId is not accepted',
      'sendMessage (sent): attachments[] are url values, not objects',
      'voice_channel_join (moved to REST): voice_channel_join is POST /api/channels/{{channelId}}/voice-presence/join',
      'joinAll (client behaviour): a client sends presenceOnline after joinAll',
      'error (received): code is missing, taken as PERMISSION_DENIED when message matches /^Forbidden resource$/',
      'error (received): event is sent as cause.pattern',
    ]) {
      expect(differences).toContain(`server differs from the document: ${expected}`);
    }
    expect(differences.some((d) => d.includes('class-validator error array'))).toBe(true);
  });

  it('shows each applied rule in the timeline of the case that needed it', () => {
    const send = withProfile.cases.find((c) => c.id === 'kraken-messages.send-channel-members-only') ?? withProfile.cases.find((c) => c.suite === 'kraken-messages' && c.status === 'passed')!;
    const notes = send.evidence.timeline.filter((e) => e.dir === 'note').map((e) => e.data ?? e.event).join('\n');
    expect(notes).toMatch(/profile kraken-v0\.1\.2: \S+ sendMessage \(sent\): spans\[\]\.type TEXT is PLAINTEXT/);
    expect(send.evidence.profile).toContain('sendMessage (sent): spans[].type TEXT is PLAINTEXT');
  });
});
