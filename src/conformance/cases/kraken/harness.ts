import type { Probe, TokenVia } from '../../../client/probe.js';
import { krakenWorld } from '../../../config/schema.js';
import type { KrakenWorld } from '../../../protocol/kraken/world.js';
import { SetupError, type RestResult } from '../../../rest/client.js';
import { readPath } from '../../../rest/template.js';
import type { CaseContext } from '../../context.js';

/** What the Kraken cases need beyond the core context: their world, its users' connections, the REST triggers. */
export class KrakenKit {
  constructor(readonly ctx: CaseContext) {}

  /** The world this case works in: provisioned through REST for this case, or the config's fixed one. */
  async world(): Promise<KrakenWorld> {
    const { ctx } = this;
    const section = ctx.config.kraken;
    if (!section) throw new SetupError('the target config has no kraken section');
    if ('fixed' in section.world) return section.world.fixed;
    const spec = section.world.provision;
    ctx.timeline.add('harness', 'out', 'REST provision world');
    const result = await ctx.env.rest.callSpec(spec, 'kraken.world.provision', undefined, {});
    const world = krakenWorld.safeParse(spec.resultPath ? readPath(result.body, spec.resultPath) : result.body);
    if (!world.success) {
      throw new SetupError(`kraken.world.provision answered something that is not a world: ${world.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    ctx.timeline.add('harness', 'in', 'REST provision world', world.data);
    return world.data;
  }

  /** A Kraken REST trigger (edit, delete, mention...) as that user; undeclared means the case is skipped. */
  async restKraken(name: string, actorUserId: string, vars: Record<string, unknown>): Promise<RestResult> {
    const { ctx } = this;
    const spec = ctx.config.kraken?.rest[name];
    if (!spec) return ctx.skip(`skipped: declare kraken.rest.${name} in the target config`);
    ctx.timeline.add(actorUserId, 'out', `REST ${name}`, vars);
    const token = await ctx.env.tokens.valid(actorUserId);
    const result = await ctx.env.rest.callSpec(spec, `kraken.rest.${name}`, token, { actorId: actorUserId, ...vars });
    ctx.timeline.add(actorUserId, 'in', `REST ${name} ${result.status}`, result.body);
    return result;
  }

  /** Opens a probe for a known user id (a world's user) with a valid token; ready as the dialect says. */
  connectAs(userId: string, opts: { instance?: number; label?: string; via?: TokenVia } = {}): Promise<Probe> {
    return this.ctx.connect({ id: userId, label: opts.label ?? userId }, { instance: opts.instance, via: opts.via });
  }
}

export type KrakenContext = KrakenKit;

export function kraken(ctx: CaseContext): KrakenKit {
  return new KrakenKit(ctx);
}

/** True when the target config declares the Kraken REST call of that name. */
export function hasKrakenRest(ctx: CaseContext, name: string): boolean {
  return Boolean(ctx.config.kraken?.rest?.[name]);
}
