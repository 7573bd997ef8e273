// The cascade (issue 12's stretch): in the seed's brownout a STATSZ flood saturated the links,
// filled the servers' buffers, got them OOM-killed, and their restarts made another flood. On the
// docker backend, for stock and patched: 3 regions × 6 servers, every container memory-limited
// with restart policy on-failure, every gateway connection capped by Toxiproxy's bandwidth toxic
// (both directions), then every server restarted at once, sampled every second: per server pending
// bytes (/routez pending_size, /gatewayz pending_bytes), RSS (/varz mem) and cgroup memory, Docker's
// RestartCount, server IDs, the mesh; plus Docker's oom/die/start events of the run's containers.
// The limit is a factor of the patched build's idle RSS, measured first on unlimited clusters of the
// same shape. BROWNOUT_CASCADE_SETTINGS lists settings as memoryFactor:rateKBps (default 1.5:8);
// each invocation adds its settings to bench/results/cascade.partial.json (BROWNOUT_CASCADE_FRESH=1
// starts over) and the report shows every setting run so far. Run it under the machine's cluster locks.
// One script over 300 lines on purpose: a bench is read top to bottom as the experiment it runs;
// its summary (the pure part) is cascade-summary.ts.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { evaluateMesh, mapLimit, parseTopology, serversOf, startCluster, type ServerEndpoint, type StartedCluster, type Topology } from '../clusters/index.ts';
import type { ServerSnapshot } from '../clusters/mesh.ts';
import { docker } from '../core/docker-engine.ts';
import { BadInputError } from '../core/errors.ts';
import { DEFAULT_NATS_TAG, patchedName, REPO_ROOT } from '../core/layout.ts';
import { monitorGet, type Gatewayz, type Routez, type Varz } from '../core/nats-monitoring.ts';
import { createProgress } from '../core/progress.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { socketQueues } from './socket-queues.ts';
import { pendingOf, summarizeCascade, tickPending, type CascadeSummary, type ContainerEvent, type ServerTick, type Tick } from './cascade-summary.ts';

const REGIONS = ['iad', 'lhr', 'syd'];
const PER_REGION = 6;
const VARIANTS = [DEFAULT_NATS_TAG, patchedName(DEFAULT_NATS_TAG)];
const PATCHED = patchedName(DEFAULT_NATS_TAG);
const SECONDS = Number(process.env.BROWNOUT_CASCADE_SECONDS ?? 90);
const BASELINE_MS = 5000;
/** From the full mesh to the idle reading: past the servers' STATSZ start-up ramp (ticks to 7.75 s). */
const IDLE_SETTLE_MS = 15_000;
const READ_TIMEOUT_MS = 900;
const MONITOR_PORT = 8222;
const GATEWAY_PORT = 7222;
/** clusters/docker-backend.ts PROXY_BASE_PORT: servers dial their outbound gateways at 17000 + i. */
const PROXY_PORTS = [17000, 18000];
const TOXIPROXY_API_PORT = 8474;
const run$ = promisify(execFile);

/** `ss -tnH` in the network namespace of the process `pid`; empty when it is gone. */
async function ssIn(pid: number): Promise<string> {
  return run$('nsenter', ['-t', String(pid), '-n', 'ss', '-tnH'], { timeout: 2000 }).then((r) => r.stdout, () => '');
}
const MIB = 1024 * 1024;
const PARTIAL = path.join(REPO_ROOT, 'bench', 'results', 'cascade.partial.json');

interface Setting { label: string; memoryFactor: number; rateKBps: number }
interface Idle { variant: string; runId: string; rssMedian: number; rssMax: number; cgroupMedian: number; cgroupMax: number }
interface Series { t: number; gatewayOutBytes: number; kernelQueued: number; proxyQueued: number; totalPending: number; maxServerPending: number; maxRss: number; maxCgroup: number; answering: number; running: number; restartCount: number; missingLinks: number }
interface RunResult {
  setting: Setting & { memoryMiB: number };
  variant: string;
  runId?: string;
  bootMs?: number;
  error?: string;
  /** Our stop + start per server: when it was back (ms from the restart) or why not. */
  restarts: { server: string; doneMs?: number; error?: string }[];
  summary?: CascadeSummary;
  series: Series[];
  events: ContainerEvent[];
}
interface Partial { idle: Idle[]; runs: RunResult[] }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)]! : 0; };

