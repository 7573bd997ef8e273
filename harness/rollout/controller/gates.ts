// A stage's gates judged over its window: the thresholds (the scenarios' registry and checks, with
// the stage's bounds and settings) and the canary-vs-baseline comparison on per-server series cut
// from the same timeline. Pure: records in, gate results out.
import type { TimelineRecord } from '../../timeline/records.ts';
import { judge } from '../../verdict/judge.ts';
import { CHECK_KEYS, THRESHOLD_KEYS, type ThresholdKey, type Thresholds } from '../../verdict/registry.ts';
import { judgeCompareGate } from '../canary-gate.ts';
import type { CanarySeries } from '../judge/judge-canary.ts';
import type { MetricResult } from '../judge/classify.ts';
import type { Stage } from '../playbook.ts';
import type { CanaryComparison, GateResult, MetricComparison } from './state.ts';

/** Only the stage's gated thresholds are checked (each at its bound); its settings apply. */
export function stageThresholds(stage: Stage): Thresholds {
  const out: Record<string, Record<string, unknown>> = {};
  const set = (key: string, v: unknown) => {
    const [g, f] = key.split('.') as [string, string];
    (out[g] ??= {})[f] = v;
  };
  for (const k of CHECK_KEYS) set(k, null);
  for (const g of stage.gates.thresholds) set(g.threshold, g.bound);
  for (const [k, v] of Object.entries(stage.settings)) if ((THRESHOLD_KEYS as readonly string[]).includes(k)) set(k, v);
  return out as Thresholds;
}

/**
 * Every threshold gate of the stage. A gate with nothing to judge (no link went down, so no
 * recovery to time) is reported as no-data and decides nothing: a rollout gate guards what did
 * happen in its window.
 */
export function judgeThresholdGates(stage: Stage, records: readonly TimelineRecord[]): GateResult[] {
  const verdict = judge(records, stageThresholds(stage), { detectors: [] });
  const gated = new Set<string>(stage.gates.thresholds.map((g) => g.threshold));
  return verdict.results.filter((r) => gated.has(r.name)).map((r) => ({
    stage: stage.name,
    gate: r.name,
    outcome: r.status === 'pass' ? 'pass' : r.status === 'fail' ? 'fail' : 'no-data',
    observed: r.observed,
    bound: r.bound,
    evidence: r.evidence.join('; '),
  }));
}

const MIB = 1024 * 1024;

/**
 * Per metric, the canary's and the baseline's samples in [from, to]. statsz.rate: messages per
 * whole second (0 for a second with none); rss (MiB) and cpu (%): each /varz sample; reconnects:
 * per /varz sample, the server's routes and gateways that came back up since its previous sample;
 * probe.latency: not per server (the probe measures region pairs), so no samples.
 */
export function canarySeries(records: readonly TimelineRecord[], canary: string, baseline: string, from: number, to: number): CanarySeries {
  const series: CanarySeries = {};
  const perServer = (name: string) => {
    const secs = new Map<number, number>();
    for (let s = Math.ceil(from / 1000) * 1000; s + 1000 <= to; s += 1000) secs.set(s, 0);
    const rss: number[] = [];
    const cpu: number[] = [];
    const reconnects: number[] = [];
    const ups = records.filter((r): r is Extract<TimelineRecord, { kind: 'link' }> =>
      r.kind === 'link' && r.server === name && r.state === 'up' && r.previous !== null && r.previous !== 'up').map((r) => r.t);
    let last = from;
    for (const r of records) {
      if (r.t < from || r.t > to) continue;
      if (r.kind === 'statsz' && r.serverName === name && secs.has(r.second)) secs.set(r.second, secs.get(r.second)! + r.msgs);
      if (r.kind === 'varz' && r.server === name && r.intervalMs > 0) {
        rss.push(r.rssBytes / MIB);
        cpu.push(r.cpuPercent);
        reconnects.push(ups.filter((t) => t > last && t <= r.t).length);
        last = r.t;
      }
    }
    return { statsz: [...secs.values()], rss, cpu, reconnects };
  };
  const c = perServer(canary);
  const b = perServer(baseline);
  series['statsz.rate'] = { canary: c.statsz, baseline: b.statsz };
  series.rss = { canary: c.rss, baseline: b.rss };
  series.cpu = { canary: c.cpu, baseline: b.cpu };
  series.reconnects = { canary: c.reconnects, baseline: b.reconnects };
  series['probe.latency'] = { canary: [], baseline: [] };
  return series;
}

const NO_PER_SERVER: Record<string, string> = {
  'probe.latency': 'no per-server samples: the log-stream probe measures region pairs, not servers',
};

