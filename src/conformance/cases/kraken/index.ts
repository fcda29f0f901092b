import type { CaseDef } from '../../types.js';
import { krakenAuthCases } from './auth.js';
import { krakenMentionCases } from './mentions.js';
import { krakenMessageCases, krakenMessageRestCases } from './messages.js';
import { krakenPresenceCases } from './presence.js';
import { krakenRbacCases } from './rbac.js';
import { krakenRoomCases } from './rooms.js';
import { krakenTypingCases } from './typing.js';
import { krakenValidationCases } from './validation.js';
import { krakenVoiceCases } from './voice.js';
import { krakenVoiceScopeCases } from './voice-scope.js';

/** Where in the documents each suite's rules are (shown next to the case in reports; `--filter` takes it too). */
const DOC_REFS: Record<string, string> = {
  'kraken-auth': 'events.md Authentication Process, Connection Errors',
  'kraken-rooms': 'events.md Room Management (JOIN_ALL, JOIN_ROOM)',
  'kraken-messages': 'events.md SEND_MESSAGE, SEND_DM, NEW_MESSAGE',
  'kraken-mentions': 'events.md Automatic Room Joining; module.md NEW_MENTION, NOTIFICATION',
  'kraken-rbac': 'events.md RBAC Required, Permission Errors',
  'kraken-presence': 'events.md PRESENCE_ONLINE, USER_ONLINE, USER_OFFLINE',
  'kraken-voice': 'events.md VOICE_CHANNEL_*, VOICE_STATE_UPDATE',
  'kraken-typing': 'module.md TYPING_START, TYPING_STOP, USER_TYPING',
  'kraken-validation': 'events.md Validation Errors',
};

export const krakenCases: CaseDef[] = [
  ...krakenAuthCases,
  ...krakenRoomCases,
  ...krakenMessageCases,
  ...krakenMessageRestCases,
  ...krakenMentionCases,
  ...krakenRbacCases,
  ...krakenPresenceCases,
  ...krakenVoiceCases,
  ...krakenVoiceScopeCases,
  ...krakenTypingCases,
  ...krakenValidationCases,
].map((c) => ({ ...c, seedRef: c.seedRef ?? DOC_REFS[c.suite] ?? null }));

const ids = new Set<string>();
for (const c of krakenCases) {
  if (ids.has(c.id)) throw new Error(`duplicate case id ${c.id}`);
  ids.add(c.id);
}