export function parseSettings(spec: string): Setting[] {
  return spec.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const m = /^(\d+(?:\.\d+)?):(\d+)$/.exec(s);
    if (!m || Number(m[1]) <= 0 || Number(m[2]) < 1) {
      throw new BadInputError(`BROWNOUT_CASCADE_SETTINGS: ${s}`, { problems: ['settings: memoryFactor:rateKBps, e.g. 1.5:8 (factor of patched idle RSS > 0, KB/s ≥ 1)'] });
    }
    return { label: s, memoryFactor: Number(m[1]), rateKBps: Number(m[2]) };
  });
}

function topologyOf(variant: string, docker?: Topology['docker']): Topology {
  return parseTopology({ variant, regions: REGIONS.map((name) => ({ name, servers: PER_REGION })), ...(docker ? { docker } : {}) });
}

const containerOf = (c: StartedCluster, server: string) => `brownout-${c.runId}-${server}`;

interface Read { tick: ServerTick; endpoint: ServerEndpoint; snap: ServerSnapshot | Error }

/** One server, read around the harness's cached addresses: Docker may have restarted it on a new IP. */
async function readServer(c: StartedCluster, e: ServerEndpoint): Promise<Read> {
  const st = await docker().getContainer(containerOf(c, e.name)).inspect().catch(() => undefined);
  const ip = st?.NetworkSettings.Networks[`brownout-${c.runId}-${e.region}`]?.IPAddress ?? '';
  const running = !!st?.State.Running;
  let cgroupBytes: number | undefined;
  if (running && st) {
    try { cgroupBytes = Number(readFileSync(`/sys/fs/cgroup/memory/docker/${st.Id}/memory.usage_in_bytes`, 'utf8')); } catch { /* cgroup v2 or gone */ }
  }
  const endpoint = { ...e, monitorUrl: `http://${ip}:${MONITOR_PORT}` };
  const tick: ServerTick = { name: e.name, running, restartCount: st?.RestartCount ?? 0, answered: false, cgroupBytes, routePending: 0, gatewayPending: 0 };
  if (running && st?.State.Pid) {
    const q = socketQueues(await ssIn(st.State.Pid), (local, peer) => local === GATEWAY_PORT || (peer >= PROXY_PORTS[0]! && peer < PROXY_PORTS[1]!));
    tick.kernelQueued = q.recvQ + q.sendQ;
  }
  if (!running || !ip) return { tick, endpoint, snap: new Error('not running') };
  try {
    const [varz, routez, gatewayz] = await Promise.all([
      monitorGet<Varz>(endpoint.monitorUrl, 'varz', READ_TIMEOUT_MS),
      monitorGet<Routez>(endpoint.monitorUrl, 'routez', READ_TIMEOUT_MS),
      monitorGet<Gatewayz>(endpoint.monitorUrl, 'gatewayz', READ_TIMEOUT_MS),
    ]);
    tick.answered = true;
    tick.serverId = varz.server_id;
    tick.rssBytes = varz.mem;
    tick.routePending = (routez.routes ?? []).reduce((n, r) => n + (r.pending_size ?? 0), 0);
    const conns = [...Object.values(gatewayz.outbound_gateways ?? {}), ...Object.values(gatewayz.inbound_gateways ?? {}).flat()];
    tick.gatewayPending = conns.reduce((n, g) => n + (g.connection?.pending_bytes ?? 0), 0);
    tick.gatewayOutBytes = conns.reduce((n, g) => n + (g.connection?.out_bytes ?? 0), 0);
    return { tick, endpoint, snap: { varz, routez, gatewayz } };
  } catch (err) {
    return { tick, endpoint, snap: err instanceof Error ? err : new Error(String(err)) };
  }
}

