// STATSZ arithmetic over recorded times, read by the observer (live), the verdict and the metrics
// (both from records): here, below all three, so none of them imports another for it. Pure.
import type { StatszRecord } from './records.ts';

/** Receive time of each message of a `statsz` record; older timelines without offsets count them at the second's start. */
export function statszTimes(r: Pick<StatszRecord, 'second' | 'msgs' | 'offsetsMs'>): number[] {
  return (r.offsetsMs ?? Array.from({ length: r.msgs }, () => 0)).map((o) => r.second + o);
}

/** Most timestamps (sorted) in any half-open window [t, t + windowMs), and where it starts. */
export function slidingPeak(times: readonly number[], windowMs: number): { peak: number; at: number } {
  let best = { peak: 0, at: times[0] ?? 0 };
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= windowMs) lo++;
    if (hi - lo + 1 > best.peak) best = { peak: hi - lo + 1, at: times[lo]! };
  }
  return best;
}

/** Most timestamps (sorted, whole ms) inside any closed window [x, x + windowMs]. */
export function peakInWindow(times: readonly number[], windowMs: number): number {
  return slidingPeak(times, windowMs + 1).peak;
}
