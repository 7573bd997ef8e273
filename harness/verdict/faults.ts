// Pairs the chaos runner's `fault` records into windows: applied at, reverted at (or never). Pure.
import type { FaultRecord, StepRecord } from '../timeline/records.ts';

export interface FaultWindow {
  /** The runner's fault id (`f3`), when the timeline has ids. */
  id?: string;
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
  /** As applied (after defaults), e.g. the packet-loss model that ran. */
  attributes: Record<string, unknown>;
}

const keyOf = (r: FaultRecord): string => `${r.fault}|${[...r.targets].sort().join(',')}`;

// Timelines written before fault ids existed: a step start further back than this is not the
// step that applied the fault.
const STEP_LOOKBACK_MS = 120_000;

/**
 * Pairs `applied` and `reverted` by fault id, and finds the step that applied each by its step
 * index. Records without ids (older timelines) pair as before: each `reverted` closes the oldest
 * open `applied` of the same fault type and targets, and the step is the last one started before.
 */
export function faultWindows(faults: readonly FaultRecord[], steps: readonly StepRecord[] = []): FaultWindow[] {
  const starts = steps.filter((s) => s.phase === 'start').sort((a, b) => a.t - b.t);
  const stepStart = new Map(starts.map((s) => [s.index, s.t]));
  const begunAt = (r: FaultRecord): number => (r.step !== undefined ? stepStart.get(r.step) : undefined)
    ?? starts.filter((s) => s.t <= r.t && r.t - s.t <= STEP_LOOKBACK_MS).pop()?.t ?? r.t;
  const out: FaultWindow[] = [];
  const open = new Map<string, FaultWindow[]>();
  for (const r of [...faults].sort((a, b) => a.t - b.t)) {
    const key = r.id ?? keyOf(r);
    if (r.phase === 'applied') {
      const w: FaultWindow = {
        ...(r.id !== undefined ? { id: r.id } : {}), fault: r.fault, targets: r.targets, label: `${r.fault} ${r.targets.join(', ')}`,
        applied: r.t, begun: Math.min(begunAt(r), r.t), reverted: null, attributes: r.attributes ?? {},
      };
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
