import { z } from 'zod';
import { defineFault, linkSelector, once } from '../fault.ts';

export const partition = defineFault({
  type: 'partition',
  description: 'cut a region off (or the selected links): proxies disabled, connections closed',
  attributes: z.strictObject({ region: z.string().optional(), ...linkSelector }),
  async apply(ctx, a) {
    const links = ctx.cluster.links;
    if (a.region !== undefined) {
      const targets = links.list({ to: a.region }).map((l) => l.name);
      const cut = await links.partition(a.region);
      return { targets, revert: once(() => cut.revert()) };
    }
    const sel = { to: a.to, from: a.from };
    const targets = links.list(sel).map((l) => l.name);
    await links.disable(sel);
    return { targets, revert: once(() => links.enable(sel)) };
  },
});
