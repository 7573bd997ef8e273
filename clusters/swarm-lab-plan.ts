// The local swarm lab's layout (pure): N extra Docker engines on this machine, each in its own
// network namespace (joined by a veth to one bridge) and its own mount namespace (libnetwork keeps
// its namespaces under a fixed /var/run/docker/netns, and containerd its socket under a fixed
// /run/containerd: each engine needs its own), with its own data root, exec root, pidfile and socket.
// Node 1 is the swarm manager, the others workers; node i carries `brownout.region=<regions[i]>`.

export const LAB_BRIDGE = 'bsw0';
/** The bridge's subnet: the host is .1, node i is .(10 + i). Swarm's own pool is set apart from it. */
export const LAB_SUBNET_PREFIX = '10.231.0';
/** Overlay networks the lab's swarm allocates (swarm's default, 10.0.0.0/8, would cover the bridge's subnet). */
export const LAB_ADDRESS_POOL = '10.232.0.0/16';
export const LAB_DATA_ROOT = '/var/lib/brownout-swarm';
export const LAB_RUN_ROOT = '/run/brownout-swarm';
export const LAB_RECORD = `${LAB_RUN_ROOT}/lab.json`;
export const MAX_LAB_NODES = 9;
export const DEFAULT_LAB_REGIONS = ['iad', 'lhr', 'syd'] as const;

export interface LabNode {
  /** `n1`…: hostname in the swarm, netns `bsw-<name>`, host-side veth `bsw-<name>`. */
  name: string;
  index: number;
  manager: boolean;
  /** Value of the node label brownout.region. */
  region: string;
  ip: string;
  netns: string;
  veth: string;
  socket: string;
  dataRoot: string;
  execRoot: string;
  pidfile: string;
  log: string;
}

export interface LabPlan {
  bridge: string;
  hostIp: string;
  cidr: string;
  nodes: LabNode[];
  /** The one host FORWARD rule the lab adds (the host engine's FORWARD policy is DROP), as iptables args after -I/-D. */
  forwardRule: string[];
}

export function labPlan(regions: readonly string[] = DEFAULT_LAB_REGIONS): LabPlan {
  if (regions.length < 1 || regions.length > MAX_LAB_NODES) throw new RangeError(`a lab has 1..${MAX_LAB_NODES} nodes, not ${regions.length}`);
  const nodes = regions.map((region, i): LabNode => {
    const name = `n${i + 1}`;
    return {
      name, index: i + 1, manager: i === 0, region, ip: `${LAB_SUBNET_PREFIX}.${11 + i}`, netns: `bsw-${name}`, veth: `bsw-${name}`,
      socket: `${LAB_RUN_ROOT}/${name}.sock`, dataRoot: `${LAB_DATA_ROOT}/${name}`, execRoot: `${LAB_RUN_ROOT}/${name}/exec`,
      pidfile: `${LAB_RUN_ROOT}/${name}/dockerd.pid`, log: `${LAB_DATA_ROOT}/${name}/dockerd.log`,
    };
  });
  return {
    bridge: LAB_BRIDGE, hostIp: `${LAB_SUBNET_PREFIX}.1`, cidr: `${LAB_SUBNET_PREFIX}.0/24`, nodes,
    forwardRule: ['FORWARD', '-i', LAB_BRIDGE, '-o', LAB_BRIDGE, '-m', 'comment', '--comment', 'brownout-swarm-lab', '-j', 'ACCEPT'],
  };
}

/**
 * The command that runs one node's engine, detached from us: a new mount namespace (tmpfs over the
 * two fixed paths) and UTS namespace (its hostname is the swarm node's name), then `nsenter --net`
 * into the node's network namespace (`ip netns exec` would remount /sys and hide the cgroups).
 */
export function dockerdCommand(n: LabNode): string[] {
  const script = [
    'set -e',
    'mount -t tmpfs -o mode=0711 brownout-swarm /var/run/docker',
    'mount -t tmpfs -o mode=0711 brownout-swarm /run/containerd',
    `hostname ${n.name}`,
    `exec nsenter --net=/run/netns/${n.netns} /usr/sbin/dockerd --data-root ${n.dataRoot}/data --exec-root ${n.execRoot}`
      + ` --pidfile ${n.pidfile} -H unix://${n.socket} --bridge=none --userland-proxy=false --log-level=warn`,
  ].join('\n');
  return ['unshare', '--mount', '--uts', '--propagation', 'private', '--', 'sh', '-c', script];
}

/** The environment a swarm cluster reads to reach the lab (the manager, and every node's engine for faults). */
export function labEnvironment(p: LabPlan): Record<string, string> {
  return {
    BROWNOUT_SWARM_HOST: `unix://${p.nodes[0]!.socket}`,
    BROWNOUT_SWARM_ENGINES: p.nodes.map((n) => `unix://${n.socket}`).join(','),
  };
}
