// Pairs the chaos runner's `fault` records into windows: applied at, reverted at (or never). Pure.
import type { FaultRecord, StepRecord } from '../timeline/records.ts';

export interface FaultWindow {
  fault: string;
  targets: string[];
  /** `blackhole iad→lhr` */
  label: string;
  applied: number;
  /**
   * When the step that applied it started (the runner writes `applied` after apply() returns, and
   * a restart's STATSZ storm can come before that); `applied` when no step record precedes it.
   */
  begun: number;
  /** null: never reverted before the run ended. */
  reverted: number | null;
}

const keyOf = (r: FaultRecord): string => `${r.fault}|${[...r.targets].sort().join(',')}`;

// A step start further back than this is not the step that applied the fault.
const STEP_LOOKBACK_MS = 120_000;

/** Each `reverted` closes the oldest open `applied` of the same fault type and targets. */
export function faultWindows(faults: readonly FaultRecord[], steps: readonly StepRecord[] = []): FaultWindow[] {
  const starts = steps.filter((s) => s.phase === 'start').map((s) => s.t).sort((a, b) => a - b);
  const begunAt = (t: number): number => starts.filter((s) => s <= t && t - s <= STEP_LOOKBACK_MS).pop() ?? t;
  const out: FaultWindow[] = [];
  const open = new Map<string, FaultWindow[]>();
  for (const r of [...faults].sort((a, b) => a.t - b.t)) {
    const key = keyOf(r);
    if (r.phase === 'applied') {
      const w: FaultWindow = { fault: r.fault, targets: r.targets, label: `${r.fault} ${r.targets.join(', ')}`, applied: r.t, begun: begunAt(r.t), reverted: null };
      out.push(w);
      open.set(key, [...(open.get(key) ?? []), w]);
    } else {
      const w = open.get(key)?.shift();
      if (w) w.reverted = r.t;
    }
  }
  return out;
}

/** Another fault is still applied at `t` (so recovery is judged at that fault's revert instead). */
export function otherFaultActiveAt(windows: readonly FaultWindow[], self: FaultWindow, t: number): FaultWindow | undefined {
  return windows.find((w) => w !== self && w.applied <= t && (w.reverted === null || w.reverted > t));
}

/** The first fault applied strictly after `t`. */
export function nextFaultAfter(windows: readonly FaultWindow[], t: number): FaultWindow | undefined {
  return windows.filter((w) => w.applied > t).sort((a, b) => a.applied - b.applied)[0];
}

export const RESTART_FAULTS: readonly string[] = ['restart', 'kill', 'upgrade'];
