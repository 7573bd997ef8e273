import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { BadInputError } from '../../core/errors.ts';
import { defineFault, pickServers, serverSelector, once } from '../fault.ts';
import { resetRoutesOnce } from './route-reset.ts';

// A name-resolution outage: in the target servers' network namespaces every DNS lookup is refused
// (an iptables REJECT to the container's resolver, 127.0.0.11, written to the run's rule ledger
// like the loss rules), so a route or gateway configured by host name cannot be redialed, while one
// dialed by IP (an address learnt by gossip) still can. Docker and swarm backends: on local every
// route is configured by IP, and there is no resolver to take away.
//
// With `resetRoutesOf`, those servers' route connections are reset (route-reset, one round) right
// after the lookups are refused, so the targets must redial them during the outage: a target that
// is told the peer's IP by gossip dials it there, and when its configured (by name) dial succeeds
// after the outage, upstream's duplicate resolution upgrades the gossip-dialed connections to
// "configured" (nats-server PR #8454, #8527, 2026-08).
export const dnsOutage = defineFault({
  type: 'dns-outage',
  description: "refuse every DNS lookup in the servers' network namespaces (configured route and gateway names stop resolving; IPs still work), optionally resetting the routes of resetRoutesOf right after; docker and swarm backends",
  attributes: z.strictObject({
    ...serverSelector,
    /** Servers whose route connections are reset once, just after the lookups are refused. */
    resetRoutesOf: z.array(z.string()).min(1).optional(),
    /** After that reset, how long before apply() returns, so the redials of the outage have happened when the step's hold starts. */
    redialWaitMs: z.number().int().min(0).max(30_000).default(3000),
  }),
  async apply(ctx, a) {
    const links = ctx.cluster.links;
    if (!links.ipLossAvailable) {
      throw new BadInputError(`dns-outage needs the docker or swarm backend (this cluster runs on ${ctx.cluster.backend}): its servers have no resolver of their own`, { problems: ['type: dns-outage; allowed backends: docker, swarm'] });
    }
    const targets = pickServers(ctx, a);
    const spared = (a.resetRoutesOf ?? []).filter((n) => ctx.protectedServers.has(n));
    if (spared.length) throw new BadInputError('dns-outage: bad resetRoutesOf', { problems: [`resetRoutesOf: ${spared.join(', ')} is the observer's vantage and must be spared`] });
    const outage = await links.refuseNameLookups(targets);
    const revert = once(() => outage.revert());
    let reset: Record<string, number> | undefined;
    try {
      if (a.resetRoutesOf) {
        reset = await resetRoutesOnce(ctx, a.resetRoutesOf);
        ctx.log(`  dns-outage on ${targets.join(', ')}; route sockets reset: ${Object.entries(reset).map(([n, k]) => `${n} ${k}`).join(', ')}`);
        await sleep(a.redialWaitMs);
      }
    } catch (err) {
      await revert().catch(() => undefined);
      throw err;
    }
    return { targets, attributes: { rules: outage.rules, ...(reset ? { routeSocketsReset: reset } : {}) }, revert };
  },
});
