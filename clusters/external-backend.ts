// The backend of an external cluster: servers brownout did not start and never signals. It reads
// their monitoring endpoints; every server step (start, stop, lame duck) goes through the user's
// hooks (clusters/external-hooks.ts) when a rollout gives some, and is refused otherwise; a kill, a
// pause or a resume is always refused. Links exist only through a Toxiproxy the user operates and
// names in the cluster file. Nothing here is persisted: no state file, so `clean` and `cluster
// down` never see the cluster, and teardown does nothing.
import { BadInputError, HarnessError } from '../core/errors.ts';
import { monitorGet, type Varz } from '../core/nats-monitoring.ts';
import type { Backend } from './backend.ts';
import type { ExternalServerSpec } from './external-file.ts';
import type { ExternalServerRef, ServerHooks } from './external-hooks.ts';
import type { ProxyRef } from './links.ts';
import type { MeshReport } from './mesh.ts';
import type { ServerEndpoint } from './view.ts';
import { waitFor } from './wait.ts';

/** Why a server step cannot run on an external cluster without hooks. */
export const NO_HOOKS_REASON = 'the servers of an external cluster belong to their own deploy tooling: brownout never signals, kills, pauses or restarts them; a rollout moves them only through the hooks its playbook names';
const NEVER_KILL = 'brownout never kills a server it did not start (a rollout stops one through its stop or upgrade hook)';
const NEVER_PAUSE = 'brownout never pauses a server it did not start (SIGSTOP is a signal to a process that is not ours)';

/** How long a started server has to answer /healthz, and a stopped one to stop answering. */
export const EXTERNAL_START_DEADLINE_MS = 60_000;
export const EXTERNAL_STOP_DEADLINE_MS = 60_000;

export interface ExternalBackendOptions {
  hooks?: ServerHooks;
  /** The variant each server runs now (the file's, else `v` + its /varz version). */
  variants: Record<string, string>;
  proxies: ProxyRef[];
  startDeadlineMs?: number;
  stopDeadlineMs?: number;
}

export class ExternalBackend implements Backend {
  readonly kind = 'external' as const;
  readonly proxies: ProxyRef[];
  private readonly byName: Map<string, ExternalServerSpec>;
  private readonly variants: Map<string, string>;
  private readonly hooks: ServerHooks | undefined;

  constructor(servers: readonly ExternalServerSpec[], private readonly opts: ExternalBackendOptions) {
    this.byName = new Map(servers.map((s) => [s.name, s]));
    this.variants = new Map(Object.entries(opts.variants));
    this.hooks = opts.hooks;
    this.proxies = opts.proxies;
  }

  endpoint(name: string): ServerEndpoint {
    const s = this.server(name);
    return { name, region: s.region, variant: this.variants.get(name) ?? s.variant ?? 'unknown', clientUrl: s.clientUrl, monitorUrl: s.monitorUrl };
  }

  /** The hook's view of a server (no variant: that is an argument of each hook). */
  ref(name: string): ExternalServerRef {
    const { name: n, region, host, clientUrl, monitorUrl } = this.server(name);
    return { name: n, region, host, clientUrl, monitorUrl };
  }

  /** The `start` hook (or `upgrade`), then /healthz, then /varz version must be the expected one. */
  async startServer(name: string, variant: string): Promise<void> {
    const hooks = this.requireHooks(name, 'start', (h) => h.steps.start || h.steps.upgrade);
    await hooks.start(this.ref(name), variant);
    const monitor = this.server(name).monitorUrl;
    await waitFor(`${name} answering ${monitor}/healthz after its start hook`, this.opts.startDeadlineMs ?? EXTERNAL_START_DEADLINE_MS, async () => {
      const h = await monitorGet<{ status?: string }>(monitor, 'healthz', 2000).catch(() => undefined);
      return h?.status === 'ok' ? { done: true, value: true } : { done: false, missing: h ? `healthz ${JSON.stringify(h)}` : 'no answer' };
    }, 250);
    const want = hooks.expectedVersion(variant);
    const got = await versionAt(monitor);
    if (got !== want) {
      // What runs there is whatever the hook started: remember it, so a retry or a rollback knows.
      this.variants.set(name, got ? `v${got}` : 'unknown');
      throw new HarnessError(`${name} was started as ${variant} by the start hook but its /varz reports version ${got ?? '(no answer)'}, not ${want}`);
    }
    this.variants.set(name, variant);
  }

  /** SIGTERM: the `stop` hook, then wait until the monitor stops answering. SIGKILL: refused. */
  async stopServer(name: string, how: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    if (how === 'SIGKILL') throw new BadInputError(`${name}: cannot kill a server of an external cluster: ${NEVER_KILL}`);
    const hooks = this.requireHooks(name, 'stop', (h) => h.steps.stop || h.steps.upgrade);
    await hooks.stop(this.ref(name), this.endpoint(name).variant);
    // Only an explicit stop hook stops it; with one `upgrade` command the server still runs here.
    if (!hooks.steps.stop) return;
    if (!(await this.waitForExit(name, this.opts.stopDeadlineMs ?? EXTERNAL_STOP_DEADLINE_MS))) {
      throw new HarnessError(`${name}: its stop hook exited 0 but ${this.server(name).monitorUrl} still answers after ${Math.round((this.opts.stopDeadlineMs ?? EXTERNAL_STOP_DEADLINE_MS) / 1000)} s`);
    }
  }

