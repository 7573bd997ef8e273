import type { ScenarioInput } from '../scenario.ts';
import { threeByThree } from './common.ts';

// nats-server #7194 / PR #7200 (merged 2025-08-23): v2.10.14 and v2.11.8 loop; v2.11.15, v2.12.1 and
// later carry the fix (the module proxy serves no v2.11.9..v2.11.14 nor v2.12.0). With
// route pooling, a route refused for bad credentials is created again at once, in a tight loop
// (one server's log: 812..1476 `Route connection created` a second on v2.10.14, at most 16 on v2.15.3,
// the pool coming back after the fix). One
// server of lhr gets a wrong route password by a config reload, holds it, then gets the right one
// back; its pool must be whole again at the end. The vantage (iad-1) is never touched.
export const routeAuth = {
  name: 'route-auth',
  description: "make one server's route credentials wrong by a config reload, hold, then fix them: a reconnect loop fails the run",
  topology: { ...threeByThree, routeAuth: true },
  observer: { vantage: 'iad-1' },
  steps: [
    { name: 'baseline', holdSeconds: 3 },
    { name: 'wrong route password on one lhr server', fault: { type: 'route-auth', region: 'lhr', count: 1 }, holdSeconds: 6 },
  ],
  settleSeconds: 10,
  detectors: ['routes.maxConnectsPerSecond', 'routes.poolComplete'],
  thresholds: { routes: { maxConnectsPerSecond: 40, poolComplete: true } },
} satisfies ScenarioInput;