async function sample(c: StartedCluster, t: number): Promise<Tick> {
  const [reads, proxyQueued] = await Promise.all([mapLimit(c.endpoints(), 18, (e) => readServer(c, e)), proxyQueues(c)]);
  const mesh = evaluateMesh(reads.map((r) => r.endpoint), new Map(reads.map((r) => [r.endpoint.name, r.snap])));
  return { t, servers: reads.map((r) => r.tick), meshComplete: mesh.complete, missingLinks: mesh.missing.length, proxyQueued };
}

/** Recv-Q + Send-Q of every socket in the region proxies' namespaces but their API's. */
async function proxyQueues(c: StartedCluster): Promise<number> {
  const sums = await Promise.all(REGIONS.map(async (r) => {
    const st = await docker().getContainer(`brownout-${c.runId}-toxiproxy-${r}`).inspect().catch(() => undefined);
    if (!st?.State.Pid) return 0;
    const q = socketQueues(await ssIn(st.State.Pid), (local) => local !== TOXIPROXY_API_PORT);
    return q.recvQ + q.sendQ;
  }));
  return sums.reduce((n, x) => n + x, 0);
}

/** Docker's oom/die/start events of the run's containers, timed from `zero()`. */
async function watchEvents(runId: string, zero: () => number, out: ContainerEvent[]): Promise<() => void> {
  const stream = (await docker().getEvents({ filters: JSON.stringify({ label: [`brownout.run=${runId}`], type: ['container'], event: ['oom', 'die', 'start'] }) })) as NodeJS.ReadableStream & { destroy(): void };
  let buf = '';
  stream.on('data', (d: Buffer) => {
    buf += d.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i); buf = buf.slice(i + 1);
      try {
        const e = JSON.parse(line) as { Action: string; timeNano: number; Actor: { Attributes: Record<string, string> } };
        const server = e.Actor.Attributes['brownout.server'];
        if (!server) continue; // a Toxiproxy container
        const code = e.Actor.Attributes.exitCode;
        out.push({ t: Math.round(e.timeNano / 1e6 - zero()), server, event: e.Action as ContainerEvent['event'], ...(code !== undefined ? { exitCode: Number(code) } : {}) });
      } catch { /* partial line */ }
    }
  });
  stream.on('error', () => undefined);
  return () => stream.destroy();
}

async function measureIdle(variant: string, log: (s: string) => void): Promise<Idle> {
  const c = await startCluster(topologyOf(variant), { backend: 'docker', meshDeadlineMs: 180_000 });
  try {
    log(`${variant} idle: full mesh, reading in ${IDLE_SETTLE_MS / 1000} s (run ${c.runId})`);
    await sleep(IDLE_SETTLE_MS);
    const k = await sample(c, 0);
    const rss = k.servers.map((s) => s.rssBytes ?? 0).filter((x) => x > 0);
    const cg = k.servers.map((s) => s.cgroupBytes ?? 0).filter((x) => x > 0);
    return { variant, runId: c.runId, rssMedian: median(rss), rssMax: Math.max(...rss), cgroupMedian: median(cg), cgroupMax: Math.max(...cg) };
  } finally {
    await c.stop();
  }
}

function seriesOf(ticks: Tick[]): Series[] {
  return ticks.map((k) => ({
    t: k.t,
    gatewayOutBytes: k.servers.reduce((n, s) => n + (s.gatewayOutBytes ?? 0), 0),
    kernelQueued: k.servers.reduce((n, s) => n + (s.kernelQueued ?? 0), 0),
    proxyQueued: k.proxyQueued ?? 0,
    totalPending: tickPending(k),
    maxServerPending: Math.max(0, ...k.servers.map(pendingOf)),
    maxRss: Math.max(0, ...k.servers.map((s) => s.rssBytes ?? 0)),
    maxCgroup: Math.max(0, ...k.servers.map((s) => s.cgroupBytes ?? 0)),
    answering: k.servers.filter((s) => s.answered).length,
    running: k.servers.filter((s) => s.running).length,
    restartCount: k.servers.reduce((n, s) => n + s.restartCount, 0),
    missingLinks: k.missingLinks,
  }));
}

