import { z } from 'zod';
import { defineFault, direction, linkSelector, once } from '../fault.ts';

export const reset = defineFault({
  type: 'reset',
  description: 'reset connections (TCP RST) after afterMs (Toxiproxy reset_peer toxic)',
  attributes: z.strictObject({ ...linkSelector, afterMs: z.number().int().min(0).default(0), direction: direction.default('both'), toxicity: z.number().min(0).max(1).default(1) }),
  async apply(ctx, a) {
    const toxic = await ctx.cluster.links.addToxic({ to: a.to, from: a.from }, { type: 'reset_peer', timeoutMs: a.afterMs, direction: a.direction, toxicity: a.toxicity });
    return { targets: toxic.links, revert: once(() => toxic.remove()) };
  },
});
