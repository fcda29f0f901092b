import { errorMessage } from '../../../errors.js';
import { summarize } from '../../../client/timeline.js';
import { connectPacket, eventPacket, type RawTransport } from '../../../client/raw-session.js';
import type { Attack } from './attack.js';
import { describeAnswer, expectSessionEnded, answerTo } from './verdicts.js';

/** Packets no Engine.IO v4 / Socket.IO v5 client sends: each must end the offender's session. */
const MALFORMED: Array<[string, string]> = [
  ['an Engine.IO packet of unknown type 9', '9gatecheck'],
  ['an Engine.IO message that is no Socket.IO packet', '4gatecheck'],
  ['a Socket.IO packet of unknown type 9', '49[]'],
  ['a Socket.IO EVENT whose data is not an array', '42{"not":"an array"}'],
  ['a Socket.IO EVENT with unterminated JSON', '42["x",{"conversationId":'],
  ['a Socket.IO BINARY_EVENT announcing 10^9 attachments', '451000000000-["x",{"_placeholder":true,"num":0}]'],
];

const NO_SUCH_NAMESPACE = '/gatecheck-no-such-namespace';

/** The transports the target takes: websocket always; polling when its handshake answers. */
async function transports(a: Attack): Promise<RawTransport[]> {
  try {
    (await a.session('polling')).close();
    return ['websocket', 'polling'];
  } catch (err) {
    a.ctx.note(`polling: ${errorMessage(err)}; the packet attacks run over websocket only`);
    return ['websocket'];
  }
}

/**
 * Invalid Engine.IO and Socket.IO packets, binary attachments announced and not sent, ack ids the
 * server never issued, reused or absurd, a namespace that does not exist, a CONNECT with a giant auth
 * payload (over the cap, and under it with no valid token), over a raw WebSocket and over polling.
 */
export async function packetAttack(a: Attack): Promise<void> {
  const { ctx } = a;
  const cap = a.limits.maxPayloadBytes;
  for (const transport of await transports(a)) {
    for (const [what, packet] of MALFORMED) {
      const s = await a.authenticated(transport);
      const from = s.received.length;
      await s.send(packet);
      await expectSessionEnded(a, s, `${what} over ${transport}`, from);
    }

    const nsp = await a.session(transport);
    await nsp.send(connectPacket({ token: a.offender.token }, NO_SUCH_NAMESPACE));
    const answer = await nsp.waitFor((p) => p.startsWith(`40${NO_SUCH_NAMESPACE},`) || p.startsWith(`44${NO_SUCH_NAMESPACE},`), ctx.timeouts.actionMs);
    ctx.timeline.add('offender', 'in', `CONNECT to ${NO_SUCH_NAMESPACE} over ${transport}: ${summarize(answer ?? nsp.endedBy ?? 'nothing')}`);
    ctx.check(!answer?.startsWith('40'), `a CONNECT to the namespace ${NO_SUCH_NAMESPACE}, which does not exist, was accepted over ${transport}`, {
      expected: `CONNECT_ERROR (44${NO_SUCH_NAMESPACE},{"message":"Invalid namespace"})`,
      received: summarize(answer),
    });
    if (!answer && !nsp.endedBy) ctx.nonStrict(`a CONNECT to a namespace that does not exist was silently ignored over ${transport}`);

    const giant = await a.session(transport);
    await giant.send(connectPacket({ token: 'x'.repeat(Math.round(cap * 0.9)) }));
    const refused = await giant.waitFor((p) => p.startsWith('44') || p === '41' || p.startsWith('42'), ctx.timeouts.actionMs);
    const ended = giant.endedBy ?? (await giant.endsWithin(ctx.timeouts.actionMs));
    ctx.timeline.add('offender', 'in', `CONNECT with a ${Math.round(cap * 0.9)}-character token over ${transport}: ${summarize(refused ?? ended ?? 'nothing')}`);
    ctx.check(refused?.startsWith('44') || ended, `a CONNECT with a ${Math.round(cap * 0.9)}-character token that is no token was not refused over ${transport}`, {
      expected: 'CONNECT_ERROR, or the dialect\'s refusal and a disconnect',
      received: `${summarize(giant.received.slice(-3))}; session ${ended ? `ended (${ended})` : 'still open'}`,
    });
  }

  const over = await a.session('websocket');
  await over.send(connectPacket({ token: a.offender.token, padding: 'x'.repeat(Math.round(cap * 1.2)) }));
  await expectSessionEnded(a, over, `a CONNECT of ${Math.round(cap * 1.2)} bytes (over the declared cap of ${cap})`, 0);

  const binary = await a.authenticated('websocket');
  await binary.send('452-["x",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
  await binary.send(Buffer.from([1, 2, 3]));
  await binary.send('42["x"]');
  await expectSessionEnded(a, binary, 'a BINARY_EVENT announcing 2 attachments, followed by 1 and a text packet', 0);

  // Acks the server never asked for, a reused ack id and an absurd one: the protocol drops unknown acks,
  // so only survival is asked (and the target's answers are recorded).
  const acks = await a.authenticated('websocket');
  const from = acks.received.length;
  for (const packet of ['43999999["x"]', '43[]', eventPacket(a.offender.sendEvent, a.offender.message('gatecheck reused ack id'), 7), eventPacket(a.offender.sendEvent, a.offender.message('gatecheck reused ack id'), 7)]) {
    await acks.send(packet);
  }
  await acks.send(`42${'9'.repeat(400)}${JSON.stringify([a.offender.sendEvent, a.offender.message('gatecheck absurd ack id')])}`);
  const last = await answerTo(a, acks, from, 7);
  ctx.note(`ack abuse (unknown ack ids, a reused one, a 400-digit one): ${describeAnswer(last)}; ${acks.received.length - from} packet(s) came back`);
}