async function measureCascade(variant: string, setting: Setting, memoryMiB: number, log: (s: string) => void): Promise<RunResult> {
  const result: RunResult = { setting: { ...setting, memoryMiB }, variant, restarts: [], series: [], events: [] };
  const t0 = Date.now();
  let c: StartedCluster | undefined;
  let stopEvents = () => {};
  try {
    c = await startCluster(topologyOf(variant, { memoryMiB, restart: 'on-failure' }), { backend: 'docker', meshDeadlineMs: 180_000 });
    result.runId = c.runId;
    result.bootMs = Date.now() - t0;
    log(`${variant} ${setting.label} (${memoryMiB} MiB): up in ${(result.bootMs / 1000).toFixed(0)} s (run ${c.runId})`);
    let zero = Date.now() + BASELINE_MS;
    stopEvents = await watchEvents(c.runId, () => zero, result.events);
    // Both directions of every gateway connection, as chaos/faults/bandwidth.ts does.
    await c.links.addToxic({}, { type: 'bandwidth', rateKBps: setting.rateKBps, direction: 'both' });
    const ticks: Tick[] = [];
    const start = Date.now();
    zero = start + BASELINE_MS;
    let restarting: Promise<unknown> | undefined;
    for (let k = 0; k <= (BASELINE_MS / 1000) + SECONDS; k++) {
      const at = start + k * 1000;
      if (Date.now() > at + 500) continue; // the previous sample overran: skip rather than bunch up
      await sleep(at - Date.now());
      if (!restarting && at >= zero) {
        const cl = c;
        // Every server at once: our stop (SIGTERM) and start, which Docker's policy does not count.
        restarting = Promise.all(serversOf(cl.topology).map(async (s) => {
          try {
            await cl.server(s.name).restart();
            result.restarts.push({ server: s.name, doneMs: Date.now() - zero });
          } catch (err) {
            result.restarts.push({ server: s.name, error: (err as Error).message.slice(0, 200) });
          }
        }));
      }
      ticks.push(await sample(c, Date.now() - zero));
    }
    await restarting;
    result.summary = summarizeCascade(ticks, result.events, Object.fromEntries(result.restarts.map((x) => [x.server, x.doneMs ?? Infinity])));
    result.series = seriesOf(ticks);
    const dir = path.join(c.runDir, '..');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'cascade-ticks.json'), JSON.stringify({ variant, setting, memoryMiB, ticks, events: result.events }) + '\n');
    const s = result.summary;
    log(`${variant} ${setting.label}: peak pending ${kb(s.totalPending.value)}, peak RSS ${mib(s.rss.value)}, OOM kills ${s.oomKills}, policy restarts ${s.autoRestarts.length}, full mesh ${s.fullMeshAtMs === null ? 'never' : `at ${(s.fullMeshAtMs / 1000).toFixed(0)} s`}`);
  } catch (err) {
    result.error = (err as Error).message.slice(0, 300);
    log(`${variant} ${setting.label}: failed: ${result.error}`);
  } finally {
    stopEvents();
    await c?.stop();
  }
  return result;
}

/** How the settings of 2026-11-26 were chosen, before any of them ran, and not changed after. */
const SETTINGS_WHY = 'Settings (memoryFactor:rateKBps), chosen in this order: **1.5:8** — limit 1.5 × patched\'s median idle RSS (the rule set for this bench: headroom for a flood, not for idle), cap 8 KB/s per connection and direction, a few times the 10 s average gateway rate per connection direction of stock\'s half restarts in bench/results/statsz-growth.md (about 0.7 KB/s at 12 servers and 2 KB/s at 24: gateway out bytes / connection directions / 10 s), since a storm arrives in its first seconds. It showed no pending at all, so **1.5:1** lowered the bandwidth to about those averages, and **0.6:1** then lowered the memory to 12 MiB, about 1.5 × patched\'s idle *cgroup* count (what the OOM killer compares with the limit), since RSS counts the shared binary pages the cgroup does not.';

