import { z } from 'zod';
import { defineFault, onAll, pickServers, serverSelector } from '../fault.ts';

export const restart = defineFault({
  type: 'restart',
  description: 'restart the servers in place, all at once (same names, new server IDs)',
  attributes: z.strictObject({ ...serverSelector }),
  async apply(ctx, a) {
    const targets = pickServers(ctx, a);
    await onAll(targets, (n) => ctx.cluster.server(n).restart());
    // Nothing to undo: the servers are back, with new IDs; that is the fault.
    return { targets, revert: async () => {} };
  },
});
