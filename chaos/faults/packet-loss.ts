import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { defineFault, linkSelector, once } from '../fault.ts';
import type { Revertible } from '../../clusters/index.ts';

// Toxiproxy draws a toxic's toxicity once per connection, not per packet. A lossy link is therefore
// a blackhole on a random share of connections plus link flaps, so that new gateway handshakes keep
// happening under loss. The heal sets toxicity to 0 rather than removing the toxic: a connection
// that lost its handshake bytes then carries data again but nobody resends INFO, as when the close
// that would have reset it was lost too (DESIGN, stuck gateway, way (a)).
export const packetLoss = defineFault({
  type: 'packet-loss',
  description: 'lossy links: a share of connections blackholed, links flapped so handshakes run under loss',
  attributes: z.strictObject({
    ...linkSelector,
    /** Share of connections (each direction drawn apart) whose bytes are dropped. */
    probability: z.number().gt(0).max(1),
    flapEverySeconds: z.number().min(1).default(5),
    flapDownMs: z.number().int().min(50).default(500),
    /** Also drop this share of IP packets with iptables (docker backend only). */
    ipLoss: z.number().gt(0).max(1).optional(),
  }),
  async apply(ctx, a) {
    const links = ctx.cluster.links;
    const sel = { to: a.to, from: a.from };
    const toxic = await links.addToxic(sel, { type: 'blackhole', direction: 'both', toxicity: a.probability });
    const ip: Revertible | undefined = a.ipLoss !== undefined ? await links.packetLoss(sel, a.ipLoss) : undefined;
    const stop = new AbortController();
    const flapping = (async () => {
      while (!stop.signal.aborted) {
        // ±20% jitter from the run's seed, so flaps do not line up with the servers' own timers.
        const wait = a.flapEverySeconds * 1000 * (0.8 + 0.4 * ctx.rng.next());
        try {
          await sleep(wait, undefined, { signal: stop.signal });
        } catch {
          return;
        }
        await links.disable(sel);
        await sleep(a.flapDownMs);
        await links.enable(sel);
      }
    })();
    return {
      targets: toxic.links,
      revert: once(async () => {
        stop.abort();
        await flapping;
        await links.enable(sel);
        await ip?.revert();
        await toxic.update({ toxicity: 0 });
      }),
    };
  },
});
