import type { CheckLine } from '../model/doctor.js';
import type { DoctorSession } from './session.js';

/**
 * Declared vs observed connection limit. The doctor opens few connections in a short time, so a limiter
 * that refuses some of them will refuse a suite run's many: with none declared, that is blocking.
 */
export function checkConnectRate(session: DoctorSession): CheckLine[] {
  const declared = session.config.limits.connectsPerSecond;
  const limited = session.refusals.filter((r) => r.rateLimited);
  const made = session.connects;
  if (limited.length === 0) {
    const message = declared > 0
      ? `limits.connectsPerSecond is ${declared}: the doctor's ${made} connections were paced at it and none was refused as rate limited`
      : `no connection limit declared (limits.connectsPerSecond 0) and none of the doctor's ${made} connections was refused as rate limited`;
    return [{ group: 'rate-limit', status: 'ok', message }];
  }
  const accepted = made - session.refusals.length;
  const perMinute = Math.max(0.01, Math.floor((Math.max(1, accepted) / 60) * 100) / 100);
  const said = limited[0].said;
  if (declared > 0) {
    return [{ group: 'rate-limit', status: 'fail', message: `${limited.length} of ${made} connections were refused as rate limited (${said}) although paced at limits.connectsPerSecond ${declared}`, fix: `lower limits.connectsPerSecond (e.g. ${Math.min(perMinute, declared / 2)})` }];
  }
  return [{
    group: 'rate-limit',
    status: 'fail',
    message: `${limited.length} of ${made} connections were refused as rate limited (${said}), and limits.connectsPerSecond is 0 (no limit declared)`,
    fix: `declare the server's connection limit: limits.connectsPerSecond ${perMinute} if it allows ${Math.max(1, accepted)} a minute (Kraken v0.1.2: 10 per IP a minute = 0.16); the run's deadlines then follow the pacing`,
  }];
}
