// The observer's own cost over a window of rounds (about a second): CPU of the harness process,
// rounds that started late, mean round time, failed requests. Pure: CPU readings are passed in.
import type { ObserverRecord } from '../timeline/records.ts';

export interface SelfWindow {
  t: number;
  /** Cumulative user + system CPU of the process at the window's start (µs). */
  cpuMicros: number;
  samples: number;
  late: number;
  sampleMs: number;
  failed: number;
}

export const openWindow = (t: number, cpuMicros: number): SelfWindow => ({ t, cpuMicros, samples: 0, late: 0, sampleMs: 0, failed: 0 });

/** Add one round: it took `tookMs`, started `sinceLastMs` after the previous one, `failed` requests failed. */
export function addRound(w: SelfWindow, r: { tookMs: number; sinceLastMs: number; intervalMs: number; failed: number }): SelfWindow {
  // Late: more than half an interval behind schedule.
  const late = r.sinceLastMs > r.intervalMs * 1.5 ? 1 : 0;
  return { ...w, samples: w.samples + 1, sampleMs: w.sampleMs + r.tookMs, late: w.late + late, failed: w.failed + r.failed };
}

/** The window is a second old: time to write it. */
export const windowDue = (w: SelfWindow, t: number): boolean => t - w.t >= 1000;

export function windowRecord(w: SelfWindow, t: number, cpuMicros: number): ObserverRecord {
  const windowMs = Math.max(1, t - w.t);
  return {
    t, kind: 'observer', cpuPercent: Math.max(0, ((cpuMicros - w.cpuMicros) / 1000 / windowMs) * 100), windowMs,
    samples: w.samples, lateSamples: w.late, sampleMs: w.samples ? w.sampleMs / w.samples : 0, failedRequests: w.failed,
  };
}
