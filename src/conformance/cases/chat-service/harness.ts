import type { RestCallName } from '../../../config/schema.js';
import type { RestResult } from '../../../rest/client.js';
import type { TestUser } from '../../../auth/users.js';
import type { CaseContext } from '../../context.js';

/** A REST setup call of the target config's `rest` section, as the actor; a failure makes the case errored. */
export async function restCall(ctx: CaseContext, name: RestCallName, actor: TestUser, vars: Record<string, unknown>): Promise<RestResult> {
  ctx.timeline.add(actor.label, 'out', `REST ${name}`, vars);
  const token = await ctx.env.tokens.valid(actor.id);
  const result = await ctx.env.rest.call(name, token, { actorId: actor.id, ...vars });
  ctx.timeline.add(actor.label, 'in', `REST ${name} ${result.status}`, result.body);
  return result;
}

/** A conversation made by the creator with the others in it (direct for one other, else group); its id. */
export async function createConversation(ctx: CaseContext, creator: TestUser, others: TestUser[], type: 'direct' | 'group' = 'group'): Promise<string> {
  const result = await restCall(ctx, 'createConversation', creator, {
    participantIds: others.map((u) => u.id),
    type: others.length === 1 && type === 'direct' ? 'direct' : 'group',
    name: `gatecheck ${creator.id}`,
  });
  return result.id!;
}
