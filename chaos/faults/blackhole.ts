import { z } from 'zod';
import { defineFault, direction, linkSelector, once } from '../fault.ts';

export const blackhole = defineFault({
  type: 'blackhole',
  description: 'bytes stop, connections stay open (Toxiproxy timeout toxic, timeout 0)',
  attributes: z.strictObject({
    ...linkSelector,
    direction: direction.default('both'),
    toxicity: z.number().min(0).max(1).default(1),
    // `remove` closes the held connections (Toxiproxy's cleanup does), so stock servers recover.
    // `toxicity-zero` lets bytes flow again on the same connections, as when a lost close never
    // arrives: a gateway still waiting for INFO stays stuck unless the server times it out.
    lift: z.enum(['remove', 'toxicity-zero']).default('remove'),
  }),
  async apply(ctx, a) {
    const toxic = await ctx.cluster.links.addToxic({ to: a.to, from: a.from }, { type: 'blackhole', direction: a.direction, toxicity: a.toxicity });
    return {
      targets: toxic.links,
      revert: once(() => (a.lift === 'remove' ? toxic.remove() : toxic.update({ toxicity: 0 }))),
    };
  },
});