function metricComparison(m: MetricResult): MetricComparison {
  return {
    name: m.name,
    class: m.class === 'nodata' ? 'no-data' : m.class,
    harmful: m.harmful,
    canarySamples: m.canarySamples,
    baselineSamples: m.baselineSamples,
    pValue: m.test?.p ?? 0,
    shift: m.shift?.estimate ?? 0,
    shiftLower: m.shift?.lower ?? 0,
    shiftUpper: m.shift?.upper ?? 0,
    reason: m.class === 'nodata' && NO_PER_SERVER[m.name] ? NO_PER_SERVER[m.name]! : m.reason,
  };
}

/** The comparison gate: pass (Successful), inconclusive (pauses), fail (Failed). */
export function judgeCompare(stage: Stage, records: readonly TimelineRecord[], canary: string, baseline: string, from: number, to: number): GateResult {
  const gate = stage.gates.compare!;
  const j = judgeCompareGate(canarySeries(records, canary, baseline, from, to), gate);
  const comparison: CanaryComparison = {
    canary, baseline,
    ...(j.score === null ? {} : { score: j.score }),
    passBound: gate.pass, marginalBound: gate.marginal,
    outcome: j.outcome === 'Successful' ? 'successful' : j.outcome === 'Inconclusive' ? 'inconclusive' : 'failed',
    metrics: j.metrics.map(metricComparison),
    reason: j.reason,
  };
  const harmful = comparison.metrics.filter((m) => m.harmful).map((m) => `${m.name} ${m.class} (shift ${fmt(m.shift)} [${fmt(m.shiftLower)}, ${fmt(m.shiftUpper)}], p ${fmt(m.pValue)})`);
  return {
    stage: stage.name,
    gate: 'compare',
    outcome: comparison.outcome === 'successful' ? 'pass' : comparison.outcome === 'inconclusive' ? 'inconclusive' : 'fail',
    observed: j.score === null ? 'no data' : `score ${Math.round(j.score * 10) / 10}`,
    bound: `pass ≥ ${gate.pass}, marginal ≥ ${gate.marginal}`,
    evidence: `${canary} vs ${baseline}: ${j.reason}${harmful.length ? `; harmful: ${harmful.join(', ')}` : ''}`,
    comparison,
  };
}

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(3));

/** The stage's decision from its gates: any fail fails it; else any inconclusive pauses it. */
export function stageOutcome(gates: readonly GateResult[]): 'pass' | 'fail' | 'inconclusive' {
  if (gates.some((g) => g.outcome === 'fail')) return 'fail';
  if (gates.some((g) => g.outcome === 'inconclusive')) return 'inconclusive';
  return 'pass';
}

export type { ThresholdKey };

// ---- the rollback's own gates (judged once every move back is done) ------------------------------

export interface RollbackServers {
  baseline: string;
  /** Moves back that did not finish, with the step they stopped at. */
  notBack: readonly { server: string; step: string; message?: string }[];
  /** Every server of the cluster now: running (process/container up, monitor answering) and its variant. */
  running: readonly { name: string; up: boolean; variant: string }[];
}

/** servers.onBaseline: every move back finished, and every server runs the baseline. */
export function baselineGate(r: RollbackServers): GateResult {
  const down = r.running.filter((x) => !x.up).map((x) => x.name);
  const wrong = r.running.filter((x) => x.up && x.variant !== r.baseline).map((x) => `${x.name} (${x.variant})`);
  const bad = r.notBack.length || down.length || wrong.length;
  return {
    stage: 'rollback', gate: 'servers.onBaseline', outcome: bad ? 'fail' : 'pass',
    observed: bad ? `${[...new Set([...r.notBack.map((u) => u.server), ...down])].length + wrong.length} not back` : `${r.running.length}/${r.running.length} on ${r.baseline}`,
    bound: `every server running ${r.baseline}`,
    evidence: [...r.notBack.map((u) => `${u.server}: ${u.message ?? u.step}`), ...down.map((n) => `${n}: not running`), ...wrong.map((w) => `${w}: not the baseline`)].join('; ') || 'all back',
  };
}

/** mesh.full: the mesh check's failure message ('' when the mesh completed after `seconds`). */
export function meshGate(failure: string, readySeconds: number, tookSeconds: number): GateResult {
  return {
    stage: 'rollback', gate: 'mesh.full', outcome: failure ? 'fail' : 'pass', observed: failure ? 'incomplete' : `full in ${tookSeconds.toFixed(1)} s`,
    bound: `every route and gateway within ${readySeconds} s`, evidence: failure || 'every server has all its routes and gateways',
  };
}

/** recovery.noneStuck over the rollback's window: no link down or in handshake through the last `windowSeconds`. */
export function rollbackStuckGate(window: readonly TimelineRecord[], windowSeconds: number): GateResult | undefined {
  const v = judge(window, { recovery: { noneStuck: true, stuckWindowSeconds: windowSeconds } }, { detectors: ['recovery.noneStuck'] });
  const r = v.results.find((x) => x.name === 'recovery.noneStuck');
  return r && { stage: 'rollback', gate: r.name, outcome: r.status === 'pass' ? 'pass' : 'fail', observed: r.observed, bound: r.bound, evidence: r.evidence.join('; ') };
}
