import { io } from 'socket.io-client';
import type { TargetConfig } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import { log } from '../log.js';
import { namespaceAnswered } from '../client/namespace-answer.js';
import { CaseContext, type RoundTrip, type RunEnvironment } from './context.js';

/**
 * Which round trip does the target answer? Asked once, before any case: the dialect's ping if it has
 * one and the target answers it, else a CONNECT to a namespace the server does not have (any Socket.IO
 * server answers it), else none. Barriers then know whether a round trip proves the observers are
 * caught up, or whether they must rely on a longer grace window alone. Any trouble here means "none"
 * (the cases will say what is wrong).
 */
export async function detectRoundTrip(env: Omit<RunEnvironment, 'roundTrip'>): Promise<RoundTrip> {
  const timeoutMs = Math.min(1000, env.config.timeouts.actionMs);
  const roundTrip: RoundTrip = env.dialect.ping && (await answersPing(env, timeoutMs)) ? 'ping' : (await answersUnknownNamespace(env.config, timeoutMs)) ? 'namespace' : 'none';
  log().debug({ roundTrip }, 'round-trip capability');
  return roundTrip;
}

/** The dialect's ping, on a connection of a user of its own. */
async function answersPing(env: Omit<RunEnvironment, 'roundTrip'>, timeoutMs: number): Promise<boolean> {
  const ctx = new CaseContext({ ...env, roundTrip: 'none' });
  try {
    const [user] = await ctx.users(1);
    const probe = await ctx.connect(user);
    return await probe.roundTrip(timeoutMs);
  } catch (err) {
    log().debug({ err: errorMessage(err) }, 'ping capability: could not ask, assuming no ping');
    return false;
  } finally {
    await ctx.cleanup();
  }
}

/**
 * A CONNECT to a namespace the server does not have, on a connection of its own with no token: the
 * server answers it (CONNECT_ERROR, or CONNECT where any namespace is accepted) before any of its
 * authentication, which a user of no world (Kraken) would fail. An error before the transport opened
 * is no answer.
 */
function answersUnknownNamespace(config: TargetConfig, timeoutMs: number): Promise<boolean> {
  const socket = io(`${config.instances[0].url.replace(/\/+$/, '')}/gatecheck-barrier`, { path: config.socketPath, transports: config.transports, forceNew: true, reconnection: false, timeout: timeoutMs });
  let opened = false;
  socket.io.on('open', () => void (opened = true));
  return namespaceAnswered(socket, timeoutMs, () => opened);
}
