import { z } from 'zod';

/**
 * Payload schemas of kraken-websocket-events.md ("Server → Client Events", "Client → Server Events")
 * and kraken-websocket-module.md. Loose: extra fields are allowed. Dates travel as JSON: an ISO string
 * (or epoch number).
 */
const id = z.string().min(1);
const time = z.union([z.string().min(1), z.number()]);
const nullableId = z.string().min(1).nullish();

/** SpanType: TEXT, MENTION, CHANNEL_LINK, ... The document lists the fields; every one but `type` may be null. */
export const messageSpan = z.looseObject({
  type: z.string().min(1),
  text: z.string().nullish(),
  userId: z.string().nullish(),
  channelId: z.string().nullish(),
  communityId: z.string().nullish(),
  aliasId: z.string().nullish(),
  specialKind: z.string().nullish(),
});

export const attachment = z.looseObject({
  url: z.string(),
  filename: z.string(),
  filetype: z.string(),
  size: z.number().nonnegative(),
});

export const reaction = z.looseObject({ emoji: z.string().min(1), userIds: z.array(z.string()) });

/**
 * NEW_MESSAGE's `Message`. `editedAt`/`deletedAt` are `Date | null`: a JSON encoder may drop a null, so a
 * missing one is accepted. Exactly one of channelId / directMessageGroupId names where the message lives.
 */
export const message = z
  .looseObject({
    id,
    channelId: nullableId,
    directMessageGroupId: nullableId,
    authorId: id,
    sentAt: time,
    editedAt: time.nullish(),
    deletedAt: time.nullish(),
    spans: z.array(messageSpan),
    attachments: z.array(attachment),
    reactions: z.array(reaction),
  })
  .refine((m) => Boolean(m.channelId) !== Boolean(m.directMessageGroupId), {
    message: 'a message names exactly one of channelId and directMessageGroupId',
    path: ['channelId'],
  });
export type Message = z.output<typeof message>;

/**
 * `{ message }` is the events document's NEW_MESSAGE payload; the module document's broadcasting
 * patterns emit the bare message. Both parse here; the cases grade the bare form non-strict.
 */
export const messageEnvelope = z.union([z.looseObject({ message }), message]);

export const deleteMessage = z.looseObject({ messageId: id, channelId: nullableId, directMessageGroupId: nullableId });

export const userPresence = z.looseObject({ userId: id });

/** USER_TYPING has no payload in the documents; whoever types must be named, the rest is open. */
export const userTyping = z.looseObject({ userId: id });

/** NEW_MENTION and NOTIFICATION have no documented payload: any object. */
export const openObject = z.looseObject({});

/** A Date on the wire: an ISO string that parses, or epoch milliseconds. */
const instant = z.union([z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'expected a date (ISO string)'), z.number()]);

/** Every field the events document lists is checked; a missing flag is a violation of the case that sees it. */
export const voicePresenceUser = z.looseObject({
  id,
  username: z.string(),
  displayName: z.string().nullish(),
  avatarUrl: z.string().nullish(),
  joinedAt: instant,
  isVideoEnabled: z.boolean(),
  isScreenSharing: z.boolean(),
  isMuted: z.boolean(),
  isDeafened: z.boolean(),
});
export type VoicePresenceUser = z.output<typeof voicePresenceUser>;

export const voiceUserJoined = z.looseObject({ channelId: id, user: voicePresenceUser });
const sameUser = { message: 'userId and user.id name different users', path: ['user', 'id'] };
export const voiceUserLeft = z.looseObject({ channelId: id, userId: id, user: voicePresenceUser }).refine((p) => p.userId === p.user.id, sameUser);
export const voiceUserUpdated = z
  .looseObject({ channelId: id, userId: id, user: voicePresenceUser, updates: z.record(z.string(), z.unknown()) })
  .refine((p) => p.userId === p.user.id, sameUser);

export const ackPayload = z.looseObject({ id });

/** ErrorPayload: {message, code?, event?, details?}. */
export const errorPayload = z.looseObject({
  message: z.string(),
  code: z.union([z.string(), z.number()]).optional(),
  event: z.string().optional(),
  details: z.unknown().optional(),
});
export type ErrorPayload = z.output<typeof errorPayload>;

// ---- acknowledgements of client events (only where a document shows one) -------------------------

/** SEND_MESSAGE: "Return message ID" (the ClientToServerEvents callback takes `messageId: string`). */
export const sendMessageAck = id;
/** PRESENCE_ONLINE returns 'ACK'. */
export const presenceOnlineAck = z.literal('ACK');
/** VOICE_CHANNEL_JOIN returns { success: true, channelId }. */
export const voiceJoinAck = z.looseObject({ success: z.literal(true), channelId: id });

// ---- client payloads (what the cases send) ---------------------------------------------------------

export function textSpan(text: string) {
  return { type: 'TEXT', text, userId: null, channelId: null, communityId: null, aliasId: null, specialKind: null };
}

export function mentionSpan(userId: string) {
  return { type: 'MENTION', text: null, userId, channelId: null, communityId: null, aliasId: null, specialKind: null };
}

/** SendMessagePayload for a channel, or SendDMPayload for a DM group. */
export function sendPayload(where: { channelId: string } | { directMessageGroupId: string }, text: string, extra: Record<string, unknown> = {}) {
  return {
    channelId: 'channelId' in where ? where.channelId : null,
    directMessageGroupId: 'directMessageGroupId' in where ? where.directMessageGroupId : null,
    spans: [textSpan(text)],
    attachments: [],
    reactions: [],
    ...extra,
  };
}

// ---- readers ---------------------------------------------------------------------------------------

/** The message of a newMessage / newDirectMessage / updateMessage payload, wrapped or bare. */
export function messageOf(payload: unknown): Record<string, unknown> | undefined {
  const p = payload as Record<string, unknown> | null;
  if (!p || typeof p !== 'object') return undefined;
  const inner = p.message;
  if (inner && typeof inner === 'object') return inner as Record<string, unknown>;
  return typeof p.id === 'string' ? p : undefined;
}

/** True when the payload is the bare message rather than the documented `{ message }`. */
export function isBareMessage(payload: unknown): boolean {
  const p = payload as Record<string, unknown> | null;
  return Boolean(p && typeof p === 'object' && !(p.message && typeof p.message === 'object'));
}

/** The plain text of a message's spans, joined. */
export function textOf(m: unknown): string {
  const spans = (m as { spans?: unknown } | null)?.spans;
  if (!Array.isArray(spans)) return '';
  return spans.map((s) => (typeof (s as { text?: unknown })?.text === 'string' ? (s as { text: string }).text : '')).join('');
}
