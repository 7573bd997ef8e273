import { z } from 'zod';
import { defineFault, onAll, pickServers, serverSelector, once } from '../fault.ts';

export const kill = defineFault({
  type: 'kill',
  description: 'kill -9 the servers; reverting starts them again (new server IDs)',
  attributes: z.strictObject({ ...serverSelector }),
  async apply(ctx, a) {
    const targets = pickServers(ctx, a);
    await onAll(targets, (n) => ctx.cluster.server(n).kill());
    return { targets, revert: once(() => onAll(targets, (n) => ctx.cluster.server(n).start())) };
  },
});
