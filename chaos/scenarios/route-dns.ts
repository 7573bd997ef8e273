import type { ScenarioInput } from '../scenario.ts';
import { threeByThree } from './common.ts';

// Upstream PR #8454 and #8527 (2026-08, found by Antithesis) on real servers, no fake peer: a route
// first dialed by gossip (the peer's advertised IP) and then upgraded to the configured route (a
// host name) kept the gossiped URL; once that connection dies alone, its reconnect fails
// routeStillValid and is dropped without a word, and the peer, which never dialed it, does not
// reconnect either: a pool slot (or the $SYS route) stays empty between two live servers.
//
// How it arises here (seed mesh: lhr-2 and lhr-3 list only lhr-1, by its container name): lhr-2's
// DNS lookups are refused and lhr-1's routes reset, so lhr-2 cannot redial lhr-1 by name; lhr-3 can,
// and gossips lhr-1's IP to lhr-2, which dials it there. Names resolve again; lhr-2's configured dial
// lands as a duplicate and upgrades the gossip-dialed connections (the pooled ones through
// upgradeRouteToSolicited, PR #8454; the $SYS route through handleDuplicateRoute, PR #8527). Then the
// lhr-2↔lhr-1 $SYS route is reset alone, and after it one pooled connection every 3 s, the others
// staying up. Before both fixes (v2.12.14) each of those reconnects is dropped; with #8454 only
// (v2.12.15) the $SYS route is; with both (v2.15.3) none. Docker backend only (local routes are IPs
// on both sides, and nothing resolves names).
export const routeDns = {
  name: 'route-dns',
  description: "a DNS outage on lhr-2 while lhr-1's routes are reset (seed route mesh: lhr-2 redials lhr-1 by gossiped IP), then the lhr-2↔lhr-1 $SYS route reset alone and one pooled connection every 3 s: every pool must be whole again (docker backend)",
  topology: { ...threeByThree, routeMesh: 'seed' },
  observer: { vantage: 'iad-1' },
  steps: [
    { name: 'baseline', holdSeconds: 3 },
    {
      name: "lhr-2's DNS refused, lhr-1's routes reset: lhr-2 redials lhr-1 by gossiped IP",
      fault: { type: 'dns-outage', servers: ['lhr-2'], resetRoutesOf: ['lhr-1'], redialWaitMs: 3000 },
      holdSeconds: 1,
    },
    { name: 'names resolve again: the configured dial lands as a duplicate', holdSeconds: 3 },
    {
      name: 'reset the lhr-2↔lhr-1 $SYS route (pinned), alone',
      fault: { type: 'route-reset', servers: ['lhr-2'], peers: ['lhr-1'], routes: 'pinned', pick: 'one', everyMs: 60_000 },
      holdSeconds: 3,
    },
    {
      name: 'reset one pooled lhr-2↔lhr-1 route connection every 3 s',
      fault: { type: 'route-reset', servers: ['lhr-2'], peers: ['lhr-1'], routes: 'pooled', pick: 'one', everyMs: 3000 },
      holdSeconds: 5,
    },
  ],
  settleSeconds: 10,
  detectors: ['routes.poolComplete', 'routes.maxConnectsPerSecond'],
  thresholds: { routes: { maxConnectsPerSecond: 40, poolComplete: true } },
} satisfies ScenarioInput;
