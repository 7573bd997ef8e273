// `--attach compose`: a StartedCluster on the running compose stack (docker-compose.yml). The stack
// is wired as the docker backend wires its clusters (clusters/docker-wiring.ts), so the docker
// backend drives it: links through the stack's region Toxiproxies, restarts and kills through its
// containers, IP-level loss with iptables in their namespaces. Nothing of the stack is created or
// removed here: stop() lets go, and an upgrade (a new container) is refused, docker-compose owns them.
import { EnvironmentError, HarnessError } from '../core/errors.ts';
import { variantImage } from '../core/layout.ts';
import type { Backend } from './backend.ts';
import { Cluster, type StartedCluster } from './cluster.ts';
import { composeLayout, composeTopology, PASSWORD_ENV } from './compose.ts';
import type { ClusterSecrets } from './render-config.ts';
import type { Topology } from './topology.ts';

/** The reserved `--attach` word. */
export const COMPOSE_ATTACH_ID = 'compose';
const UPGRADE_REFUSED = "the compose stack's containers belong to docker-compose: change the image in docker-compose.yml and run docker-compose up -d instead";

export function isComposeAttach(id: string): boolean {
  return id === COMPOSE_ATTACH_ID;
}

/** What a run plans with on the stack: the generator's topology (the stack is made from it), docker. */
export function composeAttachTarget(): { runId: string; topology: Topology; backend: 'docker' } {
  return { runId: COMPOSE_ATTACH_ID, topology: composeTopology(), backend: 'docker' };
}

/** Fault types the compose stack cannot take, with why (clusters/refused-faults.ts gathers every attach kind's). */
export function composeRefusedFaults(): Record<string, string> {
  return { upgrade: UPGRADE_REFUSED };
}

export async function attachCompose(opts: { meshDeadlineMs?: number } = {}): Promise<StartedCluster> {
  const { findComposeStack, containerEnv } = await import('./compose-stack.ts');
  const { DockerBackend } = await import('./docker-backend.ts');
  const stack = await findComposeStack();
  const t = composeTopology();
  const { servers, proxies } = composeLayout(t);
  const hint = 'docker-compose up -d starts what is missing (docker-compose ps shows what runs)';
  const notWhole = [...servers.map((s) => s.service), ...proxies.map((x) => x.service)].flatMap((service) => {
    const c = stack.containers.get(service);
    return !c ? [`${service} (no container)`] : c.state !== 'running' ? [`${service} (${c.state})`] : [];
  });
  notWhole.push(...t.regions.filter((r) => !stack.networks.has(r.name)).map((r) => `network ${r.name} (missing)`));
  if (notWhole.length) throw new EnvironmentError(`compose stack ${stack.project} is not whole: ${notWhole.join(', ')}`, { hint });
  const first = stack.containers.get(servers[0]!.service)!.name;
  const secrets = await composeSecrets(first, (c, n) => containerEnv(c, n));
  const runId = `${COMPOSE_ATTACH_ID}:${stack.project}`;
  let docker: Backend;
  try {
    docker = await DockerBackend.attachContainers(t, runId, stack.workingDir, secrets, {
      servers: Object.fromEntries(servers.map((s) => {
        const c = stack.containers.get(s.service)!;
        return [s.spec.name, { container: c.name, variant: c.image === variantImage(s.spec.variant) ? s.spec.variant : c.image.replace(/^.*:/, '') }];
      })),
      regionProxies: Object.fromEntries(proxies.map((x) => [x.region, stack.containers.get(x.service)!.name])),
      networks: Object.fromEntries(t.regions.map((r) => [r.name, stack.networks.get(r.name)!])),
    });
  } catch (cause) {
    throw new EnvironmentError(`compose stack ${stack.project} is not whole: ${cause instanceof Error ? cause.message : String(cause)}`, { cause, hint });
  }
  const cluster = new Cluster(runId, t, stack.workingDir, secrets, new ComposeBackend(docker), {
    owned: false, createdAt: new Date().toISOString(), ownerPid: process.pid, detached: true, persist: false,
  });
  if (opts.meshDeadlineMs !== 0) await cluster.waitForMesh(opts.meshDeadlineMs ?? 15_000);
  return cluster;
}

/** The passwords the stack was started with, from a server container's environment. */
async function composeSecrets(container: string, env: (c: string, n: string) => Promise<string | undefined>): Promise<ClusterSecrets> {
  const [system, app] = await Promise.all([env(container, PASSWORD_ENV.system), env(container, PASSWORD_ENV.app)]);
  if (!system || !app) throw new EnvironmentError(`${container} has no ${PASSWORD_ENV.system} or ${PASSWORD_ENV.app} in its environment: not a stack of our docker-compose.yml`);
  return { system: { user: 'sys', password: system }, app: { user: 'app', password: app } };
}

/** The docker backend on containers docker-compose owns: same servers, never a new or removed container. */
class ComposeBackend implements Backend {
  readonly kind = 'docker' as const;
  constructor(private readonly docker: Backend) {}
  get proxies() { return this.docker.proxies; }
  get packetLoss() { return this.docker.packetLoss; }
  endpoint(name: string) { return this.docker.endpoint(name); }
  startServer(name: string, variant: string): Promise<void> {
    const now = this.docker.endpoint(name).variant;
    if (variant !== now) return Promise.reject(new HarnessError(`${name} cannot move from ${now} to ${variant}: ${UPGRADE_REFUSED}`));
    return this.docker.startServer(name, variant);
  }
  stopServer(name: string, how: 'SIGTERM' | 'SIGKILL') { return this.docker.stopServer(name, how); }
  isRunning(name: string) { return this.docker.isRunning(name); }
  enterLameDuck(name: string) { return this.docker.enterLameDuck(name); }
  waitForExit(name: string, deadlineMs: number) { return this.docker.waitForExit(name, deadlineMs); }
  pause(name: string) { return this.docker.pause(name); }
  resume(name: string) { return this.docker.resume(name); }
  logs(name: string) { return this.docker.logs(name); }
  stateFields() { return {}; }
  release() { return this.docker.release?.() ?? Promise.resolve(); }
  /** Never ours to remove: `docker-compose down` does that. */
  async teardown(): Promise<void> {}
  teardownSync(): void {}
}
