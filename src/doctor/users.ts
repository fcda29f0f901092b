import { errorMessage } from '../errors.js';
import type { CheckLine } from '../model/doctor.js';
import type { KrakenWorld } from '../protocol/kraken/world.js';
import type { DoctorSession } from './session.js';
import type { DoctorUser } from './tokens.js';
import { checkKrakenWorld, checkStaticPoolCoversWorld, worldUsers } from './world.js';

export interface Cast {
  lines: CheckLine[];
  /** Whose tokens are checked (undefined: tokens cannot be checked, a line says why). */
  users?: DoctorUser[];
  world?: KrakenWorld;
}

/**
 * The users the doctor connects as: the static pool, or a fresh user gatecheck mints (or gets from
 * auth.command); for Kraken, the world's four users. `all` false: only the first (conform's preflight).
 */
export async function castUsers(session: DoctorSession, all: boolean): Promise<Cast> {
  try {
    void session.tokens;
  } catch (err) {
    return { lines: [{ group: 'tokens', status: 'skip', message: `tokens not checked: ${errorMessage(err)}` }] };
  }
  const { config } = session;
  if (config.dialect === 'kraken') {
    const { lines, world } = await checkKrakenWorld(session);
    if (!world) return { lines: [...lines, { group: 'tokens', status: 'skip', message: 'tokens not checked: they are checked for the world\'s users, and there is no world' }] };
    const users = worldUsers(world);
    return { lines: [...lines, ...checkStaticPoolCoversWorld(session, world)], users: all ? users : users.slice(0, 1), world };
  }
  const pool = config.auth.static;
  if (pool) {
    const users = pool.map((t, i) => ({ id: t.userId, label: `auth.static[${i}] (${t.userId})` }));
    return { lines: [], users: all ? users : users.slice(0, 1) };
  }
  const id = session.freshUser();
  return { lines: [], users: [{ id, label: `${config.auth.mint ? 'a minted user' : 'a user from auth.command'} (${id})` }] };
}

/** Three users for the REST checks: fresh ones, or the first of the static pool. */
export function restUsers(session: DoctorSession): string[] {
  const pool = session.config.auth.static;
  if (pool) return pool.slice(0, 3).map((t) => t.userId);
  return [session.freshUser(), session.freshUser(), session.freshUser()];
}
