// What one cascade run looked like, from its one-second samples and the Docker events of its
// containers: peaks of pending bytes and memory, OOM kills and Docker's own restarts over time, when
// the mesh was full again, and whether restarts came in waves (the loop). Pure.

/** One server at one sample. Pending bytes: /routez pending_size, /gatewayz pending_bytes (out + in). */
export interface ServerTick {
  name: string;
  running: boolean;
  /** Docker's RestartCount: restarts by the restart policy only (not our stop + start). */
  restartCount: number;
  /** Its monitor answered /varz, /routez and /gatewayz within the sample. */
  answered: boolean;
  serverId?: string;
  /** /varz mem. */
  rssBytes?: number;
  /** The container's cgroup memory.usage_in_bytes (what the OOM killer compares with the limit). */
  cgroupBytes?: number;
  routePending: number;
  gatewayPending: number;
  /** Bytes this server sent on its gateway connections (out and in), as long as each has been up. */
  gatewayOutBytes?: number;
  /** Recv-Q + Send-Q the kernel holds on its gateway sockets (bench/socket-queues.ts). */
  kernelQueued?: number;
}

export interface Tick {
  /** ms since the mass restart was asked (negative: baseline). */
  t: number;
  servers: ServerTick[];
  meshComplete: boolean;
  missingLinks: number;
  /** Recv-Q + Send-Q in the Toxiproxy containers' namespaces: the capped links' backlog. */
  proxyQueued?: number;
}

export interface ContainerEvent {
  t: number;
  server: string;
  /** `oom`: the kernel killed a process over the limit; `die` carries the exit code. */
  event: 'oom' | 'die' | 'start';
  exitCode?: number;
}

export interface Peak {
  value: number;
  t: number;
  server?: string;
}

export interface Bucket {
  from: number;
  totalPendingMax: number;
  serverPendingMax: number;
  rssMax: number;
  cgroupMax: number;
  ooms: number;
  autoRestarts: number;
  answeringMin: number;
  missingLinksMin: number;
}

export interface CascadeSummary {
  samples: number;
  servers: number;
  totalPending: Peak;
  serverPending: Peak;
  rss: Peak;
  cgroup: Peak;
  kernelQueued: Peak;
  proxyQueued: Peak;
  oomKills: number;
  oomKilled: string[];
  /** Exits with a code other than 0 that were not OOM kills nor our own stops (a server's exit before its restart came back). */
  crashes: number;
  /** Starts by Docker's restart policy (RestartCount deltas), at the sample that saw them. */
  autoRestarts: { t: number; server: string }[];
  /** Server ID changes beyond the one our mass restart causes per server. */
  extraIdChanges: number;
  /** First sample with every route and gateway up once the restart broke the mesh; null: never in the window. */
  fullMeshAtMs: number | null;
  meshFullAtEnd: boolean;
  /** OOM kills and policy restarts grouped into waves: a gap of more than WAVE_GAP_MS starts a new one. */
  waves: { from: number; to: number; servers: string[] }[];
  /** Restarts causing more restarts, as far as timing tells: policy restarts in two waves or more. */
  loop: boolean;
  buckets: Bucket[];
}

export const WAVE_GAP_MS = 5000;
export const BUCKET_MS = 10_000;

const maxOf = (xs: number[]) => xs.reduce((m, x) => Math.max(m, x), 0);
/** Pending bytes of one server (routes + gateways), and of the whole cluster at one sample. */
export const pendingOf = (s: ServerTick): number => s.routePending + s.gatewayPending;
export const tickPending = (k: Tick): number => k.servers.reduce((n, s) => n + pendingOf(s), 0);

function peak(ticks: Tick[], value: (s: ServerTick) => number | undefined): Peak {
  let best: Peak = { value: 0, t: 0 };
  for (const k of ticks) for (const s of k.servers) {
    const v = value(s);
    if (v !== undefined && v > best.value) best = { value: v, t: k.t, server: s.name };
  }
  return best;
}

/** Policy restarts between consecutive samples, per server; a server's first sample counts from its own count. */
export function restartsOf(ticks: Tick[]): { t: number; server: string }[] {
  const last = new Map<string, number>();
  const out: { t: number; server: string }[] = [];
  for (const k of ticks) for (const s of k.servers) {
    const before = last.get(s.name);
    if (before !== undefined) for (let i = before; i < s.restartCount; i++) out.push({ t: k.t, server: s.name });
    last.set(s.name, Math.max(before ?? 0, s.restartCount));
  }
  return out;
}

