import type { TargetConfig } from '../config/schema.js';
import type { CheckLine } from '../model/doctor.js';
import type { Dialect } from '../protocol/types.js';
import { checkReachability } from './reachability.js';
import { DoctorSession } from './session.js';
import { checkTokens } from './tokens.js';
import { castUsers } from './users.js';

/**
 * The fast part of the doctor that `conform` runs first: every instance answers Socket.IO and accepts
 * one valid token (Kraken: a world's user, from one provisioned world). Environment variables are
 * checked before it, always (checkEnvVars). Answers the lines; a `fail` among them means the target
 * cannot be tested as configured.
 */
export async function runPreflight(config: TargetConfig, dialect: Dialect): Promise<CheckLine[]> {
  const { lines, reachable } = await checkReachability(config);
  if (reachable.length < config.instances.length) return lines;
  const session = new DoctorSession(config, dialect);
  try {
    const cast = await castUsers(session, false);
    if (!cast.users) return [...lines, ...cast.lines];
    return [...lines, ...cast.lines, ...(await checkTokens(session, cast.users, reachable))];
  } finally {
    session.close();
  }
}