/**
 * Why, as far as these runs show (written from the runs of 2026-11-26 on this machine: re-read it
 * against the tables above after a new run). Facts checked by hand: tcp_wmem/tcp_rmem maxima of the
 * host, memory.kmem.tcp.usage_in_bytes of the server containers.
 */
const READING = [
  'What could explain it:',
  '- **The flood is small at 18 servers.** Over the window every gateway connection together carried about 0.7 to 1.3 MiB (the "gateway bytes sent" column: 0.1 to 0.2 KiB/s per capped direction on average, against caps of 1 and 8 KB/s). The storm grows as about n³ with the cluster (bench/results/statsz-growth.md); the seed\'s cluster was many times larger than these 18 servers. The mesh came back in 6 to 8 s in every run, about as soon as the servers themselves were back.',
  '- **A capped link\'s backlog sits in the kernel, not in nats-server.** /routez pending_size and /gatewayz pending_bytes grow only when a write to the socket would block, and before that the server\'s send buffer (tcp_wmem up to 4 MiB here) and Toxiproxy\'s receive buffer (tcp_rmem up to 32 MiB) must fill. The kernel-queue columns (Recv-Q + Send-Q from `ss` in the containers\' namespaces, sampled in setting 0.6:1 only: the first two settings ran before the column existed) show where it went: up to 261 KiB (stock) and 128 KiB (patched) in Toxiproxy\'s sockets, about 20 s after the restart, and at most 0.4 KiB in any server\'s gateway sockets. The servers wrote everything at once; the proxies drained it at the cap.',
  '- **That memory is not the container\'s.** With cgroup v1 and no kmem.tcp limit the kernel does not charge socket buffers to the container (memory.kmem.tcp.usage_in_bytes stays 0), so a memory limit cannot OOM-kill a server for its link\'s backlog; only nats-server\'s own buffers would count (its pending: on a route or gateway max_pending closes nothing, only clients are cut at it, so there the write deadline bounds it).',
  '- **RSS is not what the OOM killer counts.** Idle /varz mem (RSS, about 19 to 20 MiB) is more than the cgroup\'s own count (about 8 to 9 MiB): the binary\'s file pages are shared between containers and charged once. A limit of 1.5 × RSS (29 MiB) leaves about 19 MiB of headroom by the kernel\'s count; setting 0.6 (12 MiB, about 1.5 × patched\'s idle cgroup count) is the tighter limit by that count.',
  '- Not tried (each is a setting of its own): smaller socket buffers in the containers (net.ipv4.tcp_wmem/tcp_rmem are per namespace), so that the backlog reaches nats-server\'s pending; many more servers (another machine); kmem.tcp accounting (cgroup v2 charges socket memory to the container).',
].join('\n');

/** What the runs say, per build: the loop, OOM kills, the highest pending, how the mesh came back. */
function conclusion(p: Partial): string[] {
  return VARIANTS.map((v) => {
    const runs = p.runs.filter((r) => r.variant === v && r.summary);
    if (!runs.length) return `- **${v}**: no completed run.`;
    const loops = runs.filter((r) => r.summary!.loop).map((r) => r.setting.label);
    const ooms = runs.reduce((n, r) => n + r.summary!.oomKills, 0);
    const restarts = runs.reduce((n, r) => n + r.summary!.autoRestarts.length, 0);
    const top = runs.reduce((b, r) => (r.summary!.serverPending.value > b.summary!.serverPending.value ? r : b));
    const mesh = runs.map((r) => `${r.setting.label}: ${sec(r.summary!.fullMeshAtMs)}${r.summary!.meshFullAtEnd ? '' : ', not full at the end'}`).join('; ');
    return `- **${v}**: the loop ${loops.length ? `appeared in ${loops.join(', ')}` : `did not appear in any of ${runs.length} setting${runs.length === 1 ? '' : 's'} (${runs.map((r) => r.setting.label).join(', ')})`}; `
      + `${ooms} OOM kill${ooms === 1 ? '' : 's'} and ${restarts} policy restart${restarts === 1 ? '' : 's'} in all; highest pending on one server ${kb(top.summary!.serverPending.value)} (${top.setting.label}); full mesh again after ${mesh}.`;
  });
}

