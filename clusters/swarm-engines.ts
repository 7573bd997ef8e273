// The engines of a swarm: the manager (services, networks, configs, secrets) and each node's own
// engine (faults on that node's task containers: signals, pause, iptables). Addresses come from
// BROWNOUT_SWARM_HOST (the manager) and BROWNOUT_SWARM_ENGINES (every node, comma separated), each
// `unix:///path.sock`, `tcp://host:port` (TLS from DOCKER_CERT_PATH as dockerode reads it) or
// `ssh://user@host`; a node's engine is matched to its swarm node by the engine's own NodeID.
import Docker from 'dockerode';
import { BadInputError, EnvironmentError } from '../core/errors.ts';

export interface SwarmAddresses {
  manager: string;
  engines: string[];
}

/** Pure: the addresses from the environment (engines default to the manager alone). */
export function swarmAddresses(env: Record<string, string | undefined>): SwarmAddresses | undefined {
  const manager = env.BROWNOUT_SWARM_HOST?.trim();
  if (!manager) return undefined;
  const engines = (env.BROWNOUT_SWARM_ENGINES ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  return { manager, engines: engines.length ? engines : [manager] };
}

/** Pure: dockerode options for one address. */
export function engineOptions(address: string): Docker.DockerOptions {
  const u = new URL(address);
  if (u.protocol === 'unix:') return { socketPath: u.pathname };
  if (u.protocol === 'tcp:' || u.protocol === 'https:' || u.protocol === 'http:') {
    const tls = u.protocol === 'https:' || (u.protocol === 'tcp:' && !!process.env.DOCKER_CERT_PATH);
    return { host: u.hostname, port: Number(u.port || (tls ? 2376 : 2375)), protocol: tls ? 'https' : 'http' };
  }
  if (u.protocol === 'ssh:') return { protocol: 'ssh', host: u.hostname, port: Number(u.port || 22), username: u.username || undefined } as Docker.DockerOptions;
  throw new BadInputError(`swarm engine address "${address}"`, { problems: ['BROWNOUT_SWARM_HOST / BROWNOUT_SWARM_ENGINES: unix:///path, tcp://host:port, https://host:port or ssh://user@host'] });
}

export class SwarmEngines {
  private constructor(readonly manager: Docker, private readonly byNode: Map<string, Docker>, private readonly local: Set<string>, readonly addresses: SwarmAddresses, private readonly addressByNode: Map<string, string>) {}

  static async connect(env: Record<string, string | undefined> = process.env): Promise<SwarmEngines> {
    const a = swarmAddresses(env);
    if (!a) throw new EnvironmentError('no swarm manager named', { hint: 'set BROWNOUT_SWARM_HOST (and BROWNOUT_SWARM_ENGINES for faults on other nodes); npm run swarm-lab -- up prints both' });
    const manager = new Docker(engineOptions(a.manager));
    const info = await manager.info().catch((cause: unknown) => { throw new EnvironmentError(`swarm manager ${a.manager} does not answer`, { cause }); });
    if (!info.Swarm?.ControlAvailable) throw new EnvironmentError(`${a.manager} is not a swarm manager (swarm state ${info.Swarm?.LocalNodeState})`);
    const byNode = new Map<string, Docker>();
    const addressByNode = new Map<string, string>();
    const local = new Set<string>();
    for (const addr of a.engines) {
      const d = new Docker(engineOptions(addr));
      const id = (await d.info().catch((cause: unknown) => { throw new EnvironmentError(`swarm node engine ${addr} does not answer`, { cause }); })).Swarm?.NodeID;
      if (id) byNode.set(id, d);
      if (id) addressByNode.set(id, addr);
      if (id && addr.startsWith('unix:')) local.add(id);
    }
    return new SwarmEngines(manager, byNode, local, a, addressByNode);
  }

  /** The engine of the node a task runs on; faults on that node go through it. */
  node(nodeId: string): Docker {
    const d = this.byNode.get(nodeId);
    if (!d) throw new EnvironmentError(`no engine reachable for swarm node ${nodeId}`, { hint: 'list every node\'s engine in BROWNOUT_SWARM_ENGINES' });
    return d;
  }

  /** The node's engine is a unix socket on this machine: its containers' pids are ours to nsenter. */
  isLocal(nodeId: string): boolean {
    return this.local.has(nodeId);
  }

  /** The address the node's engine was reached at (as BROWNOUT_SWARM_ENGINES gave it). */
  addressOf(nodeId: string): string | undefined {
    return this.addressByNode.get(nodeId);
  }

  nodeIds(): string[] {
    return [...this.byNode.keys()];
  }
}
