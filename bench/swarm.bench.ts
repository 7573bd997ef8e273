// Swarm versus docker on this one machine: boot (services/containers answering), mesh (every route
// and gateway after that) and teardown, for 3x3 and 5x6, with the harness's own CPU time; then the
// largest shape that meshes on the local swarm lab (5 engines, one per region). The bench brings the
// lab up (5 regions) and down again unless one with those regions is already up, which it keeps.
import { parseTopology, presets, startCluster, type BackendName, type TopologyInput } from '../clusters/index.ts';
import { dockerAvailable } from '../clusters/docker-resources.ts';
import { labEnvironment } from '../clusters/swarm-lab-plan.ts';
import { labDown, labStatus, labUp } from '../clusters/swarm-lab.ts';
import { DEFAULT_NATS_TAG, patchedName } from '../core/layout.ts';
import { createProgress } from '../core/progress.ts';

const REGIONS = ['iad', 'lhr', 'syd', 'fra', 'sfo'];
const SHAPES: Record<string, TopologyInput> = { '3x3': presets['three-regions'], '5x6': presets['five-regions'] };
const REPEATS: Record<string, number> = { '3x3': 2, '5x6': 1 };
/** Tried in order on swarm after the table; the first that does not mesh in time ends the search. */
const LARGER = [10, 14, 19];

interface Sample { backend: BackendName; shape: string; servers: number; bootMs: number; meshMs: number; teardownMs: number; harnessCpuMs: number; meshed: boolean; error?: string }

async function measure(backend: BackendName, shape: string, input: TopologyInput, meshDeadlineMs = 180_000): Promise<Sample> {
  const topology = parseTopology({ ...input, variant: patchedName(DEFAULT_NATS_TAG), ping: { interval: '1s', max: 2 } });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const c = await startCluster(topology, { backend, meshDeadlineMs: 0 }).catch((e: Error) => e);
  const t1 = performance.now();
  if (c instanceof Error) {
    // Did not boot (a server's monitor did not answer in time): startCluster removed what it made.
    const cpu = process.cpuUsage(cpu0);
    return { backend, shape, servers: topology.regions.reduce((n, r) => n + r.servers, 0), bootMs: Math.round(t1 - t0), meshMs: 0, teardownMs: 0, harnessCpuMs: Math.round((cpu.user + cpu.system) / 1000), meshed: false, error: c.message.slice(0, 200) };
  }
  let meshed = true;
  let error: string | undefined;
  await c.waitForMesh(meshDeadlineMs).catch((e: Error) => { meshed = false; error = e.message.slice(0, 200); });
  const t2 = performance.now();
  await c.stop();
  const t3 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  return { backend, shape, servers: c.endpoints().length, bootMs: Math.round(t1 - t0), meshMs: Math.round(t2 - t1), teardownMs: Math.round(t3 - t2), harnessCpuMs: Math.round((cpu.user + cpu.system) / 1000), meshed, ...(error ? { error } : {}) };
}

export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  const progress = createProgress('swarm bench');
  const before = await labStatus();
  const reuse = before.up && before.nodes.map((n) => n.region).join() === REGIONS.join();
  if (before.up && !reuse) await labDown(progress);
  const plan = await labUp({ regions: REGIONS, progress });
  Object.assign(process.env, labEnvironment(plan));
  const samples: Sample[] = [];
  try {
    const backends: BackendName[] = (await dockerAvailable()) ? ['docker', 'swarm'] : ['swarm'];
    for (const backend of backends) {
      for (const shape of Object.keys(SHAPES)) {
        for (let i = 0; i < REPEATS[shape]!; i++) {
          const s = await measure(backend, shape, SHAPES[shape]!);
          progress.info(`${backend} ${shape}: boot ${s.bootMs} ms, mesh ${s.meshMs} ms, teardown ${s.teardownMs} ms, harness CPU ${s.harnessCpuMs} ms`);
          samples.push(s);
        }
      }
    }
    for (const n of LARGER) {
      const s = await measure('swarm', `5x${n}`, { regions: REGIONS.map((name) => ({ name, servers: n })) }, 240_000);
      progress.info(`swarm 5x${n}: ${s.meshed ? 'meshed' : 'did not mesh'} in ${s.bootMs + s.meshMs} ms`);
      samples.push(s);
      if (!s.meshed) break;
    }
  } finally {
    if (!reuse) await labDown(progress);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const keys = [...new Set(samples.map((s) => `${s.backend} ${s.shape}`))];
  const rows = keys.map((k) => {
    const s = samples.filter((x) => `${x.backend} ${x.shape}` === k);
    return { backend: s[0]!.backend, shape: s[0]!.shape, servers: s[0]!.servers, runs: s.length, meshed: s.every((x) => x.meshed), bootMs: median(s.map((x) => x.bootMs)), meshMs: median(s.map((x) => x.meshMs)), teardownMs: median(s.map((x) => x.teardownMs)), harnessCpuMs: median(s.map((x) => x.harnessCpuMs)) };
  });
  const largest = rows.filter((r) => r.backend === 'swarm' && r.meshed).sort((a, b) => b.servers - a.servers)[0];
  const markdown = [
    'One 2-core machine shared with other work. Swarm: the local lab (`npm run swarm-lab`), 5 Docker engines in their own',
    'namespaces, one per region, joined into one swarm; docker: the host engine. Medians; boot = every server\'s monitor',
    'answering, mesh = every route and gateway after that, teardown = `stop()` until nothing is left, harness CPU = this',
    'process\'s user+system time over the three.',
    '',
    '| backend | topology | servers | runs | meshed | boot ms | mesh ms | teardown ms | harness CPU ms |',
    '| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.backend} | ${r.shape} | ${r.servers} | ${r.runs} | ${r.meshed ? 'yes' : 'no'} | ${r.bootMs} | ${r.meshMs} | ${r.teardownMs} | ${r.harnessCpuMs} |`),
    '',
    `Largest shape that meshed on this machine's swarm: ${largest ? `${largest.shape} (${largest.servers} servers)` : 'none'}` +
      `${samples.some((s) => !s.meshed) ? `; ${samples.filter((s) => !s.meshed).map((s) => `${s.shape}: ${s.error}`).join('; ')}` : ' (larger shapes were not tried)'}.`,
    '',
    'Every engine of the lab runs on the same 2 cores, so the swarm here measures the swarm\'s own overhead (overlay',
    'networks, scheduling, one engine per node), not more capacity. On several hosts the mesh bound moves: the servers\'',
    'own CPU bounds it (bench/results/mesh-at-scale.md gives CPU-seconds per server), and each host adds its cores.',
  ].join('\n');
  return { name: 'Swarm versus docker: boot, mesh, teardown', markdown, data: { samples, rows } };
}
