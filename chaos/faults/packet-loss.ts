import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { BadInputError } from '../../core/errors.ts';
import { defineFault, linkSelector, onAll, once, type AppliedFault, type FaultContext } from '../fault.ts';
import type { Revertible } from '../../clusters/index.ts';

export const PACKET_LOSS_MODELS = ['ip-loss', 'toxiproxy-blackhole'] as const;
export type PacketLossModel = (typeof PACKET_LOSS_MODELS)[number];

const attributes = z.strictObject({
  ...linkSelector,
  /** ip-loss: share of IP packets dropped, each way. toxiproxy-blackhole: share of connections blackholed. */
  probability: z.number().gt(0).max(1),
  /** Default: ip-loss on the docker and swarm backends, toxiproxy-blackhole elsewhere. */
  model: z.enum(PACKET_LOSS_MODELS).optional(),
  /** toxiproxy-blackhole: links flapped this often, so new handshakes run under loss. */
  flapEverySeconds: z.number().min(1).default(5),
  flapDownMs: z.number().int().min(50).default(500),
  /** ip-loss: restart the servers behind the loss (the `to` servers) while their packets are all dropped. */
  restartRemote: z.boolean().default(true),
  /** ip-loss: how long those servers stall (paused: their kernel completes TCP handshakes, nothing sends INFO) before the restart. */
  stallSeconds: z.number().min(0).max(60).default(8),
  /**
   * ip-loss: the restarted servers drop TCP packets of connections they do not know instead of
   * answering RST (a stateful firewall). Off, their kernel resets the connections their old peers
   * still hold at the first keepalive probe after the heal (Toxiproxy's: Go's 15 s default).
   */
  firewallRestarted: z.boolean().default(true),
});
type Attributes = z.output<typeof attributes>;

/** The model a run uses: forced by `model`, else the backend's (pure). */
export function packetLossModel(backend: string, forced?: PacketLossModel): PacketLossModel {
  return forced ?? (backend === 'docker' || backend === 'swarm' ? 'ip-loss' : 'toxiproxy-blackhole');
}

// Two models of a lossy link, named in the timeline's fault record (`model`):
// - ip-loss (docker): iptables `statistic` drops IP packets between the source regions' Toxiproxy
//   and the destination servers, in the proxies' namespaces. The stuck gateway then arises the way
//   upstream's fix (nats-server PR #5356) describes it: the remote stalls, so outbound gateways
//   dialing it complete TCP but get no INFO; it is restarted while every packet between it and the
//   proxies is dropped, its FIN and RST included, and comes back behind a stateful firewall (TCP
//   packets of unknown connections dropped, not answered with RST). Its old TCP state is gone and
//   nothing answers for it, so nobody closes those outbound connections: nats-server dials gateways
//   with TCP keepalive off, and Toxiproxy's own keepalive (Go's default: 15 s idle, 9 probes 15 s
//   apart) gives up only after ~150 s. Without the firewall the restarted kernel resets them at
//   Toxiproxy's first probe after the heal (`firewallRestarted: false`).
// - toxiproxy-blackhole (local): Toxiproxy draws a toxic's toxicity once per connection, not per
//   packet, so a lossy link is a blackhole on a random share of connections plus link flaps, so that
//   new gateway handshakes keep happening under loss. The heal sets toxicity to 0 rather than
//   removing the toxic: a connection that lost its handshake bytes then carries data again but nobody
//   resends INFO, as when the close that would have reset it was lost too (docs/ARCHITECTURE.md,
//   facts: the stuck gateway, way (a); the scenario's gateway authorization timeout stands for the
//   remote's lost close).
export const packetLoss = defineFault({
  type: 'packet-loss',
  description: 'lossy links: real IP packet loss with the remote restarted behind it (docker), or Toxiproxy blackholes on a share of connections with link flaps (local)',
  attributes,
  async apply(ctx, a) {
    const model = packetLossModel(ctx.cluster.backend, a.model);
    if (model === 'ip-loss') return applyIpLoss(ctx, a);
    return applyBlackhole(ctx, a);
  },
});

/**
 * After a flap the servers notice the closed connections and redial (nats-server waits about 1 s
 * before a gateway redial); a heal sooner than this after the flap would let those redials run on
 * healed links, and the loss would have left nothing behind.
 */
export const REDIAL_AFTER_FLAP_MS = 2500;

/** How long a heal waits so that the last flap's redials ran under loss (pure). */
export function healWaitMs(lastFlapEndedAt: number | null, now: number, redialMs = REDIAL_AFTER_FLAP_MS): number {
  return lastFlapEndedAt === null ? 0 : Math.max(0, lastFlapEndedAt + redialMs - now);
}

