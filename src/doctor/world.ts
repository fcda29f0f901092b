import { krakenWorld } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import type { CheckLine } from '../model/doctor.js';
import type { KrakenWorld } from '../protocol/kraken/world.js';
import { readPath } from '../rest/template.js';
import type { DoctorSession } from './session.js';
import type { DoctorUser } from './tokens.js';

/**
 * Kraken's world: provisioned once through kraken.world.provision (its resultPath must hold a world),
 * or the config's fixed one. Either way every case needs it: a failure is blocking.
 */
export async function checkKrakenWorld(session: DoctorSession): Promise<{ lines: CheckLine[]; world?: KrakenWorld }> {
  const section = session.config.kraken!;
  if ('fixed' in section.world) {
    const world = section.world.fixed;
    return { lines: [{ group: 'world', status: 'ok', message: `fixed world: community ${world.communityId} (its users' tokens are checked below)` }], world };
  }
  const spec = section.world.provision;
  const call = `kraken.world.provision (${spec.method} ${spec.path})`;
  try {
    const result = await session.rest.callSpec(spec, 'kraken.world.provision', undefined, {});
    const found = spec.resultPath ? readPath(result.body, spec.resultPath) : result.body;
    const world = krakenWorld.safeParse(found);
    if (!world.success) {
      const issues = world.error.issues.slice(0, 4).map((i) => `${i.path.join('.') || '(the value)'}: ${i.message}`).join('; ');
      return {
        lines: [{
          group: 'world',
          status: 'fail',
          message: `${call} answered ${result.status}, but ${spec.resultPath ? `its ${spec.resultPath}` : 'its body'} is not a world (${issues})`,
          fix: spec.resultPath ? `check kraken.world.provision.resultPath ("${spec.resultPath}") against the answer` : 'set kraken.world.provision.resultPath to where the world is in the answer',
        }],
      };
    }
    return { lines: [{ group: 'world', status: 'ok', message: `${call} answered ${result.status} with a world (community ${world.data.communityId})` }], world: world.data };
  } catch (err) {
    return { lines: [{ group: 'world', status: 'fail', message: errorMessage(err), fix: 'check kraken.world.provision (method, path) and rest.baseUrl against the server' }] };
  }
}

/** The world's four users, as token checks name them. */
export function worldUsers(world: KrakenWorld): DoctorUser[] {
  return (Object.entries(world.users) as Array<[string, string]>).map(([role, id]) => ({ id, label: `${role} (${id})` }));
}

/** With auth.static, every world user needs a token in the pool. */
export function checkStaticPoolCoversWorld(session: DoctorSession, world: KrakenWorld): CheckLine[] {
  const pool = session.config.auth.static;
  if (!pool) return [];
  const missing = worldUsers(world).filter((u) => !pool.some((t) => t.userId === u.id));
  if (missing.length === 0) return [];
  return [{ group: 'tokens', status: 'fail', message: `auth.static has no token for ${missing.map((u) => u.label).join(', ')}`, fix: 'add { userId, token } to auth.static for every user of kraken.world' }];
}

/** kraken.rest triggers need a message or a notification the cases make: declared, not called here. */
export function krakenRestNotCalled(session: DoctorSession): CheckLine[] {
  const names = Object.keys(session.config.kraken?.rest ?? {});
  if (names.length === 0) return [];
  return [{ group: 'rest', status: 'skip', message: `kraken.rest.${names.join(', kraken.rest.')}: declared, not called by doctor (each acts on a message or user a case creates)` }];
}
