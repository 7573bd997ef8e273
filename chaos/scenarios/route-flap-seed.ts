import type { ScenarioInput } from '../scenario.ts';
import { threeByThree } from './common.ts';

// route-flap on a seed-style route mesh (topology routeMesh: seed): in each region only the first
// server is configured as a route, so the other two find each other by gossip and each route to
// the seed is dialed by one side only. Upstream PR #8454 (2026-08, found by Antithesis): a
// connection first dialed by gossip (the seed's advertised IP) and then upgraded to the configured
// explicit route kept the gossip URL; once reset, its reconnect failed routeStillValid and was
// silently abandoned, and the seed, which never dialed it, did not reconnect either: a pool slot
// stays unfilled between two live servers. Needs configured URLs that differ from the advertised
// ones (docker: container names against IPs; local routes are 127.0.0.1 on both sides). The seed's
// routes are the ones reset: when lhr-3 re-registers the seed first, it gossips the seed's IP to
// lhr-2, which may dial it by gossip before its own configured reconnect lands (the upgrade).
export const routeFlapSeed = {
  name: 'route-flap-seed',
  description: 'route-flap on a seed-style route mesh: reset every route of lhr-1 (the seed) each second for 8 s, then settle: every route pool must be whole again (docker backend: configured route names differ from gossiped IPs)',
  topology: { ...threeByThree, routeMesh: 'seed' },
  observer: { vantage: 'iad-1' },
  steps: [
    { name: 'baseline', holdSeconds: 3 },
    { name: 'reset the routes of lhr-1, the seed, every second', fault: { type: 'route-reset', servers: ['lhr-1'], everyMs: 1000 }, holdSeconds: 8 },
  ],
  settleSeconds: 12,
  detectors: ['routes.poolComplete', 'routes.maxConnectsPerSecond'],
  thresholds: { routes: { maxConnectsPerSecond: 40, poolComplete: true } },
} satisfies ScenarioInput;
