import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { ConfigError, TargetError } from '../errors.js';
import { resolveSecret } from '../config/load.js';
import type { TargetConfig } from '../config/schema.js';
import { secrets } from '../secrets/redactor.js';

/** Where valid tokens come from, plus the deliberately bad ones the auth cases need. */
export interface TokenSource {
  kind: 'mint' | 'command' | 'static';
  /** Fixed users (static pool) or undefined when any user id can get a token. */
  fixedUsers?: string[];
  valid(userId: string): Promise<string>;
  /** Only minting can make a token that is valid but expired. */
  expired?(userId: string): Promise<string>;
  /** A valid token whose `exp` claim is `exp` (epoch seconds): one that expires mid-session. Minting only, like `expired`. */
  expiringAt?(userId: string, exp: number): Promise<string>;
  wrongSignature(userId: string): Promise<string>;
  algNone(userId: string): Promise<string>;
  /** Every token this source handed out, so reports can redact them. */
  issued: Set<string>;
}

const b64url = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

function algNoneFrom(token: string): string {
  const [, payload] = token.split('.');
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.`;
}

function tamperSignature(token: string): string {
  const [h, p, sig = ''] = token.split('.');
  const flipped = Buffer.from(sig, 'base64url');
  if (flipped.length === 0) return `${h}.${p}.${b64url('forged')}`;
  flipped[0] ^= 0xff;
  return `${h}.${p}.${flipped.toString('base64url')}`;
}

export function createTokenSource(config: TargetConfig): TokenSource {
  const issued = new Set<string>();
  const remember = (t: string) => (issued.add(t), secrets.add(t), t);
  const { auth } = config;

  if (auth.mint) {
    const m = auth.mint;
    const key = new TextEncoder().encode(resolveSecret(m.secret, 'auth.mint.secret'));
    const wrongKey = new TextEncoder().encode(randomBytes(32).toString('hex'));
    const now = () => Math.floor(Date.now() / 1000);
    /** Signed with `exp` (epoch seconds); issued a minute before the earlier of now and exp. */
    const signUntil = (userId: string, k: Uint8Array, exp: number) =>
      new SignJWT({ ...m.claims, [m.userIdClaim]: userId })
        .setProtectedHeader({ alg: m.algorithm, typ: 'JWT' })
        .setIssuedAt(Math.min(now(), exp) - 60)
        .setExpirationTime(exp)
        .sign(k)
        .then(remember);
    const sign = (userId: string, k: Uint8Array, expSecondsFromNow: number) => signUntil(userId, k, now() + expSecondsFromNow);
    return {
      kind: 'mint',
      issued,
      valid: (u) => sign(u, key, m.expiresInSeconds),
      expired: (u) => sign(u, key, -3600),
      expiringAt: (u, exp) => signUntil(u, key, exp),
      wrongSignature: (u) => sign(u, wrongKey, m.expiresInSeconds),
      algNone: async (u) => remember(algNoneFrom(await sign(u, key, m.expiresInSeconds))),
    };
  }

  if (auth.command) {
    const command = auth.command;
    const valid = (userId: string) =>
      new Promise<string>((resolve, reject) => {
        if (!/^[\w.@-]+$/.test(userId)) return reject(new ConfigError(`user id ${userId} is not safe to pass to auth.command`));
        execFile('/bin/sh', ['-c', command.replaceAll('{{userId}}', userId)], { timeout: 10_000 }, (err, stdout) => {
          if (err) return reject(new TargetError(`auth.command failed for user ${userId}: ${err.message.split('\n')[0]}`));
          const token = stdout.trim();
          if (!token) return reject(new TargetError(`auth.command printed no token for user ${userId}`));
          resolve(remember(token));
        });
      });
    return {
      kind: 'command',
      issued,
      valid,
      wrongSignature: async (u) => remember(tamperSignature(await valid(u))),
      algNone: async (u) => remember(algNoneFrom(await valid(u))),
    };
  }

  const pool = auth.static!.map((e, i) => ({ userId: e.userId, token: remember(resolveSecret(e.token, `auth.static[${i}].token`)) }));
  const lookup = async (userId: string) => {
    const hit = pool.find((e) => e.userId === userId);
    if (!hit) throw new ConfigError(`no static token for user ${userId}`);
    return hit.token;
  };
  return {
    kind: 'static',
    issued,
    fixedUsers: pool.map((e) => e.userId),
    valid: lookup,
    wrongSignature: async (u) => remember(tamperSignature(await lookup(u))),
    algNone: async (u) => remember(algNoneFrom(await lookup(u))),
  };
}

export const MALFORMED_TOKEN = 'not-a-jwt.%%%.garbage';
