import type { RestCallName } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import type { CheckLine } from '../model/doctor.js';
import type { DoctorSession } from './session.js';

/**
 * The chat-service REST calls, each made once as the cases make them: a conversation of A and B, a
 * message in it, C added then removed, B leaving. A conversation is all a run of the doctor leaves
 * behind (the document has no call that deletes one). createConversation is blocking: nearly every
 * case starts with it; a failing later call is a warning (the cases that use it will error).
 */
export async function checkChatRest(session: DoctorSession, [a, b, c]: string[]): Promise<CheckLine[]> {
  const rest = session.config.rest;
  const declared = (['createConversation', 'sendMessage', 'addParticipant', 'removeParticipant', 'leaveConversation'] as const).filter((n) => rest?.[n]);
  if (!declared.includes('createConversation')) {
    return [{ group: 'rest', status: 'skip', message: 'rest.createConversation is not declared: the cases that need a conversation will be skipped', fix: 'declare rest.createConversation (see gatecheck init)' }];
  }
  const lines: CheckLine[] = [];
  const call = async (name: RestCallName, actor: string, vars: Record<string, unknown>, blocking = false): Promise<string | undefined | false> => {
    const spec = rest![name]!;
    try {
      const result = await session.rest.call(name, await session.tokens.valid(actor), { actorId: actor, ...vars });
      lines.push({ group: 'rest', status: 'ok', message: `rest.${name} (${spec.method} ${spec.path}) answered ${result.status}${spec.idPath ? `, ${spec.idPath} = ${result.id}` : ''}` });
      return result.id;
    } catch (err) {
      const idProblem = /is not a string id/.test(errorMessage(err));
      lines.push({
        group: 'rest',
        status: blocking ? 'fail' : 'warn',
        message: errorMessage(err),
        fix: idProblem ? `set rest.${name}.idPath to the dotted path of the new id in that answer` : `check rest.${name} (method, path, body) and rest.baseUrl / rest.headers against the server's API`,
      });
      return false;
    }
  };
  const conversationId = await call('createConversation', a, { participantIds: [b], type: 'group', name: `gatecheck doctor ${a}` }, true);
  const later = declared.filter((n) => n !== 'createConversation');
  if (conversationId === false || conversationId === undefined) {
    if (later.length) lines.push({ group: 'rest', status: 'skip', message: `not checked without a conversation: ${later.map((n) => `rest.${n}`).join(', ')}` });
    return lines;
  }
  if (later.includes('sendMessage')) await call('sendMessage', a, { conversationId, content: 'gatecheck doctor' });
  if (later.includes('addParticipant') && c) {
    const added = await call('addParticipant', a, { conversationId, userId: c });
    if (added !== false && later.includes('removeParticipant')) await call('removeParticipant', a, { conversationId, userId: c });
  } else if (later.includes('removeParticipant')) {
    lines.push({ group: 'rest', status: 'skip', message: 'rest.removeParticipant: not checked (it needs rest.addParticipant and a third user first)' });
  }
  if (later.includes('leaveConversation')) await call('leaveConversation', b, { conversationId, userId: b });
  return lines;
}
