import type { TargetConfig } from '../config/schema.js';
import type { TargetSummary } from '../model/conformance.js';
import { doctorReport, type CheckLine, type DoctorReport } from '../model/doctor.js';
import type { Dialect } from '../protocol/types.js';
import { checkEnvVars } from './env-vars.js';
import { checkEvents } from './events.js';
import { checkConnectRate } from './rate-limit.js';
import { checkReachability } from './reachability.js';
import { checkRedis } from './redis.js';
import { checkChatRest } from './rest.js';
import { DoctorSession } from './session.js';
import { checkTokens } from './tokens.js';
import { castUsers, restUsers } from './users.js';
import { krakenRestNotCalled } from './world.js';

/**
 * Every doctor check, in the order a problem blocks the next: environment, reachability, world and
 * tokens, REST, Redis bookkeeping, connection limit, events.
 */
export async function runDoctor(config: TargetConfig, dialect: Dialect, target: TargetSummary): Promise<DoctorReport> {
  const started = performance.now();
  const checks: CheckLine[] = [...checkEnvVars(config)];
  const { lines, reachable } = await checkReachability(config);
  checks.push(...lines);
  const session = new DoctorSession(config, dialect);
  try {
    const cast = await castUsers(session, true);
    checks.push(...cast.lines);
    if (cast.users && reachable.length) checks.push(...(await checkTokens(session, cast.users, reachable)));
    else if (cast.users) checks.push({ group: 'tokens', status: 'skip', message: 'tokens not checked: no instance answers' });
    const live = session.live.find((s) => s.instance === 0) ?? session.live[0];
    if (config.dialect === 'chat-service') {
      if (cast.users) checks.push(...(await checkChatRest(session, restUsers(session))));
    } else checks.push(...krakenRestNotCalled(session));
    checks.push(...(await checkRedis(session, live)));
    if (session.connects > 0) checks.push(...checkConnectRate(session));
    checks.push(...(await checkEvents(session, live)));
  } finally {
    session.close();
  }
  return doctorReport(dialect.name, target, checks, Math.round(performance.now() - started));
}
