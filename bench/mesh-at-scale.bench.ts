// Time to full mesh at scale, and where the time goes: the local backend boots 30, 48 and 96
// servers; per run, boot (every monitor answering), mesh (every route and gateway up after that),
// and the CPU seconds spent meanwhile by the nats-servers (from /proc, spawn to full mesh), by
// Toxiproxy and by this harness process. On a machine with C cores, work that needs S CPU
// seconds cannot take less than S / C seconds of wall time, whatever the harness does: the
// "floor" column. Route pool size 1 (nats-server 2.10 defaults to 3) is measured beside the
// default at 96 to show how much of the servers' work is the route mesh.
// BROWNOUT_BENCH_SHAPES overrides the shapes (e.g. 4x24,6x16); run under the machine's cluster lock.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { runProcesses, startCluster, type StartedCluster } from '../clusters/index.ts';
import { listStates, readState } from '../clusters/state-file.ts';
import { DEFAULT_NATS_TAG, patchedName } from '../core/layout.ts';
import { createProgress } from '../core/progress.ts';
import { parseProcStat } from '../harness/observe/local-process.ts';
import { withClusterLock } from './cluster-lock.ts';
import { parseShape, shapeTopology, type Shape } from './shapes.ts';

interface Sample {
  shape: string;
  servers: number;
  pool: number;
  bootMs: number;
  meshMs: number;
  totalMs: number;
  serversCpuS: number;
  toxiproxyCpuS: number;
  harnessCpuS: number;
  floorS: number;
  /** Seconds stop() took, and what was left after it returned (processes of the run, its state file). */
  stopS: number;
  leftAfterStop: string[];
  error?: string;
}

/** CPU seconds (user + system) a process has used so far; 0 for one that is gone. */
function processCpuSeconds(pid: number): number {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).cpuSeconds;
  } catch {
    return 0;
  }
}

function localPids(c: StartedCluster): { servers: number[]; toxiproxy?: number } {
  const st = readState(c.runId)?.local;
  if (!st) return { servers: [] };
  return { servers: Object.values(st.servers).map((s) => s.pid).filter((p): p is number => p !== null), toxiproxy: st.toxiproxy.pid };
}

/** Boot, mesh and measure, stop, then look for anything the run left. */
async function measure(shape: Shape): Promise<Sample> {
  const topology = shapeTopology(shape, patchedName(DEFAULT_NATS_TAG));
  const servers = shape.regions * shape.perRegion;
  const base = { shape: shape.label, servers, pool: shape.pool ?? 3 };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let c: StartedCluster | undefined;
  let run: { runId: string; runDir: string } | undefined;
  let sample: Sample;
  try {
    c = await startCluster(topology, { backend: 'local', meshDeadlineMs: 0 });
    run = { runId: c.runId, runDir: c.runDir };
    const t1 = performance.now();
    await c.waitForMesh(240_000);
    const t2 = performance.now();
    const pids = localPids(c);
    const cpu = process.cpuUsage(cpu0);
    const serversCpuS = pids.servers.reduce((n, p) => n + processCpuSeconds(p), 0);
    const toxiproxyCpuS = pids.toxiproxy ? processCpuSeconds(pids.toxiproxy) : 0; // read before stop(): a gone process reads 0
    const s0 = performance.now();
    await c.stop();
    c = undefined;
    const stopS = round1((performance.now() - s0) / 1000);
    sample = {
      ...base, bootMs: Math.round(t1 - t0), meshMs: Math.round(t2 - t1), totalMs: Math.round(t2 - t0), stopS, leftAfterStop: [],
      serversCpuS: round1(serversCpuS), toxiproxyCpuS: round1(toxiproxyCpuS),
      harnessCpuS: round1((cpu.user + cpu.system) / 1e6), floorS: round1(serversCpuS / os.availableParallelism()),
    };
  } catch (err) {
    sample = { ...base, bootMs: NaN, meshMs: NaN, totalMs: Math.round(performance.now() - t0), serversCpuS: NaN, toxiproxyCpuS: NaN, harnessCpuS: NaN, floorS: NaN, stopS: NaN, leftAfterStop: [], error: (err as Error).message.slice(0, 200) };
  } finally {
    await c?.stop();
  }
  const left = run ? [
    ...runProcesses(run.runDir).map((p) => `process ${p}`),
    ...(listStates().some((x) => x.runId === run!.runId) ? [`state file ${run.runId}`] : []),
  ] : [];
  return { ...sample, leftAfterStop: left };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');

export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  const shapes = (process.env.BROWNOUT_BENCH_SHAPES ?? '3x10,4x12,4x24,6x16,4x24p1').split(',').filter((x) => x.trim()).map((x) => parseShape(x, 'BROWNOUT_BENCH_SHAPES'));
  const progress = createProgress('mesh-at-scale');
  const samples: Sample[] = [];
  for (const shape of shapes) {
    progress.info(`${shape.label}: booting ${shape.regions * shape.perRegion} servers ...`);
    const s = await withClusterLock(shape.label, () => measure(shape), (m) => progress.info(m));
    progress.info(`${shape.label}: ${s.error ? `failed: ${s.error}` : `boot ${fmt(s.bootMs / 1000)} s, mesh ${fmt(s.meshMs / 1000)} s, servers ${s.serversCpuS} CPU-s`}`);
    samples.push(s);
  }
  const cores = os.availableParallelism();
  const markdown = [
    `Local backend, patched servers (${patchedName(DEFAULT_NATS_TAG)}), one run per shape, ${cores} cores. Boot: startCluster() until every monitor answers (servers started 32 at a time); mesh: from then until every route and gateway is up.`,
    'CPU seconds from /proc (user + system) spent from spawn to full mesh: every nats-server together, Toxiproxy, and the harness process. Floor = servers\' CPU seconds / cores: the least wall time their own work can take on this machine.',
    'Stop: how long `stop()` took; left: processes of the run (found by its run folder in their command line) and its state file after stop() returned.',
    '',
    '| shape | servers | route pool | boot s | mesh s | total s | servers CPU-s | floor s | Toxiproxy CPU-s | harness CPU-s | stop s | left after stop | error |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...samples.map((s) => `| ${s.shape} | ${s.servers} | ${s.pool} | ${fmt(s.bootMs / 1000)} | ${fmt(s.meshMs / 1000)} | ${fmt(s.totalMs / 1000)} | ${fmt(s.serversCpuS)} | ${fmt(s.floorS)} | ${fmt(s.toxiproxyCpuS)} | ${fmt(s.harnessCpuS)} | ${fmt(s.stopS)} | ${s.leftAfterStop.join(', ') || 'nothing'} | ${s.error ?? ''} |`),
  ].join('\n');
  return { name: 'Time to full mesh at scale, and whose CPU it is', markdown, data: { cores, samples } };
}
