// The rollback's own gates, judged once every move back is done: every server back on the baseline,
// the full mesh, and no link stuck through a final window. Pure.
import type { GateResult } from '../../rollout-model/index.ts';
import type { TimelineRecord } from '../../timeline/records.ts';
import { judge } from '../../verdict/judge.ts';

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
