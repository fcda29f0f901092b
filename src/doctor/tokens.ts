import { describeRefusal, refusalFix } from '../client/refusal.js';
import { resolveSecret } from '../config/load.js';
import type { CheckLine } from '../model/doctor.js';
import type { DoctorSession } from './session.js';

export interface DoctorUser {
  id: string;
  /** How the line names it: a world role, "a minted user", a pool entry. */
  label: string;
}

/**
 * A token for each user must be accepted on every reachable instance (chat-service: `connected`
 * arrives; Kraken: the socket connects and is not refused). A refusal says what came back and the
 * config change that most likely fixes it. The accepted sockets stay open for the later checks.
 */
export async function checkTokens(session: DoctorSession, users: DoctorUser[], instances: number[]): Promise<CheckLine[]> {
  const { config } = session;
  const lines: CheckLine[] = [];
  // Refusals alike (same instance, same answer, same fix) share a line: four world users refused for one wrong secret is one finding.
  const refusals = new Map<string, { labels: string[]; url: string; said: string; fix: string }>();
  for (const user of users) {
    const attempts = await Promise.all(instances.map(async (i) => ({ i, attempt: await session.connect(user.id, i) })));
    const refused = attempts.filter(({ attempt }) => !attempt.ok);
    if (refused.length === 0) {
      const ms = Math.max(...attempts.map(({ attempt }) => (attempt.ok ? attempt.ms : 0)));
      const where = instances.length === 1 ? config.instances[instances[0]].url : `every instance (${instances.length})`;
      lines.push({ group: 'tokens', status: 'ok', message: `a token for ${user.label} is accepted on ${where}${config.dialect === 'chat-service' ? ` (connected in ${ms} ms)` : ''}` });
      continue;
    }
    for (const { i, attempt } of refused) {
      if (attempt.ok) continue;
      const url = config.instances[i].url;
      if (!attempt.refusal) {
        lines.push({ group: 'tokens', status: 'fail', message: `a connection for ${user.label} to ${url} failed: ${attempt.problem}` });
        continue;
      }
      if (attempt.refusal.via === 'silence') {
        // No refusal either: a server without the ready event can be tested, and its cases will say so.
        const ready = session.dialect.readyEvent ?? 'ready';
        lines.push({ group: 'tokens', status: 'warn', message: `${user.label} on ${url}: ${attempt.refusal.said}`, fix: `if the server names it otherwise, map it: events: { ${ready}: NAME }; the cases that wait for it will fail` });
        continue;
      }
      const said = describeRefusal(attempt.refusal);
      const fix = staticTokenExpiry(session, user.id) ?? refusalFix(attempt.refusal, config);
      const key = [url, fix, said.replace(/"timestamp":"[^"]*"/g, '')].join('\n');
      const alike = refusals.get(key) ?? { labels: [], url, said, fix };
      alike.labels.push(user.label);
      refusals.set(key, alike);
    }
  }
  for (const { labels, url, said, fix } of refusals.values()) {
    const whose = labels.length === 1 ? `the token for ${labels[0]} was` : `the tokens for ${labels.join(', ')} were`;
    lines.push({ group: 'tokens', status: 'fail', message: `${whose} refused on ${url}: ${said}`, fix });
  }
  return lines;
}

/** For a static token that is a JWT past its `exp`: the fix says so. */
function staticTokenExpiry(session: DoctorSession, userId: string): string | undefined {
  const index = session.config.auth.static?.findIndex((t) => t.userId === userId) ?? -1;
  if (index < 0) return undefined;
  try {
    const token = resolveSecret(session.config.auth.static![index].token, `auth.static[${index}].token`);
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    if (typeof payload.exp !== 'number' || payload.exp * 1000 > Date.now()) return undefined;
    return `auth.static[${index}].token expired at ${new Date(payload.exp * 1000).toISOString()}: issue a new one`;
  } catch {
    return undefined;
  }
}
