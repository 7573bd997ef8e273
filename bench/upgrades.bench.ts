// Rolling upgrades across minor versions, on one 3 × 3 cluster (local backend) that lives through
// all of them: v2.10.14+brownout (what our users run) → v2.12.15 → v2.15.3, then the downgrade
// v2.15.3 → v2.10.14+brownout (what a rollback does), each a canary → region → global playbook with
// every server through lame duck (30 s / grace 5 s), the canary compared with a baseline peer of its
// own region, short soaks. A canary the comparison finds inconclusive pauses: the bench records what
// the comparison said and promotes, as an operator would once the reason is understood. Then a
// mixed-version cluster judged as one: iad on v2.10.14+brownout, lhr on v2.12.15, syd on v2.15.3,
// through statsz-storm and packet-loss with their default thresholds, and a 180 s quiet soak with
// every default threshold, on both backends (BROWNOUT_BENCH_BACKENDS=local narrows it).
import { parseTopology, readState, startCluster } from '../clusters/index.ts';
import { threeByThree } from '../chaos/scenarios/common.ts';
import { createProgress } from '../core/progress.ts';
import { clusterDown } from '../harness/cli/cluster.ts';
import { RolloutController } from '../harness/rollout/controller/controller.ts';
import type { RolloutState } from '../harness/rollout-model/index.ts';
import { executePlan } from '../harness/run/execute-plan.ts';
import { planRun } from '../harness/run/plan-run.ts';
import { ensureVariant } from '../harness/variants/registry.ts';
import { DEFAULT_NATS_TAG, patchedName } from '../core/layout.ts';

const PATCHED = patchedName(DEFAULT_NATS_TAG);
const HOPS: [string, string][] = [[PATCHED, 'v2.12.15'], ['v2.12.15', 'v2.15.3'], ['v2.15.3', PATCHED]];
const MIXED: Record<string, string> = { iad: PATCHED, lhr: 'v2.12.15', syd: 'v2.15.3' };
const BACKENDS = (process.env.BROWNOUT_BENCH_BACKENDS ?? 'local,docker').split(',') as ('local' | 'docker')[];
const LAME_DUCK = { durationSeconds: 30, graceSeconds: 5 };

interface Hop {
  from: string; to: string; id: string; phase: string; message: string; wallSeconds: number;
  stages: { name: string; phase: string; gates: { gate: string; outcome: string; observed: string; evidence: string }[] }[];
  servers: { server: string; lameDuckMs: number; startMs: number; meshMs: number; step: string }[];
  promoted: string[];
}
interface MixedRun { backend: string; scenario: string; pass: boolean; runId: string; failed: { name: string; observed: string; evidence: string[] }[] }

const playbook = (runId: string, from: string, to: string) => `
name: hop
cluster: { attach: ${runId} }
baseline: ${from}
target: ${to}
seed: 7
stages:
  - kind: canary
    region: iad
    upgrade: { lameDuck: { enabled: true, durationSeconds: ${LAME_DUCK.durationSeconds}, graceSeconds: ${LAME_DUCK.graceSeconds} } }
    soakSeconds: 30
    gates:
      - threshold: statsz.maxPerServerPerSecond
      - threshold: statsz.maxExcessPerRestart
      - threshold: recovery.noneStuck
      - threshold: probe.maxLossOutsideFaults
      - compare: { metrics: [statsz.rate, rss, cpu, reconnects], pass: 95, marginal: 75 }
    onFailure: rollback
  - kind: region
    upgrade: { batchSize: 1, lameDuck: { durationSeconds: ${LAME_DUCK.durationSeconds}, graceSeconds: ${LAME_DUCK.graceSeconds} } }
    soakSeconds: 20
  - kind: global
    upgrade: { batchSize: 2, lameDuck: { durationSeconds: ${LAME_DUCK.durationSeconds}, graceSeconds: ${LAME_DUCK.graceSeconds} } }
    soakSeconds: 30
`;

