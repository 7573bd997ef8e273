import { z } from 'zod';
import { defineFault, onAll, pickServers, serverSelector, once } from '../fault.ts';

export const upgrade = defineFault({
  type: 'upgrade',
  description: 'restart the servers in place on another variant; reverting puts the old one back (unless keep)',
  attributes: z.strictObject({
    ...serverSelector,
    variant: z.string().min(1),
    // A rollout keeps what it moved: it moves servers back only by rolling back, itself an upgrade.
    keep: z.boolean().optional(),
  }),
  async apply(ctx, a) {
    const targets = pickServers(ctx, a);
    const before = new Map(targets.map((n) => [n, ctx.cluster.server(n).variant]));
    if (ctx.mover) await ctx.mover.move(targets, a.variant);
    else await onAll(targets, (n) => ctx.cluster.server(n).replaceVariant(a.variant));
    const back = a.keep ? async () => {} : once(() => onAll(targets, (n) => ctx.cluster.server(n).replaceVariant(before.get(n)!)));
    return { targets, revert: back };
  },
});
