import { errorMessage } from '../errors.js';
import { log } from '../log.js';
import { CaseContext, type RunEnvironment } from './context.js';

/**
 * Does the target answer the dialect's ping? Asked once, before any case, on a connection of its own:
 * barriers then know whether a round trip proves the observers are caught up, or whether they must rely
 * on a longer grace window alone. Any trouble here means "no" (the cases will say what is wrong).
 */
export async function detectPingAnswers(env: Omit<RunEnvironment, 'pingAnswers'>): Promise<boolean> {
  if (!env.dialect.ping) return false;
  const ctx = new CaseContext({ ...env, pingAnswers: false });
  try {
    const [user] = await ctx.users(1);
    const probe = await ctx.connect(user);
    const answers = await probe.roundTrip(Math.min(1000, env.config.timeouts.actionMs));
    log().debug({ answers }, 'ping capability');
    return answers;
  } catch (err) {
    log().debug({ err: errorMessage(err) }, 'ping capability: could not ask, assuming no ping');
    return false;
  } finally {
    await ctx.cleanup();
  }
}
