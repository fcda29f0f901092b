import { defineMutants } from '../mutants.js';
import { ROBUSTNESS_MUTANTS } from '../robustness-mutants.js';

type Area = 'auth' | 'denial' | 'validation' | 'errors' | 'rooms' | 'presence' | 'voice' | 'typing' | 'messaging' | 'mentions' | 'multi-instance' | 'robustness';

/**
 * Deliberate, realistic bugs the Kraken reference gateway can be started with (one at a time).
 * The Kraken conformance suite must kill every one of them: that is how it proves it can fail.
 */
export const KRAKEN_MUTANTS = defineMutants<Area>([
  // auth
  { name: 'auth-accept-expired', area: 'auth', description: 'verifies the signature but ignores the exp claim' },
  { name: 'auth-no-disconnect', area: 'auth', description: 'emits AUTH_FAILED on a bad token but leaves the socket connected' },
  { name: 'auth-token-needs-bearer', area: 'auth', description: 'handshake auth.token is accepted only with a "Bearer " prefix, so a bare jwt is refused' },
  { name: 'auth-header-ignored', area: 'auth', description: 'the Authorization header is never read: only handshake auth.token authenticates' },
  { name: 'auth-bearer-not-stripped', area: 'auth', description: 'handshake auth.token is verified as given, so "Bearer <jwt>" is refused' },
  // RBAC denials
  { name: 'rbac-skip-send-message', area: 'denial', description: 'sendMessage has no @RequiredActions(CREATE_MESSAGE) guard: a reader can post' },
  { name: 'rbac-skip-voice-join', area: 'denial', description: 'voice_channel_join has no JOIN_CHANNEL guard: a reader can join voice' },
  { name: 'join-all-private-leak', area: 'denial', description: 'joinAll joins every private channel of the community, membership or not' },
  { name: 'join-room-no-check', area: 'denial', description: 'joinRoom joins any channel room without the RBAC/membership check' },
  { name: 'dm-to-all', area: 'denial', description: 'newDirectMessage is sent to every connected socket (sendToAll) instead of the DM group room' },
  { name: 'dm-no-membership-check', area: 'denial', description: 'sendDirectMessage does not check that the sender is in the DM group' },
  { name: 'mention-to-channel', area: 'mentions', description: 'newMention goes to the whole channel room instead of the mentioned user\'s personal room' },
  // errors and validation
  { name: 'error-wrong-code', area: 'errors', description: 'permission failures carry code FORBIDDEN instead of PERMISSION_DENIED' },
  { name: 'error-without-event', area: 'errors', description: 'error payloads lack the `event` field' },
  { name: 'validation-no-details', area: 'validation', description: 'VALIDATION_ERROR is sent without `details`' },
  { name: 'validation-empty-message', area: 'validation', description: 'a message with no spans and no attachments is accepted and broadcast' },
  // rooms and messaging
  { name: 'join-all-member-channels-only', area: 'rooms', description: 'joinAll joins only the channels with an explicit membership: public channels are skipped' },
  { name: 'join-room-noop', area: 'rooms', description: 'joinRoom runs the guard but never joins the socket to the channel room' },
  { name: 'leave-room-noop', area: 'rooms', description: 'leaveRoom is accepted but the socket stays in the room' },
  { name: 'join-all-no-personal-room', area: 'rooms', description: 'joinAll does not join the personal room (mentions and notifications are lost)' },
  { name: 'update-no-broadcast', area: 'messaging', description: 'an edit through REST is stored but updateMessage is not broadcast' },
  { name: 'author-from-payload', area: 'messaging', description: 'sendMessage stores the authorId the client sent instead of the authenticated user' },
  { name: 'attachments-dropped', area: 'messaging', description: 'messages are stored and broadcast without their attachments' },
  { name: 'delete-to-all', area: 'messaging', description: 'deleteMessage is sent to every connected socket instead of the message\'s room' },
  // typing
  { name: 'typing-echo', area: 'typing', description: 'userTyping is sent to the whole room, the typist included (server.to instead of client.to)' },
  { name: 'typing-stop-ignored', area: 'typing', description: 'typingStop is accepted but no userTyping {isTyping:false} is sent' },
  // presence
  { name: 'presence-no-offline', area: 'presence', description: 'userOffline is never sent (neither on disconnect nor on TTL expiry)' },
  { name: 'presence-ttl-never-expires', area: 'presence', description: 'the presence TTL is never enforced: no userOffline while the socket stays connected' },
  { name: 'presence-offline-on-any-disconnect', area: 'presence', description: 'userOffline is sent when any socket of the user closes, not the last one' },
  { name: 'online-to-own-room', area: 'presence', description: 'userOnline goes to the user\'s personal room instead of every client' },
  { name: 'presence-online-no-ack', area: 'presence', kind: 'deviation', description: 'presenceOnline broadcasts userOnline but does not ack \'ACK\' (open point 4: missing ack)' },
  // voice
  { name: 'voice-no-disconnect-cleanup', area: 'voice', description: 'voice presence is not cleaned up on disconnect (no voiceChannelUserLeft)' },
  { name: 'voice-ttl-never-expires', area: 'voice', description: 'voice presence never expires without voice_presence_refresh' },
  { name: 'voice-update-no-broadcast', area: 'voice', description: 'voice_state_update is stored but voiceChannelUserUpdated is not sent' },
  { name: 'voice-join-no-broadcast', area: 'voice', description: 'voice_channel_join stores the participant and acks, but voiceChannelUserJoined is not sent' },
  { name: 'voice-leave-no-broadcast', area: 'voice', description: 'voice_channel_leave removes the participant but sends no voiceChannelUserLeft (disconnect and TTL still do)' },
  { name: 'voice-join-no-ack', area: 'voice', kind: 'deviation', description: 'voice_channel_join does not ack {success, channelId} (open point 4: missing ack)' },
  // message shape
  { name: 'new-message-bare', area: 'messaging', kind: 'deviation', description: 'newMessage carries the bare Message (module document\'s pattern), not { message }' },
  { name: 'auth-in-middleware', area: 'auth', kind: 'deviation', description: 'bad tokens are refused in io.use middleware: connect_error carrying AUTH_FAILED (handshake rejection)' },
  // multi-instance
  { name: 'no-redis-adapter', area: 'multi-instance', description: 'instances share state in Redis but not broadcasts (the Redis adapter is not attached)', needsMultiInstance: true },
  // Coverage the documents ask for (issue 9)
  { name: 'voice-user-missing-flags', area: 'voice', description: 'VoicePresenceUser lacks isVideoEnabled, isScreenSharing and isMuted (as Kraken v0.1.2 sends it)' },
  { name: 'voice-events-to-channel-room', area: 'voice', description: 'voice events go to the channel room (every member who ran joinAll), not to the voice channel\'s participants' },
  { name: 'voice-updated-to-channel-room', area: 'voice', kind: 'deviation', description: 'voiceChannelUserUpdated also goes to the channel room, as module.md pattern 3 does "for non-voice users"' },
  { name: 'voice-refresh-joins', area: 'voice', description: 'voice_presence_refresh by a user who is not in the voice channel joins it (voiceChannelUserJoined) instead of being refused' },
  // Robustness: killed by the robustness suite (gatecheck mutants --suite robustness), each by its own case.
  ...ROBUSTNESS_MUTANTS,
  { name: 'robust-membership-cached', area: 'robustness', suite: 'robustness', killer: 'robustness.removed-member', description: 'sendMessage trusts the channels joinAll found for the socket and re-joins the room: a member removed from a private channel keeps sending and is back in its room (robustness.removed-member)' },
]);
