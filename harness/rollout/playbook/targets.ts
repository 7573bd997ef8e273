// Which servers each stage upgrades, in order and in batches: the canary (named, or picked by the
// seed), the rest of its region, then every other server. Pure; the controller calls it with the
// servers of the cluster it runs on (for an attached cluster, the ones it finds).
import { createRng } from '../../../chaos/rng.ts';
import { BadInputError } from '../../../core/errors.ts';
import type { Playbook } from './types.ts';

export interface ServerRef {
  name: string;
  region: string;
}

export interface StageTargets {
  stage: string;
  /** Batches in upgrade order; every server in a batch is upgraded at once. */
  batches: string[][];
  /** Canary stage with a comparison: the baseline server restarted alongside the canary. */
  baselinePeer?: string;
}

export function planTargets(playbook: Playbook, servers: readonly ServerRef[], seed: number): StageTargets[] {
  const rng = createRng(playbook.seed ?? seed);
  const byName = new Map(servers.map((s) => [s.name, s]));
  const done = new Set<string>();
  let canary: ServerRef | undefined;
  return playbook.stages.map((st, i) => {
    let order: string[];
    let baselinePeer: string | undefined;
    if (st.kind === 'canary') {
      if (st.server !== undefined) {
        canary = byName.get(st.server);
        if (!canary) throw new BadInputError(`canary ${st.server} is not in the cluster`, { problems: [`stages[${i}].server: one of ${[...byName.keys()].join(', ')}`] });
      } else {
        // With a comparison, only regions that also hold a baseline peer qualify.
        const needPeer = st.gates.compare !== undefined;
        const pool = servers.filter((s) => (st.region === undefined || s.region === st.region) && (!needPeer || servers.some((o) => o.region === s.region && o.name !== s.name)));
        if (!pool.length) throw new BadInputError(`no server can be the canary${st.region ? ` in region ${st.region}` : ''}`, { problems: [`stages[${i}].region: a region with ${needPeer ? 'two servers' : 'a server'}`] });
        canary = rng.pick(pool, 1)[0]!;
      }
      order = [canary.name];
      if (st.gates.compare) {
        const peers = servers.filter((s) => s.region === canary!.region && s.name !== canary!.name).map((s) => s.name);
        baselinePeer = st.gates.compare.baseline ?? rng.pick(peers, 1)[0];
      }
    } else if (st.kind === 'region') {
      order = servers.filter((s) => s.region === canary!.region && !done.has(s.name)).map((s) => s.name);
    } else {
      order = servers.filter((s) => !done.has(s.name)).map((s) => s.name);
    }
    for (const n of order) done.add(n);
    const size = st.upgrade.batchSize;
    const batches: string[][] = [];
    for (let k = 0; k < order.length; k += size) batches.push(order.slice(k, k + size));
    return { stage: st.name, batches, ...(baselinePeer ? { baselinePeer } : {}) };
  });
}