/** Gateway bytes the servers counted at the last sample (every connection is new since the restart), and their mean rate per capped direction. */
function gatewayText(r: RunResult): string {
  const last = r.series.at(-1);
  if (!last || last.gatewayOutBytes === undefined) return '-';
  const directions = 2 * REGIONS.length * PER_REGION * (REGIONS.length - 1); // every outbound gateway is one connection, two directions
  return `${kb(last.gatewayOutBytes)} (${(last.gatewayOutBytes / 1024 / directions / Math.max(1, last.t / 1000)).toFixed(2)} KiB/s)`;
}

const kb = (b: number) => `${(b / 1024).toFixed(b < 10 * 1024 ? 1 : 0)} KiB`;
const mib = (b: number) => `${(b / MIB).toFixed(1)} MiB`;
const sec = (ms: number | null | undefined) => (ms === null || ms === undefined ? 'never' : `${(ms / 1000).toFixed(0)} s`);

function load(): Partial {
  if (process.env.BROWNOUT_CASCADE_FRESH === '1' || !existsSync(PARTIAL)) return { idle: [], runs: [] };
  return JSON.parse(readFileSync(PARTIAL, 'utf8')) as Partial;
}

export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  const settings = parseSettings(process.env.BROWNOUT_CASCADE_SETTINGS ?? '1.5:8');
  const progress = createProgress('cascade');
  const log = (s: string) => progress.info(s);
  const state = load();
  const save = () => writeFileSync(PARTIAL, JSON.stringify(state, null, 2) + '\n');
  for (const v of VARIANTS) {
    if (state.idle.some((x) => x.variant === v)) continue;
    state.idle.push(await measureIdle(v, log));
    save();
  }
  const patchedIdle = state.idle.find((x) => x.variant === PATCHED)!;
  for (const setting of settings) {
    const memoryMiB = Math.ceil((setting.memoryFactor * patchedIdle.rssMedian) / MIB);
    for (const v of VARIANTS) {
      state.runs = state.runs.filter((r) => !(r.variant === v && r.setting.label === setting.label));
      state.runs.push(await measureCascade(v, setting, memoryMiB, log));
      save();
    }
  }
  return { name: 'The cascade: does a STATSZ flood feed itself through OOM kills?', markdown: render(state), data: { regions: REGIONS, perRegion: PER_REGION, seconds: SECONDS, ...state } };
}

