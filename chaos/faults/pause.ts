import { z } from 'zod';
import { defineFault, onAll, pickServers, serverSelector, once } from '../fault.ts';

export const pause = defineFault({
  type: 'pause',
  description: 'freeze the servers (SIGSTOP / docker pause): sockets stay open, nothing answers',
  attributes: z.strictObject({ ...serverSelector }),
  async apply(ctx, a) {
    const targets = pickServers(ctx, a);
    await onAll(targets, (n) => ctx.cluster.server(n).pause());
    return { targets, revert: once(() => onAll(targets, (n) => ctx.cluster.server(n).resume())) };
  },
});
