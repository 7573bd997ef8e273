import { z } from 'zod';
import { defineFault, direction, linkSelector, once } from '../fault.ts';

export const bandwidth = defineFault({
  type: 'bandwidth',
  description: 'cap the links at rateKBps (Toxiproxy bandwidth toxic)',
  attributes: z.strictObject({ ...linkSelector, rateKBps: z.number().int().min(1), direction: direction.default('both') }),
  async apply(ctx, a) {
    const toxic = await ctx.cluster.links.addToxic({ to: a.to, from: a.from }, { type: 'bandwidth', rateKBps: a.rateKBps, direction: a.direction });
    return { targets: toxic.links, revert: once(() => toxic.remove()) };
  },
});
