import type { CaseDef } from '../../types.js';
import { hostileCase } from './attack.js';
import { chatServiceRobustness } from './chat-service.js';
import { krakenRobustness } from './kraken.js';
import { packetAttack } from './packets.js';
import { oddValuesAttack, oversizedAttack, prototypeAttack } from './payloads.js';
import type { RobustnessTarget } from './target.js';
import { floodAttack, slowReaderAttack } from './volume.js';
import { handshakeFloodAttack, manySocketsAttack } from './connections.js';
import { halfOpenAttack } from './half-open.js';
import { tokenReplayAttack } from './token-replay.js';
import { removedMemberAttack } from './removed-member.js';

/**
 * The robustness suite: attacks that each prove the target stays up, its other clients (canaries) keep
 * being served, and the offender is refused. Not part of the default run (README "Robustness suite").
 * Ids are never prefixes of one another, so `--filter robustness.<name>` picks exactly one.
 */
function robustnessCases(target: RobustnessTarget): CaseDef[] {
  return [
    hostileCase(target, 'packets', 'Invalid Engine.IO / Socket.IO packets, missing attachments, ack abuse, an unknown namespace, giant CONNECTs (websocket and polling): each refused', packetAttack),
    hostileCase(target, 'oversized', 'Payloads under, just over and 8x over the declared cap: an error under it, the session ended over it', oversizedAttack),
    hostileCase(target, 'odd-values', 'Non-string room ids, Infinity, NaN, a 400-digit number, a lone surrogate, arrays nested 20,000 deep: refused, nothing crashes', oddValuesAttack),
    hostileCase(target, 'prototype-keys', '__proto__ and constructor.prototype keys: no other client\'s data changes', prototypeAttack),
    hostileCase(target, 'event-flood', 'One socket floods 1,500 messages in 2 s: the rate limit refuses them and the canaries stay served', floodAttack),
    hostileCase(target, 'slow-reader', 'A client that sends 64 MB and never reads: the target\'s RSS stays within the bound', slowReaderAttack, ['processMemory']),
    hostileCase(target, 'many-sockets', 'One user opens 200 sockets at once and closes them all: a peer is told the user went offline (nothing kept for them)', manySocketsAttack),
    hostileCase(target, 'handshake-flood', '300 handshakes in 1 s, a third with a wrongly signed token: invalid ones refused, valid ones accepted or rate limited, none unanswered', handshakeFloodAttack),
    hostileCase(target, 'half-open', 'A connection that goes silent without closing: dropped after the announced heartbeat, the user reported offline', halfOpenAttack),
    hostileCase(target, 'token-replay', 'Three sessions on a token that expires 1-2 s in; then three handshakes replay it: refused, and the old sessions\' events refused if the target re-checks the token', tokenReplayAttack, ['expiredTokens']),
    hostileCase(target, 'removed-member', 'A member removed from a room while it talks: nothing of the room reaches it afterwards, its sends are refused', removedMemberAttack(target)),
  ];
}

export const chatServiceRobustnessCases = robustnessCases(chatServiceRobustness);
export const krakenRobustnessCases = robustnessCases(krakenRobustness);