function render(p: Partial): string {
  const lines = [
    `Docker backend, ${REGIONS.length} regions × ${PER_REGION} servers, nats-server's default ping and write deadline. Idle RSS per build: an unlimited cluster of the same shape, /varz mem and the container's cgroup memory.usage_in_bytes of every server ${IDLE_SETTLE_MS / 1000} s after the full mesh.`,
    `Each setting: every server container limited to memoryFactor × patched's median idle RSS (MemorySwap equal: no swap) with restart policy on-failure; every gateway connection through Toxiproxy capped at rateKBps in both directions; ${BASELINE_MS / 1000} s baseline, then every server restarted at once (our SIGTERM and start, which Docker's RestartCount does not count), sampled every second for ${SECONDS} s.`,
    'Each run\'s start time is in its run id (runs/<id>/cascade-ticks.json holds every sample); the date above is when this file was rendered from bench/results/cascade.partial.json (`BROWNOUT_CASCADE_SETTINGS=` renders without booting anything).',
    'Pending: /routez pending_size + /gatewayz pending_bytes (outbound and inbound), summed per server and over the cluster. OOM kills: Docker `oom` events. Policy restarts: RestartCount increments. Loop: policy restarts (with OOM kills) in two waves or more, more than 5 s apart.',
    '',
    '| build | idle RSS median / max | idle cgroup median / max | run |',
    '| --- | ---: | ---: | --- |',
    ...p.idle.map((i) => `| ${i.variant} | ${mib(i.rssMedian)} / ${mib(i.rssMax)} | ${mib(i.cgroupMedian)} / ${mib(i.cgroupMax)} | ${i.runId} |`),
    '',
    SETTINGS_WHY,
    '',
    '| setting | limit | KB/s | build | boot s | our restarts back | gateway bytes sent (mean per connection direction) | peak total pending | peak server pending | peak kernel queue (gateway sockets, one server) | peak queued in Toxiproxy sockets | peak RSS | peak cgroup | OOM kills | policy restarts | crashes | extra ID changes | full mesh again | full at end | waves | loop | run |',
    '| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | --- |',
  ];
  for (const r of p.runs) {
    const s = r.summary;
    const back = r.restarts.filter((x) => x.doneMs !== undefined);
    const backText = `${back.length}/${r.restarts.length}${back.length ? `, last at ${sec(Math.max(...back.map((x) => x.doneMs!)))}` : ''}`;
    if (!s) { lines.push(`| ${r.setting.label} | ${r.setting.memoryMiB} MiB | ${r.setting.rateKBps} | ${r.variant} | - | - | - | failed: ${r.error} |||||||||||||| ${r.runId ?? ''} |`); continue; }
    lines.push(`| ${r.setting.label} | ${r.setting.memoryMiB} MiB | ${r.setting.rateKBps} | ${r.variant} | ${((r.bootMs ?? 0) / 1000).toFixed(0)} | ${backText} | ${gatewayText(r)} | ${kb(s.totalPending.value)} at ${sec(s.totalPending.t)} | ${kb(s.serverPending.value)} (${s.serverPending.server ?? '-'}) | ${s.kernelQueued ? `${kb(s.kernelQueued.value)} (${s.kernelQueued.server ?? '-'}) at ${sec(s.kernelQueued.t)}` : 'not sampled'} | ${s.proxyQueued ? `${kb(s.proxyQueued.value)} at ${sec(s.proxyQueued.t)}` : 'not sampled'} | ${mib(s.rss.value)} (${s.rss.server ?? '-'}) | ${mib(s.cgroup.value)} | ${s.oomKills}${s.oomKilled.length ? ` (${s.oomKilled.join(', ')})` : ''} | ${s.autoRestarts.length} | ${s.crashes} | ${s.extraIdChanges} | ${sec(s.fullMeshAtMs)} | ${s.meshFullAtEnd ? 'yes' : 'no'} | ${s.waves.length} | ${s.loop ? 'yes' : 'no'} | ${r.runId} |`);
  }
  lines.push('', '## Conclusion', '', ...conclusion(p), '', READING);
  for (const r of p.runs.filter((x) => x.summary)) {
    lines.push('', `**${r.variant}, setting ${r.setting.label}** (${r.setting.memoryMiB} MiB, ${r.setting.rateKBps} KB/s), per 10 s after the restart:`, '',
      '| from s | max total pending | max server pending | max RSS | max cgroup | OOM kills | policy restarts | fewest answering | fewest missing links |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...r.summary!.buckets.map((b) => `| ${b.from / 1000} | ${kb(b.totalPendingMax)} | ${kb(b.serverPendingMax)} | ${mib(b.rssMax)} | ${mib(b.cgroupMax)} | ${b.ooms} | ${b.autoRestarts} | ${b.answeringMin}/${r.summary!.servers} | ${b.missingLinksMin} |`));
    if (r.summary!.waves.length) lines.push('', `Waves: ${r.summary!.waves.map((w) => `${sec(w.from)}–${sec(w.to)} (${w.servers.join(', ')})`).join('; ')}`);
    const failed = r.restarts.filter((x) => x.error);
    if (failed.length) lines.push('', `Our restarts that failed: ${failed.map((x) => `${x.server}: ${x.error}`).join('; ')}`);
  }
  return lines.join('\n');
}
