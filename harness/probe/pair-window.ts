// One region pair's figures for one probe window, closed into a `probe` record. Pure: the probe
// feeds it arrivals and settled losses with their times.
import type { ProbeRecord } from '../timeline/records.ts';
import { latencySummary } from './percentile.ts';

export class PairWindow {
  readonly from: string;
  readonly to: string;
  #windowStart: number;
  #lastDeliveryAt: number;
  #longestGap = 0;
  #latencies: number[] = [];
  #delivered = 0;
  #duplicated = 0;
  #reordered = 0;
  #lost = 0;
  #stalled = false;

  /** `start`: when the probe began; a pair that never delivers has a gap from then. */
  constructor(from: string, to: string, start: number) {
    this.from = from;
    this.to = to;
    this.#windowStart = start;
    this.#lastDeliveryAt = start;
  }

  delivered(t: number, latencyMs: number): void {
    this.#delivered += 1;
    this.#latencies.push(Math.round(latencyMs * 1000) / 1000);
    this.#longestGap = Math.max(this.#longestGap, t - this.#lastDeliveryAt);
    this.#lastDeliveryAt = Math.max(this.#lastDeliveryAt, t);
  }
  duplicated(): void { this.#duplicated += 1; }
  reordered(): void { this.#reordered += 1; }
  lost(n: number): void { this.#lost += n; }
  markStalled(): void { this.#stalled = true; }

  /**
   * Close the window at `now` and start the next one. `gapUntil`: where an ongoing gap stops
   * counting (the moment publishing stopped, for the last window); default `now`.
   */
  close(now: number, sent: number, gapUntil = now): ProbeRecord {
    const rec: ProbeRecord = {
      t: Math.round(now), kind: 'probe', from: this.from, to: this.to, windowStart: Math.round(this.#windowStart), windowEnd: Math.round(now),
      sent, delivered: this.#delivered, lost: this.#lost, duplicated: this.#duplicated, reordered: this.#reordered,
      latencyMs: latencySummary(this.#latencies),
      longestGapMs: Math.round(Math.max(this.#longestGap, gapUntil - this.#lastDeliveryAt, 0)),
      stalled: this.#stalled,
    };
    this.#windowStart = now;
    this.#longestGap = 0;
    this.#latencies = [];
    this.#delivered = this.#duplicated = this.#reordered = this.#lost = 0;
    this.#stalled = false;
    return rec;
  }
}
