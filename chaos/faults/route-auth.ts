import { z } from 'zod';
import { BadInputError } from '../../core/errors.ts';
import { defineFault, onAll, pickServers, serverSelector, once } from '../fault.ts';

/** What the servers are given instead of the run's route password (never the real one: it is a fixed word). */
export const WRONG_ROUTE_PASSWORD = 'brownout-wrong-route-password';

// nats-server #7194 / PR #7200: with route pooling, a route refused for bad credentials was created
// again at once, in a loop (v2.10.14 measured at ~1500 route connections a second, v2.15.3 at ~3).
export const routeAuth = defineFault({
  type: 'route-auth',
  description: "make the servers' route password wrong by a config reload (SIGHUP), so their routes are refused; reverting reloads the right one (topology routeAuth)",
  attributes: z.strictObject({ ...serverSelector }),
  async apply(ctx, a) {
    if (!ctx.cluster.topology.routeAuth) {
      throw new BadInputError('route-auth: the topology has no route credentials to break', { problems: ['topology.routeAuth: must be true for the route-auth fault'] });
    }
    const targets = pickServers(ctx, a);
    await onAll(targets, (n) => ctx.cluster.server(n).reloadConfig({ routePassword: WRONG_ROUTE_PASSWORD }));
    return { targets, revert: once(() => onAll(targets, (n) => ctx.cluster.server(n).reloadConfig({}))) };
  },
});