  async isRunning(name: string): Promise<boolean> {
    const h = await monitorGet<{ status?: string }>(this.server(name).monitorUrl, 'healthz', 2000).catch(() => undefined);
    return h !== undefined;
  }

  async enterLameDuck(name: string): Promise<void> {
    const hooks = this.requireHooks(name, 'lameDuck', (h) => h.steps.lameDuck);
    await hooks.lameDuck(this.ref(name), this.endpoint(name).variant);
  }

  /** Polls the monitor until it stops answering (the server exited); nothing is signalled. */
  async waitForExit(name: string, deadlineMs: number): Promise<boolean> {
    const until = Date.now() + deadlineMs;
    for (;;) {
      if (!(await this.isRunning(name))) return true;
      if (Date.now() >= until) return false;
      await new Promise((r) => setTimeout(r, Math.min(500, Math.max(0, until - Date.now()))));
    }
  }

  pause(name: string): Promise<void> {
    return Promise.reject(new BadInputError(`${name}: cannot pause a server of an external cluster: ${NEVER_PAUSE}`));
  }

  resume(name: string): Promise<void> {
    return Promise.reject(new BadInputError(`${name}: cannot resume a server of an external cluster: ${NEVER_PAUSE}`));
  }

  /** Its logs are on its host, under its own tooling: the run folder says so instead of copying them. */
  async logs(name: string): Promise<string> {
    const s = this.server(name);
    return `${name} belongs to an external cluster: brownout does not read its logs (they are on ${s.host}, under its own tooling)\n`;
  }

  /** The hooks' version rule, so an upgrade's checks agree with the start hook's. */
  expectedVersion(variant: string): string | undefined {
    return this.hooks?.expectedVersion(variant);
  }

  /**
   * Outbound gateways that reach a proxied server directly instead of through the user's proxy.
   * Only links the cluster file names a proxy for are judged: with no Toxiproxy there is nothing to bypass.
   */
  gatewayBypasses(report: MeshReport): string[] {
    if (this.proxies.length === 0) return [];
    const nameOfId = new Map(report.servers.filter((s) => s.serverId).map((s) => [s.serverId!, s.name]));
    return report.servers.flatMap((s) => s.outbound.flatMap((o) => {
      const to = o.remoteId ? nameOfId.get(o.remoteId) : undefined;
      const covering = this.proxies.filter((p) => p.to === to && (p.from === null || p.from === s.region));
      if (!to || covering.length === 0 || covering.some((p) => sameAddress(p.listen, o.address))) return [];
      return [`${s.name} → ${o.region} via ${o.address} (not through proxy ${covering.map((p) => p.name).join(' or ')})`];
    }));
  }

  stateFields() {
    return {};
  }

  /** Never ours: nothing to remove, nothing to signal. */
  async teardown(): Promise<void> {}
  teardownSync(): void {}

  private server(name: string): ExternalServerSpec {
    const s = this.byName.get(name);
    if (!s) throw new HarnessError(`no server "${name}" in the external cluster; servers are ${[...this.byName.keys()].join(', ')}`);
    return s;
  }

  private requireHooks(name: string, step: string, has: (h: ServerHooks) => boolean): ServerHooks {
    if (!this.hooks) throw new BadInputError(`${name}: cannot ${step === 'lameDuck' ? 'put in lame duck' : step} a server of an external cluster without hooks: ${NO_HOOKS_REASON}`);
    if (!has(this.hooks)) throw new BadInputError(`${name}: the playbook's hooks have no ${step} command (nor upgrade); brownout does not ${step === 'lameDuck' ? 'signal lame duck to' : step} a server it did not start`);
    return this.hooks;
  }
}

async function versionAt(monitorUrl: string): Promise<string | undefined> {
  return (await monitorGet<Varz>(monitorUrl, 'varz', 2000).catch(() => undefined))?.version;
}

/** `listen` of a proxy (`0.0.0.0:20000`, `[::]:20000`, `10.0.0.5:20000`) against the `ip:port` a gateway dialed. */
export function sameAddress(listen: string, dialed: string): boolean {
  const split = (a: string): [string, string] => {
    const i = a.lastIndexOf(':');
    return [a.slice(0, i).replace(/^\[|\]$/g, ''), a.slice(i + 1)];
  };
  const [lh, lp] = split(listen);
  const [dh, dp] = split(dialed);
  return lp === dp && (lh === dh || lh === '0.0.0.0' || lh === '::' || lh === '');
}