export function wavesOf(events: { t: number; server: string }[], gapMs = WAVE_GAP_MS): CascadeSummary['waves'] {
  const sorted = [...events].sort((a, b) => a.t - b.t);
  const waves: CascadeSummary['waves'] = [];
  for (const e of sorted) {
    const w = waves.at(-1);
    if (w && e.t - w.to <= gapMs) {
      w.to = e.t;
      if (!w.servers.includes(e.server)) w.servers.push(e.server);
    } else {
      waves.push({ from: e.t, to: e.t, servers: [e.server] });
    }
  }
  return waves;
}

/** `ours`: per server, ms after which its stop and start (the mass restart) were done; exits before are ours. */
export function summarizeCascade(ticks: Tick[], events: ContainerEvent[], ours: Record<string, number> = {}): CascadeSummary {
  const after = ticks.filter((k) => k.t >= 0);
  const totals = after.map((k) => ({ t: k.t, v: tickPending(k) }));
  const totalPending = totals.reduce<Peak>((b, x) => (x.v > b.value ? { value: x.v, t: x.t } : b), { value: 0, t: 0 });
  const ooms = events.filter((e) => e.event === 'oom' && e.t >= 0);
  const crashes = events.filter((e) => e.event === 'die' && e.t >= 0 && e.exitCode !== undefined && e.exitCode !== 0
    && !(e.t <= (ours[e.server] ?? -1)) && !ooms.some((o) => o.server === e.server && Math.abs(o.t - e.t) < 2000));
  const autoRestarts = restartsOf(ticks).filter((r) => r.t >= 0);
  const ids = new Map<string, Set<string>>();
  for (const k of ticks) for (const s of k.servers) if (s.serverId) (ids.get(s.name) ?? ids.set(s.name, new Set()).get(s.name)!).add(s.serverId);
  // Each server had one ID before and gets one from our restart: anything beyond two is extra.
  const extraIdChanges = [...ids.values()].reduce((n, set) => n + Math.max(0, set.size - 2), 0);
  // A sample taken as the restart was asked may still see the old, full mesh: count from the first broken one.
  const broken = after.findIndex((k) => !k.meshComplete);
  const full = broken < 0 ? after[0] : after.slice(broken).find((k) => k.meshComplete);
  const waves = wavesOf([...ooms.map((e) => ({ t: e.t, server: e.server })), ...autoRestarts]);
  const buckets: Bucket[] = [];
  for (let from = 0; after.some((k) => k.t >= from); from += BUCKET_MS) {
    const inB = after.filter((k) => k.t >= from && k.t < from + BUCKET_MS);
    if (!inB.length) continue;
    const inRange = (t: number) => t >= from && t < from + BUCKET_MS;
    buckets.push({
      from,
      totalPendingMax: maxOf(inB.map(tickPending)),
      serverPendingMax: maxOf(inB.flatMap((k) => k.servers.map(pendingOf))),
      rssMax: maxOf(inB.flatMap((k) => k.servers.map((s) => s.rssBytes ?? 0))),
      cgroupMax: maxOf(inB.flatMap((k) => k.servers.map((s) => s.cgroupBytes ?? 0))),
      ooms: ooms.filter((e) => inRange(e.t)).length,
      autoRestarts: autoRestarts.filter((e) => inRange(e.t)).length,
      answeringMin: Math.min(...inB.map((k) => k.servers.filter((s) => s.answered).length)),
      missingLinksMin: Math.min(...inB.map((k) => k.missingLinks)),
    });
  }
  return {
    samples: after.length,
    servers: new Set(ticks.flatMap((k) => k.servers.map((s) => s.name))).size,
    totalPending,
    serverPending: peak(after, pendingOf),
    rss: peak(after, (s) => s.rssBytes),
    cgroup: peak(after, (s) => s.cgroupBytes),
    kernelQueued: peak(after, (s) => s.kernelQueued),
    proxyQueued: after.reduce<Peak>((b, k) => ((k.proxyQueued ?? 0) > b.value ? { value: k.proxyQueued!, t: k.t } : b), { value: 0, t: 0 }),
    oomKills: ooms.length,
    oomKilled: [...new Set(ooms.map((e) => e.server))].sort(),
    crashes: crashes.length,
    autoRestarts,
    extraIdChanges,
    fullMeshAtMs: full ? full.t : null,
    meshFullAtEnd: after.at(-1)?.meshComplete ?? false,
    waves,
    loop: waves.length >= 2 && autoRestarts.length > 0,
    buckets,
  };
}
