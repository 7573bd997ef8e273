// How a super-cluster is wired in containers, for both the docker backend and the compose stack
// (pure): server i's gateway is reached through `gw-<name>:<17000 + i>`, an alias the dialer's own
// region Toxiproxy answers to; each region's Toxiproxy has one proxy per remote server.
import { configuredRoutePeers, type ServerSpec, type Topology } from './topology.ts';

export const PROXY_BASE_PORT = 17000;
export const TOXIPROXY_API_PORT = 8474;

/** Port that server `i` (in topology order) is proxied on, in every region's Toxiproxy. */
export function proxyPortOf(i: number): number {
  return PROXY_BASE_PORT + i;
}

export function proxyName(fromRegion: string, toServer: string): string {
  return `${fromRegion}-to-${toServer}`;
}

/** The name a server's gateway is dialed by: each region's Toxiproxy answers to it in its own network. */
export function gatewayAlias(server: string): string {
  return `gw-${server}`;
}

export interface WiredServer {
  spec: ServerSpec;
  proxyPort: number;
}

/** Toxiproxy's `-config` entries for `region`: one per server of another region. */
export function regionProxyConfigs(t: Topology, servers: readonly WiredServer[], region: string): { name: string; listen: string; upstream: string; enabled: boolean }[] {
  return servers.filter((s) => s.spec.region !== region).map((s) => ({
    name: proxyName(region, s.spec.name), listen: `0.0.0.0:${s.proxyPort}`, upstream: `${s.spec.name}:${t.ports.gateway}`, enabled: true,
  }));
}

/** Routes to the region's other servers, the advertised gateway alias, and every remote gateway alias. */
export function gatewayWiring(t: Topology, servers: readonly WiredServer[], s: WiredServer) {
  const p = t.ports;
  const gateways: Record<string, string[]> = {};
  for (const o of servers) if (o.spec.region !== s.spec.region) (gateways[o.spec.region] ??= []).push(`${gatewayAlias(o.spec.name)}:${o.proxyPort}`);
  return {
    client: `0.0.0.0:${p.client}`, cluster: `0.0.0.0:${p.cluster}`, gateway: `0.0.0.0:${p.gateway}`, monitor: `0.0.0.0:${p.monitor}`,
    routes: configuredRoutePeers(t, servers.map((o) => o.spec), s.spec).map((o) => `${o.name}:${p.cluster}`),
    gatewayAdvertise: `${gatewayAlias(s.spec.name)}:${s.proxyPort}`,
    gateways,
  };
}
