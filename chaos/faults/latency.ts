import { z } from 'zod';
import { defineFault, direction, linkSelector, once } from '../fault.ts';

export const latency = defineFault({
  type: 'latency',
  description: 'delay every byte on the links by latencyMs ± jitterMs (Toxiproxy latency toxic)',
  attributes: z.strictObject({ ...linkSelector, latencyMs: z.number().int().min(1), jitterMs: z.number().int().min(0).default(0), direction: direction.default('both') }),
  async apply(ctx, a) {
    const toxic = await ctx.cluster.links.addToxic({ to: a.to, from: a.from }, { type: 'latency', latencyMs: a.latencyMs, jitterMs: a.jitterMs, direction: a.direction });
    return { targets: toxic.links, revert: once(() => toxic.remove()) };
  },
});
