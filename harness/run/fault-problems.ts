// Pure: whether a typed fault can act on a topology (server names, regions, links, a seeded count
// that fits), before anything boots. Each problem's path is relative to the fault (`to`, `count`).
import { linkSelectionProblems, serverSelectionProblems, type LinkTopology } from '../../chaos/fault.ts';
import type { TypedFault } from '../../chaos/faults/registry.ts';

/** Pure: names in `key` that are not servers of the topology. */
function serverNameProblems(key: string, names: readonly string[] | undefined, servers: LinkTopology['servers']): string[] {
  const unknown = (names ?? []).filter((n) => !servers.some((s) => s.name === n));
  return unknown.length ? [`${key}: no server ${unknown.map((n) => `"${n}"`).join(', ')}; allowed: ${servers.map((s) => s.name).join(', ')}`] : [];
}

/** `backend`: where the plan runs, when known (route-reset reaches sockets on local and docker only). */
export function faultProblems(fault: TypedFault, topo: LinkTopology & { backend?: string }, protectedServers: ReadonlySet<string>): string[] {
  switch (fault.type) {
    case 'kill':
    case 'restart':
    case 'pause':
    case 'upgrade':
    case 'route-auth':
      return serverSelectionProblems(fault.attributes, topo.servers, protectedServers);
    case 'route-reset': {
      const problems = serverSelectionProblems(fault.attributes, topo.servers, protectedServers);
      problems.push(...serverNameProblems('peers', fault.attributes.peers, topo.servers));
      // Local: sockets in this host's namespace; docker: each container's, entered with nsenter from
      // this host. A swarm's containers run on other engines' hosts: out of reach.
      if (topo.backend === 'swarm') problems.push('type: route-reset needs a backend whose route sockets this host can reach (it destroys them in the host\'s or a local container\'s network namespace); allowed backends: local, docker');
      return problems;
    }
    case 'dns-outage': {
      const problems = serverSelectionProblems(fault.attributes, topo.servers, protectedServers);
      problems.push(...serverNameProblems('resetRoutesOf', fault.attributes.resetRoutesOf, topo.servers));
      const spared = (fault.attributes.resetRoutesOf ?? []).filter((n) => protectedServers.has(n));
      if (spared.length) problems.push(`resetRoutesOf: ${spared.join(', ')} is the observer's vantage and must be spared; allowed: ${topo.servers.map((s) => s.name).filter((n) => !protectedServers.has(n)).join(', ')}`);
      if (topo.backend === 'local' || topo.perSourceLinks === false) problems.push('type: dns-outage needs servers with a resolver of their own (it refuses DNS in their network namespaces); allowed backends: docker, swarm');
      if (topo.backend === 'swarm' && fault.attributes.resetRoutesOf) problems.push('resetRoutesOf: resets route sockets, which this host cannot reach on swarm; allowed backends: docker, or leave it out');
      return problems;
    }
    case 'partition': {
      const a = fault.attributes;
      if (a.region === undefined) return linkSelectionProblems(a, topo);
      const regions = [...new Set(topo.servers.map((s) => s.region))];
      const problems = regions.includes(a.region) ? [] : [`region: "${a.region}" is not a region; allowed: ${regions.join(', ')}`];
      if (a.to !== undefined || a.from !== undefined) problems.push(`${a.to !== undefined ? 'to' : 'from'}: not with region; give region, or to/from`);
      return problems;
    }
    case 'packet-loss': {
      const problems = linkSelectionProblems(fault.attributes, topo);
      if (fault.attributes.model === 'ip-loss' && topo.perSourceLinks === false) problems.push('model: ip-loss (IP-level loss) needs the docker backend; allowed: toxiproxy-blackhole, or leave it out on local');
      return problems;
    }
    default:
      return linkSelectionProblems(fault.attributes, topo);
  }
}
