// Time to full mesh: how long from startCluster() to every route and gateway up, for 3x3 and 5x6 on
// both backends. Boot (processes/containers answering) and mesh (routes and gateways after that)
// are timed apart. 5x6 on docker is 30 containers + 5 Toxiproxies: set BROWNOUT_BENCH_DOCKER_5X6=0
// to skip it on a small machine.
import { parseTopology, presets, resolveBackend, startCluster, type BackendName, type TopologyInput } from '../clusters/index.ts';
import { dockerAvailable } from '../clusters/docker-resources.ts';
import { DEFAULT_NATS_TAG, patchedName } from '../core/layout.ts';

interface Sample {
  backend: BackendName;
  shape: string;
  servers: number;
  bootMs: number;
  meshMs: number;
  totalMs: number;
}

const SHAPES: Record<string, TopologyInput> = { '3x3': presets['three-regions'], '5x6': presets['five-regions'] };
const REPEATS = { '3x3': 3, '5x6': 1 } as Record<string, number>;

async function measure(backend: BackendName, shape: string): Promise<Sample> {
  const topology = parseTopology({ ...SHAPES[shape], variant: patchedName(DEFAULT_NATS_TAG), ping: { interval: '1s', max: 2 } });
  const t0 = performance.now();
  const c = await startCluster(topology, { backend, meshDeadlineMs: 0 });
  try {
    const t1 = performance.now();
    await c.waitForMesh(180_000);
    const t2 = performance.now();
    return { backend, shape, servers: c.endpoints().length, bootMs: Math.round(t1 - t0), meshMs: Math.round(t2 - t1), totalMs: Math.round(t2 - t0) };
  } finally {
    await c.stop();
  }
}

export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  const backends: BackendName[] = ['local'];
  if (await dockerAvailable()) backends.push(await resolveBackend('docker'));
  const samples: Sample[] = [];
  const skipped: string[] = [];
  for (const backend of backends) {
    for (const shape of Object.keys(SHAPES)) {
      if (backend === 'docker' && shape === '5x6' && process.env.BROWNOUT_BENCH_DOCKER_5X6 === '0') {
        skipped.push('docker 5x6 (BROWNOUT_BENCH_DOCKER_5X6=0)');
        continue;
      }
      for (let i = 0; i < (REPEATS[shape] ?? 1); i++) samples.push(await measure(backend, shape));
    }
  }
  if (!backends.includes('docker')) skipped.push('docker (no engine answers)');
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const rows = backends.flatMap((backend) => Object.keys(SHAPES).map((shape) => {
    const s = samples.filter((x) => x.backend === backend && x.shape === shape);
    if (s.length === 0) return undefined;
    return { backend, shape, servers: s[0]!.servers, runs: s.length, bootMs: median(s.map((x) => x.bootMs)), meshMs: median(s.map((x) => x.meshMs)), totalMs: median(s.map((x) => x.totalMs)) };
  })).filter((r) => r !== undefined);
  const markdown = [
    'Time from `startCluster()` to every route and gateway up (medians; boot = monitors answering, mesh = the rest).',
    '',
    '| backend | topology | servers | runs | boot ms | mesh ms | total ms |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.backend} | ${r.shape} | ${r.servers} | ${r.runs} | ${r.bootMs} | ${r.meshMs} | ${r.totalMs} |`),
    ...(skipped.length ? ['', `Skipped: ${skipped.join('; ')}.`] : []),
  ].join('\n');
  return { name: 'Cluster time to full mesh', markdown, data: { samples, medians: rows, skipped } };
}
