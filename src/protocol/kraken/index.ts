import type { ZodType } from 'zod';
import { makeEventMap, type Dialect } from '../types.js';
import * as s from './schemas.js';

/** ClientEvents of kraken-websocket-module.md, by their documented names. */
export const KRAKEN_CLIENT_EVENTS = [
  'joinAll',
  'joinRoom',
  'leaveRoom',
  'presenceOnline',
  'sendMessage',
  'sendDirectMessage',
  'typingStart',
  'typingStop',
  'voice_channel_join',
  'voice_channel_leave',
  'voice_state_update',
  'voice_presence_refresh',
] as const;

/** ServerEvents of kraken-websocket-module.md with the payload each document gives it. */
const SERVER_SCHEMAS: Record<string, ZodType> = {
  newMessage: s.messageEnvelope,
  updateMessage: s.messageEnvelope,
  deleteMessage: s.deleteMessage,
  newDirectMessage: s.messageEnvelope,
  newMention: s.openObject,
  notification: s.openObject,
  userOnline: s.userPresence,
  userOffline: s.userPresence,
  userTyping: s.userTyping,
  voiceChannelUserJoined: s.voiceUserJoined,
  voiceChannelUserLeft: s.voiceUserLeft,
  voiceChannelUserUpdated: s.voiceUserUpdated,
  ack: s.ackPayload,
  error: s.errorPayload,
};

export const KRAKEN_SERVER_EVENTS = Object.keys(SERVER_SCHEMAS);

export const KRAKEN_EVENTS = [...KRAKEN_CLIENT_EVENTS, ...KRAKEN_SERVER_EVENTS];

/**
 * NestJS's default BaseWsExceptionFilter answers with `exception` {status, message} (no code). It is not
 * a Kraken event; the probe still recognises it as an error answer, unless `error` itself is renamed to it.
 */
const NEST_EXCEPTION = 'exception';

export const KRAKEN_ERROR_CODES = ['PERMISSION_DENIED', 'VALIDATION_ERROR', 'AUTH_FAILED'] as const;
export type KrakenErrorCode = (typeof KRAKEN_ERROR_CODES)[number];

export function krakenDialect(overrides: Record<string, string> = {}): Dialect {
  const map = makeEventMap(KRAKEN_EVENTS, overrides);
  return {
    name: 'kraken',
    eventName: map.wire,
    documentedName: map.documented,
    serverEventSchema: (documented) => SERVER_SCHEMAS[documented],
    errorEvents: { error: map.wire('error'), exception: NEST_EXCEPTION },
    errorSubject: (payload) => payload.event,
    // No `connected` event: a probe is ready once the transport connects.
    readyEvent: undefined,
    // presenceOnline is acked but broadcasts userOnline: no side-effect-free round trip exists.
    ping: undefined,
  };
}