async function applyBlackhole(ctx: FaultContext, a: Attributes): Promise<AppliedFault> {
  const links = ctx.cluster.links;
  const sel = { to: a.to, from: a.from };
  const toxic = await links.addToxic(sel, { type: 'blackhole', direction: 'both', toxicity: a.probability });
  const stop = new AbortController();
  let lastFlapEndedAt: number | null = null;
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
      lastFlapEndedAt = Date.now();
    }
  })();
  return {
    targets: toxic.links,
    // ip-loss attributes do not apply here; left out of the record.
    attributes: { model: 'toxiproxy-blackhole', connectionShare: a.probability, redialAfterFlapMs: REDIAL_AFTER_FLAP_MS, restartRemote: undefined, stallSeconds: undefined, firewallRestarted: undefined },
    revert: once(async () => {
      stop.abort();
      await flapping;
      await links.enable(sel);
      // A flap just before the heal: its redials must meet the loss, or the heal undoes nothing.
      const wait = healWaitMs(lastFlapEndedAt, Date.now());
      if (wait > 0) {
        ctx.log(`  heal waits ${(wait / 1000).toFixed(1)} s: the last flap ended ${((REDIAL_AFTER_FLAP_MS - wait) / 1000).toFixed(1)} s ago and its redials run under loss`);
        await sleep(wait);
      }
      await toxic.update({ toxicity: 0 });
    }),
  };
}

async function applyIpLoss(ctx: FaultContext, a: Attributes): Promise<AppliedFault> {
  const links = ctx.cluster.links;
  if (!links.ipLossAvailable) {
    throw new BadInputError(`packet-loss model ip-loss needs the docker or swarm backend (this cluster runs on ${ctx.cluster.backend})`, { problems: ['model: toxiproxy-blackhole on this backend'] });
  }
  const sel = { to: a.to, from: a.from };
  const targets = links.list(sel).map((l) => l.name);
  const handles: Revertible[] = [];
  const revert = once(async () => {
    for (const h of handles.splice(0).reverse()) await h.revert();
  });
  const startedAt = Date.now();
  try {
    const loss = await links.packetLoss(sel, a.probability, { at: 'proxy' });
    handles.push(loss);
    ctx.log(`  ip-loss ${a.probability} on ${targets.length} link(s): ${loss.rules.length} iptables rule(s) in ${new Set(loss.rules.map((r) => r.namespace)).size} namespace(s)`);
    const out: Record<string, unknown> = {
      model: 'ip-loss',
      probability: a.probability,
      // Toxiproxy-model attributes do not apply here; left out of the record.
      flapEverySeconds: undefined,
      flapDownMs: undefined,
      where: 'iptables statistic in the source regions\' Toxiproxy network namespaces, both directions, between each proxy and each destination server',
      startedAt,
      rules: loss.rules,
    };
    if (a.restartRemote) out.restart = await restartBehindLoss(ctx, a, handles);
    return { targets, attributes: out, revert };
  } catch (err) {
    await revert().catch(() => undefined);
    throw err;
  }
}

/**
 * Stall the remote servers, drop all their packets to and from the proxies, restart them behind a
 * stateful firewall, then back to the run's loss (their addresses do not change, so the run's rules
 * still cover them).
 */
async function restartBehindLoss(ctx: FaultContext, a: Attributes, handles: Revertible[]): Promise<Record<string, unknown>> {
  const links = ctx.cluster.links;
  if (a.to === undefined) throw new BadInputError('packet-loss restartRemote needs `to` (the servers to restart)', { problems: ['to: a region or server, or restartRemote: false'] });
  const servers = ctx.cluster.servers()
    .filter((s) => (s.name === a.to || s.region === a.to) && !ctx.protectedServers.has(s.name))
    .map((s) => s.name);
  if (servers.length === 0) return { servers, skipped: `no server behind ${a.to} outside the observer's vantage point` };
  const stallAt = Date.now();
  await onAll(servers, (n) => ctx.cluster.server(n).pause());
  ctx.log(`  ${servers.join(', ')} stalled for ${a.stallSeconds}s (paused: TCP handshakes complete, no INFO)`);
  await sleep(a.stallSeconds * 1000);
  const total: Revertible[] = [];
  const totalRules = [];
  for (const s of servers) {
    const h = await links.packetLoss({ to: s, from: a.from }, 1, { at: 'proxy' });
    total.push(h);
    handles.push(h);
    totalRules.push(...h.rules);
  }
  const restartAt = Date.now();
  await onAll(servers, async (n) => {
    await ctx.cluster.server(n).kill();
    await ctx.cluster.server(n).start();
  });
  // Before the total loss lifts: from now on the restarted servers do not answer their old peers'
  // keepalive probes with RST (Toxiproxy keeps Go's default 15 s keepalive on its connections).
  const firewall = a.firewallRestarted ? await links.dropUnknownConnections(servers) : [];
  const upAt = Date.now();
  for (const h of total) await h.revert();
  ctx.log(`  ${servers.join(', ')} restarted behind total loss${a.firewallRestarted ? ', behind a stateful firewall' : ''}; back to ${a.probability} loss`);
  return {
    servers, stallAt, stallSeconds: a.stallSeconds, restartAt, upAt, totalLossRules: totalRules,
    firewall: a.firewallRestarted ? { rules: firewall, stays: 'until the server restarts again or the run ends; a heal of the network does not remove it' } : null,
  };
}
