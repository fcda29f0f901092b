import { errorMessage } from '../errors.js';
import { log } from '../log.js';
import { CaseContext, type RoundTrip, type RunEnvironment } from './context.js';

/**
 * Which round trip does the target answer? Asked once, before any case, on a connection of its own:
 * the dialect's ping if it has one and the target answers it, else a CONNECT to a namespace the
 * server does not have (any Socket.IO server answers it), else none. Barriers then know whether a
 * round trip proves the observers are caught up, or whether they must rely on a longer grace window
 * alone. Any trouble here means "none" (the cases will say what is wrong).
 */
export async function detectRoundTrip(env: Omit<RunEnvironment, 'roundTrip'>): Promise<RoundTrip> {
  const ctx = new CaseContext({ ...env, roundTrip: 'none' });
  const timeoutMs = Math.min(1000, env.config.timeouts.actionMs);
  try {
    const [user] = await ctx.users(1);
    const probe = await ctx.connect(user);
    const roundTrip: RoundTrip = env.dialect.ping && (await probe.roundTrip(timeoutMs)) ? 'ping' : (await probe.namespaceRoundTrip(timeoutMs)) ? 'namespace' : 'none';
    log().debug({ roundTrip }, 'round-trip capability');
    return roundTrip;
  } catch (err) {
    log().debug({ err: errorMessage(err) }, 'round-trip capability: could not ask, assuming none');
    return 'none';
  } finally {
    await ctx.cleanup();
  }
}
