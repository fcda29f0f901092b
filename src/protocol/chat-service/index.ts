import type { ZodType } from 'zod';
import { makeEventMap, type Dialect } from '../types.js';
import * as s from './schemas.js';

export const CLIENT_EVENTS = ['message:send', 'message:edit', 'message:delete', 'messages:sync', 'room:join', 'room:leave', 'ping'] as const;

const SERVER_SCHEMAS: Record<string, ZodType> = {
  connected: s.connected,
  error: s.errorPayload,
  exception: s.exceptionPayload,
  'message:new': s.message,
  'message:updated': s.messageUpdated,
  'message:deleted': s.messageDeleted,
  'user:online': s.presence,
  'user:offline': s.presence,
  'conversation:new': s.conversation,
  'conversation:joined': s.conversation,
  'conversation:removed': s.conversationRemoved,
  'participant:added': s.participantChange,
  'participant:removed': s.participantChange,
  pong: s.pong,
};

export const CHAT_EVENTS = [...CLIENT_EVENTS, ...Object.keys(SERVER_SCHEMAS)];

export const ERROR_CODES = ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'VALIDATION_ERROR', 'RATE_LIMITED', 'INTERNAL_ERROR', 'CONNECTION_ERROR'] as const;

export function chatServiceDialect(overrides: Record<string, string> = {}): Dialect {
  const map = makeEventMap(CHAT_EVENTS, overrides);
  return {
    name: 'chat-service',
    eventName: map.wire,
    documentedName: map.documented,
    serverEventSchema: (documented) => SERVER_SCHEMAS[documented],
    errorEvents: { error: map.wire('error'), exception: map.wire('exception') },
    errorSubject: (payload) => payload.originalEvent,
    readyEvent: 'connected',
    ping: { event: 'ping', payload: {}, answerEvent: 'pong' },
  };
}
