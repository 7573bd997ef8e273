// Public API of clusters/: topologies, config rendering, starting clusters on a backend, links.
export { parseTopology, presets, serversOf, topologyFromFlags, topologySchema } from './topology.ts';
export type { PresetName, ServerSpec, Topology, TopologyFlags, TopologyInput } from './topology.ts';
export { renderConfig } from './render-config.ts';
export type { ClusterSecrets, Credentials, ServerAddressing } from './render-config.ts';
export { newRunId, resolveBackend, startCluster } from './start-cluster.ts';
export type { BackendChoice, StartOptions } from './start-cluster.ts';
export type { ClusterServer, StartedCluster } from './cluster.ts';
export { Links } from './links.ts';
export type { Direction, LinkInfo, LinkSelector, Revertible, ToxicHandle, ToxicSpec } from './links.ts';
export { evaluateMesh, gatewayBypasses, snapshotMesh } from './mesh.ts';
export type { MeshReport, OutboundGateway, ServerMesh } from './mesh.ts';
export { reapLeftovers, reapRun, runProcesses } from './reaper.ts';
export type { ReapResult } from './reaper.ts';
export { listStates, readState } from './state-file.ts';
export type { BackendName, ClusterState } from './state-file.ts';
export { waitFor } from './wait.ts';
export type { ClusterView, ServerEndpoint, SystemUser } from './view.ts';
