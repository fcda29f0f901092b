import { z } from 'zod';

/** Payload schemas of chat-gateway-phase4.md ("WebSocket Events Reference"). Loose: extra fields are allowed. */
const id = z.string().min(1);
const time = z.union([z.string().min(1), z.number()]);

export const errorPayload = z.looseObject({
  code: z.string().min(1),
  message: z.string(),
  timestamp: time,
  originalEvent: z.string().optional(),
});

export const exceptionPayload = z.looseObject({ status: z.string().optional(), message: z.unknown() });

/** Open point 3: `rooms` is a count in Test 1 and "rooms" in the table: both pass. */
export const connected = z.looseObject({
  userId: id,
  socketId: id,
  rooms: z.union([z.number().int().nonnegative(), z.array(z.string())]),
  timestamp: time,
});

export const SENDER_FIELDS = ['senderId', 'senderExternalId', 'sender', 'userId', 'authorId'] as const;

/** Open point 4: the message object's fields are not listed; require the ones any client needs. */
export const message = z
  .looseObject({
    id: id.optional(),
    _id: id.optional(),
    conversationId: id,
    content: z.string(),
    createdAt: time,
  })
  .refine((m) => Boolean(m.id ?? m._id), { message: 'message has neither id nor _id', path: ['id'] })
  .refine((m) => SENDER_FIELDS.some((f) => typeof (m as Record<string, unknown>)[f] === 'string'), {
    message: `message has no sender id (one of ${SENDER_FIELDS.join(', ')})`,
    path: ['senderId'],
  });

export const messageUpdated = z.looseObject({ messageId: id, content: z.string(), isEdited: z.literal(true), updatedAt: time });
export const messageDeleted = z.looseObject({ messageId: id, conversationId: id, deletedAt: time });
export const presence = z.looseObject({ userId: id, conversationId: id, timestamp: time });
export const conversation = z
  .looseObject({ id: id.optional(), _id: id.optional() })
  .refine((c) => Boolean(c.id ?? c._id), { message: 'conversation has neither id nor _id', path: ['id'] });
export const conversationRemoved = z.looseObject({ conversationId: id });
export const participantChange = z.looseObject({ conversationId: id, userId: id, timestamp: time });
export const pong = z.looseObject({ timestamp: z.number().optional() });

export const sendAck = z.looseObject({ success: z.literal(true), message });
export const editAck = z.looseObject({ success: z.literal(true), message: z.looseObject({ content: z.string() }) });
export const deleteAck = z.looseObject({ success: z.literal(true) });
export const syncAck = z.looseObject({ success: z.literal(true), messages: z.array(message) });
export const roomJoinAck = z.looseObject({ success: z.literal(true), room: z.unknown() });
export const roomLeaveAck = z.looseObject({ success: z.literal(true) });
export const negativeAck = z.looseObject({
  success: z.literal(false),
  error: z.looseObject({ code: z.string(), message: z.string().optional() }),
});

export function messageId(m: unknown): string | undefined {
  const r = m as Record<string, unknown> | null;
  const v = r?.id ?? r?._id;
  return typeof v === 'string' ? v : undefined;
}

export function senderId(m: unknown): string | undefined {
  const r = m as Record<string, unknown> | null;
  for (const f of SENDER_FIELDS) if (typeof r?.[f] === 'string') return r[f] as string;
  return undefined;
}

export function conversationIdOf(c: unknown): string | undefined {
  const r = c as Record<string, unknown> | null;
  const v = r?.id ?? r?._id ?? r?.conversationId;
  return typeof v === 'string' ? v : undefined;
}
