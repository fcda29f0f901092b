import type { TargetConfig } from '../config/schema.js';
import type { CheckLine } from '../model/doctor.js';
import type { Dialect } from '../protocol/types.js';
import { DoctorSession } from './session.js';
import { checkTokens } from './tokens.js';
import { castUsers } from './users.js';

/**
 * The fast part of the doctor that `conform` runs first, once every instance answered Socket.IO
 * (assertReachable) and every environment variable is set (checkEnvVars): every instance accepts one
 * valid token (Kraken: a user of one provisioned world). Answers the lines; a `fail` among them means
 * the target cannot be tested as configured.
 */
export async function runPreflight(config: TargetConfig, dialect: Dialect): Promise<CheckLine[]> {
  const session = new DoctorSession(config, dialect);
  try {
    const cast = await castUsers(session, false);
    if (!cast.users) return cast.lines;
    return [...cast.lines, ...(await checkTokens(session, cast.users, config.instances.map((_, i) => i)))];
  } finally {
    session.close();
  }
}
