import { z } from 'zod';
import { defineFault, onAll, pickServers, serverSelector, once } from '../fault.ts';

export const upgrade = defineFault({
  type: 'upgrade',
  description: 'restart the servers in place on another variant; reverting puts the old one back',
  attributes: z.strictObject({ ...serverSelector, variant: z.string().min(1) }),
  async apply(ctx, a) {
    const targets = pickServers(ctx, a);
    const before = new Map(targets.map((n) => [n, ctx.cluster.server(n).variant]));
    await onAll(targets, (n) => ctx.cluster.server(n).replaceVariant(a.variant));
    return { targets, revert: once(() => onAll(targets, (n) => ctx.cluster.server(n).replaceVariant(before.get(n)!))) };
  },
});
