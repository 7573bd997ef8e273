import type { ScenarioInput } from '../scenario.ts';
import { threeByThree } from './common.ts';

// Route connections between servers of one region reset again and again, so reconnects and
// duplicate resolution run many times; then quiet. Afterwards every pair must hold its full pool
// (upstream PR #8454 / #8527, 2026-08: a slot, or the $SYS route, left unfilled after a reconnect)
// without a reconnect storm. Routes do not cross Toxiproxy, so the fault destroys route sockets in
// the kernel (route-reset: in this host's namespace on local, in each server container's on docker);
// no loss model here.
export const routeFlap = {
  name: 'route-flap',
  description: 'reset every route connection of one lhr server each second for 8 s, then settle: every route pool must be whole again, without a reconnect storm (local and docker backends)',
  topology: threeByThree,
  observer: { vantage: 'iad-1' },
  steps: [
    { name: 'baseline', holdSeconds: 3 },
    { name: 'reset the routes of one lhr server every second', fault: { type: 'route-reset', region: 'lhr', count: 1, everyMs: 1000 }, holdSeconds: 8 },
  ],
  settleSeconds: 12,
  detectors: ['routes.poolComplete', 'routes.maxConnectsPerSecond'],
  thresholds: { routes: { maxConnectsPerSecond: 40, poolComplete: true } },
} satisfies ScenarioInput;