const TERMINAL = ['succeeded', 'rolled-back', 'rollback-failed', 'error'];

async function hop(runId: string, from: string, to: string): Promise<Hop> {
  const progress = createProgress(`upgrades ${from} → ${to}`);
  const c = new RolloutController({ progress, statusEverySeconds: 30 });
  const t0 = Date.now();
  const promoted: string[] = [];
  try {
    const s = await c.start({ playbook: playbook(runId, from, to), source: `${from}-to-${to}.yaml` });
    let end: RolloutState;
    for (const deadline = Date.now() + 25 * 60_000; ; ) {
      end = c.get(s.id);
      if (TERMINAL.includes(end.phase)) break;
      if (end.phase === 'paused') {
        const st = end.stages[end.currentStage ?? 0]!;
        promoted.push(`${st.name}: ${end.message}`);
        await c.promote(s.id, 'bench: recorded the inconclusive comparison; a cross-version difference');
      }
      if (Date.now() > deadline) throw new Error(`rollout ${s.id} still ${end.phase} after 25 min`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    await c.settled(s.id);
    end = c.get(s.id);
    return {
      from, to, id: end.id, phase: end.phase, message: end.message, wallSeconds: Math.round((Date.now() - t0) / 1000),
      stages: end.stages.map((st) => ({ name: st.name, phase: st.phase, gates: st.gates.map((g) => ({ gate: g.gate, outcome: g.outcome, observed: g.observed, evidence: g.evidence })) })),
      servers: [...end.stages.flatMap((st) => st.servers), ...(end.rollback?.servers ?? [])].map((u) => ({ server: u.server, lameDuckMs: u.lameDuckMs, startMs: u.startMs, meshMs: u.meshMs, step: u.step })),
      promoted,
    };
  } finally {
    await c.close();
  }
}

async function mixed(backend: 'local' | 'docker'): Promise<MixedRun[]> {
  const progress = createProgress(`upgrades mixed ${backend}`);
  const variants = Object.fromEntries(['iad', 'lhr', 'syd'].flatMap((r) => [1, 2, 3].map((i) => [`${r}-${i}`, MIXED[r]!])));
  const out: MixedRun[] = [];
  const scenarios: { name: string; input: unknown }[] = [
    { name: 'statsz-storm', input: undefined },
    { name: 'packet-loss', input: undefined },
    {
      name: 'quiet-180s',
      input: { name: 'quiet', description: 'a mixed 2.10 / 2.12 / 2.15 super-cluster held 180 s without a fault, every default threshold', topology: { ...threeByThree, variants }, steps: [{ name: 'hold', holdSeconds: 180 }], settleSeconds: 0, detectors: ['statsz.maxPerServerPerSecond', 'recovery.noneStuck'], thresholds: {} },
    },
  ];
  for (const sc of scenarios) {
    // Built-in scenarios keep their steps; the topology gets the per-region variants.
    const { SCENARIOS } = await import('../chaos/scenarios/index.ts');
    const base = sc.input ?? { ...(SCENARIOS as Record<string, object>)[sc.name], topology: { ...threeByThree, variants } };
    const r = await executePlan(planRun({ scenario: { input: base, source: `bench/upgrades.bench.ts (${sc.name}, mixed)` }, variant: PATCHED, backend, seed: 1 }), { progress, statusEverySeconds: 30 });
    out.push({
      backend, scenario: sc.name, pass: r.verdict.pass && !r.incomplete, runId: r.runId,
      failed: r.verdict.results.filter((x) => !x.pass).map((x) => ({ name: x.name, observed: x.observed, evidence: x.evidence.slice(0, 3) })),
    });
    progress.info(`${sc.name}: ${out.at(-1)!.pass ? 'PASS' : `FAIL ${out.at(-1)!.failed.map((f) => f.name).join(', ')}`}`);
  }
  return out;
}

export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  const progress = createProgress('upgrades');
  for (const v of new Set([PATCHED, ...HOPS.flat()])) await ensureVariant(v, { progress });
  const cl = await startCluster(parseTopology({ ...threeByThree, gatewayAuthTimeoutSec: undefined, variant: PATCHED, lameDuck: LAME_DUCK }), { backend: 'local', progress });
  cl.detach();
  const hops: Hop[] = [];
  try {
    // A hop rolled back (the cluster is on its baseline again) is tried once more, as an operator
    // would after reading why; both attempts are reported.
    hops: for (const [from, to] of HOPS) {
      for (let attempt = 1; attempt <= 2; attempt++) {
        const h = await hop(cl.runId, from, to);
        hops.push(h);
        progress.info(`${from} → ${to} (attempt ${attempt}): ${h.phase} in ${h.wallSeconds} s${h.promoted.length ? ` (promoted: ${h.promoted.join('; ')})` : ''}`);
        if (h.phase === 'succeeded') continue hops;
        if (h.phase !== 'rolled-back') break hops;
      }
      break;
    }
  } finally {
    if (readState(cl.runId)) await clusterDown({ run: cl.runId }, () => {});
  }
  const mixedRuns: MixedRun[] = [];
  for (const b of BACKENDS) mixedRuns.push(...await mixed(b));

  const ms = (x: number) => `${(x / 1000).toFixed(1)} s`;
  const markdown = [
    `One 3 × 3 cluster (local backend) through every hop in turn; lame duck ${LAME_DUCK.durationSeconds} s / grace ${LAME_DUCK.graceSeconds} s on every server; soaks 30 / 20 / 30 s.`,
    'The canary is compared with a baseline peer of its region on statsz.rate, rss, cpu and reconnects (pass ≥ 95, marginal ≥ 75); a paused canary is promoted by the bench after its reason is recorded.',
    '',
    '| hop | result | wall | paused and promoted | lame duck per server (median) | canary gates |',
    '| --- | --- | --- | --- | --- | --- |',
    ...hops.map((h) => {
      const ld = h.servers.map((s) => s.lameDuckMs).sort((a, b) => a - b);
      const canary = h.stages[0]?.gates.map((g) => `${g.gate} ${g.outcome}`).join(', ') ?? '';
      return `| ${h.from} → ${h.to} | ${h.phase} | ${h.wallSeconds} s | ${h.promoted.length ? h.promoted.join('; ') : 'no'} | ${ld.length ? ms(ld[Math.floor(ld.length / 2)]!) : '–'} | ${canary} |`;
    }),
    '',
    'Gates that did not pass, with evidence:',
    ...(hops.flatMap((h) => h.stages.flatMap((st) => st.gates.filter((g) => g.outcome !== 'pass').map((g) => `- ${h.from} → ${h.to}, ${st.name}: ${g.gate} ${g.outcome}, ${g.observed}: ${g.evidence}`))).length
      ? hops.flatMap((h) => h.stages.flatMap((st) => st.gates.filter((g) => g.outcome !== 'pass').map((g) => `- ${h.from} → ${h.to}, ${st.name}: ${g.gate} ${g.outcome}, ${g.observed}: ${g.evidence}`)))
      : ['- none']),
    '',
    `## A mixed-version cluster judged as one (iad ${MIXED.iad}, lhr ${MIXED.lhr}, syd ${MIXED.syd})`,
    '',
    '| backend | scenario | verdict | failed thresholds |',
    '| --- | --- | --- | --- |',
    ...mixedRuns.map((m) => `| ${m.backend} | ${m.scenario} | ${m.pass ? 'PASS' : 'FAIL'} | ${m.failed.map((f) => `${f.name} (${f.observed}): ${f.evidence.join(' / ')}`).join('; ') || '–'} |`),
  ].join('\n');
  return { name: 'Rolling upgrades across nats-server minors', markdown, data: { hops, mixed: mixedRuns } };
}
