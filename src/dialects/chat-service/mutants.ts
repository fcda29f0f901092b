import { defineMutants } from '../mutants.js';
import { ROBUSTNESS_MUTANTS } from '../robustness-mutants.js';

type Area = 'auth' | 'denial' | 'validation' | 'presence' | 'sync' | 'rest-membership' | 'multi-instance' | 'messaging' | 'rate-limit' | 'bookkeeping' | 'robustness';

/**
 * Deliberate, realistic bugs the chat-service reference gateway can be started with (one at a time).
 * The conformance suite must kill every one of them: that is how it proves it can fail.
 */
export const CHAT_MUTANTS = defineMutants<Area>([
  { name: 'auth-accept-expired', area: 'auth', description: 'verifies the signature but ignores the exp claim' },
  { name: 'auth-accept-alg-none', area: 'auth', description: 'accepts unsigned tokens (alg: none)' },
  { name: 'auth-no-disconnect', area: 'auth', description: 'emits UNAUTHORIZED on a bad token but leaves the socket connected' },
  { name: 'auth-ignore-query-token', area: 'auth', description: 'reads the token from handshake.auth and the header only, not from the query' },
  { name: 'auth-header-no-bearer-strip', area: 'auth', description: 'uses the whole Authorization header value (with "Bearer ") as the token' },
  { name: 'auth-header-any-scheme', area: 'auth', description: 'takes the last word of any Authorization header, whatever its scheme' },
  { name: 'send-no-participation-check', area: 'denial', description: 'message:send skips the participation check and broadcasts to the room' },
  { name: 'edit-no-ownership-check', area: 'denial', description: 'message:edit lets anyone edit any message' },
  { name: 'delete-no-ownership-check', area: 'denial', description: 'message:delete lets anyone delete any message' },
  { name: 'room-join-no-check', area: 'denial', description: 'room:join joins any conversation room without checking participation' },
  { name: 'sync-no-participation-check', area: 'denial', description: 'messages:sync returns messages of conversations the user is not in' },
  { name: 'deleted-broadcast-to-all', area: 'denial', description: 'message:deleted is emitted to every connected socket, not to the room' },
  { name: 'validation-no-max-length', area: 'validation', description: 'content longer than 5000 characters is accepted' },
  { name: 'validation-attachments-unbounded', area: 'validation', description: 'more than 10 attachments are accepted' },
  { name: 'validation-objectid-loose', area: 'validation', description: 'ids are not checked to be ObjectIds (a bad id gives FORBIDDEN/NOT_FOUND, not VALIDATION_ERROR)' },
  { name: 'validation-wrong-code', area: 'validation', description: 'validation failures are reported as BAD_REQUEST' },
  { name: 'validation-non-object-crash', area: 'validation', description: 'a payload that is not an object crashes the handler (INTERNAL_ERROR)' },
  { name: 'validation-max-length-off-by-one', area: 'validation', description: 'content of exactly 5000 characters is refused (max 4999)' },
  { name: 'validation-attachments-off-by-one', area: 'validation', description: 'exactly 10 attachments are refused (at most 9)' },
  { name: 'validation-empty-content', area: 'validation', description: 'empty content is accepted and broadcast' },
  { name: 'presence-offline-on-any-disconnect', area: 'presence', description: 'user:offline is broadcast when any socket of the user closes, not the last' },
  { name: 'presence-online-echo', area: 'presence', description: 'user:online is emitted to the whole room, the connecting socket included' },
  { name: 'presence-no-online', area: 'presence', description: 'user:online is never broadcast' },
  { name: 'presence-no-offline', area: 'presence', description: 'user:offline is never broadcast' },
  { name: 'sync-off-by-one', area: 'sync', description: 'messages:sync skips the first message after lastMessageId' },
  { name: 'sync-includes-last-seen', area: 'sync', description: 'messages:sync returns lastMessageId itself too ($gte instead of $gt)' },
  { name: 'rest-add-no-room-join', area: 'rest-membership', description: 'a participant added through REST is not joined to the room on live sockets' },
  { name: 'rest-remove-no-room-leave', area: 'rest-membership', description: 'a participant removed through REST stays in the room and keeps receiving' },
  { name: 'rest-create-no-notify', area: 'rest-membership', description: 'creating a conversation through REST neither notifies nor joins the participants' },
  { name: 'rest-message-no-broadcast', area: 'messaging', description: 'messages created through REST are not broadcast to the room' },
  { name: 'sender-excluded', area: 'messaging', description: 'message:new goes to the room except the sender (socket.to instead of server.to)' },
  { name: 'delete-no-broadcast', area: 'messaging', description: 'message:delete acks but does not broadcast message:deleted' },
  { name: 'edit-no-broadcast', area: 'messaging', description: 'message:edit acks but does not broadcast message:updated' },
  { name: 'metadata-dropped', area: 'messaging', description: 'metadata sent with a message is not stored or echoed' },
  { name: 'connected-wrong-socket-id', area: 'messaging', description: 'connected.socketId is a session id of the server, not the socket id' },
  { name: 'connect-no-auto-join', area: 'messaging', description: 'on connect the socket joins only its user room, not its conversation rooms' },
  { name: 'connected-missing-userid', area: 'messaging', description: 'the connected event lacks userId', blanket: true },
  { name: 'ping-no-reply', area: 'messaging', description: 'ping is neither acknowledged nor answered with pong' },
  { name: 'room-leave-noop', area: 'messaging', description: 'room:leave acks success but the socket stays in the room' },
  { name: 'rate-limit-off', area: 'rate-limit', description: 'the declared rate limit is not enforced' },
  { name: 'bookkeeping-single-socket', area: 'bookkeeping', description: 'ws:connections:{userId} keeps only the newest socket id (SET instead of SADD)' },
  { name: 'no-redis-adapter', area: 'multi-instance', description: 'instances share state in Redis but not broadcasts (the Redis adapter is not attached)', needsMultiInstance: true },
  // Deviations: what real servers do where the contract is open; graded non-strict, never failed.
  { name: 'sync-descending', area: 'sync', kind: 'deviation', description: 'messages:sync returns the right messages newest first (open point 7)' },
  { name: 'errors-as-negative-ack', area: 'messaging', kind: 'deviation', description: 'errors answer the ack with {success:false, error:{code}} instead of an error event (open point 1)' },
  { name: 'auth-in-middleware', area: 'auth', kind: 'deviation', description: 'bad tokens are refused in io.use middleware: connect_error carrying UNAUTHORIZED (handshake rejection)' },
  { name: 'pong-without-timestamp', area: 'messaging', kind: 'deviation', description: 'ping is answered by a pong event without a timestamp and no ack (open point 2)' },
  // Coverage the documents ask for (issue 9): Step 4.12's leave path and the ws:socket / ws:online keys.
  { name: 'rest-leave-no-room-leave', area: 'rest-membership', description: 'leaving through REST (leave()) notifies everyone but the leaver\'s sockets stay in the room' },
  { name: 'bookkeeping-socket-key-kept', area: 'bookkeeping', description: 'ws:socket:{socketId} is not deleted on disconnect (left to its 24 h TTL)' },
  { name: 'bookkeeping-online-any-disconnect', area: 'bookkeeping', description: 'the user is removed from ws:online when any of its sockets closes, not the last' },
  // Robustness: killed by the robustness suite (gatecheck mutants --suite robustness), each by its own case.
  ...ROBUSTNESS_MUTANTS,
  { name: 'robust-membership-cached', area: 'robustness', suite: 'robustness', killer: 'robustness.removed-member', description: 'message:send trusts the conversation ids cached on the socket at connect and re-joins the room: a removed participant keeps sending and is back in the room (robustness.removed-member)' },
]);
