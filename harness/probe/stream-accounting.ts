// Loss, duplication and reordering for one log stream (one publisher instance, one subscriber).
// The publisher is in-process, so the accountant knows what was sent: every sequence number sent
// before `settle(upTo)` and never received is lost, which also catches tail loss (a partition
// that is still on when a window closes). Pure.

export interface StreamCounts {
  delivered: number;
  duplicated: number;
  /** Arrived after a higher sequence number, or after being counted lost. */
  reordered: number;
  lost: number;
}

export class StreamAccounting {
  /** Every seq ≤ settled is accounted for (delivered or lost). */
  #settled = 0;
  #highest = 0;
  /** Received seqs above `settled`. */
  #seen = new Set<number>();
  /** Seqs counted lost, kept so a late arrival is told from a duplicate (bounded). */
  #lost = new Set<number>();
  #counts: StreamCounts = { delivered: 0, duplicated: 0, reordered: 0, lost: 0 };
  readonly maxLostRemembered: number;

  constructor(opts: { maxLostRemembered?: number } = {}) {
    this.maxLostRemembered = opts.maxLostRemembered ?? 100_000;
  }

  /** Sequence numbers start at 1. Returns what this arrival was. */
  receive(seq: number): 'delivered' | 'duplicated' | 'late' {
    if (seq <= this.#settled) {
      if (this.#lost.delete(seq)) {
        this.#counts.reordered += 1;
        return 'late';
      }
      this.#counts.duplicated += 1;
      return 'duplicated';
    }
    if (this.#seen.has(seq)) {
      this.#counts.duplicated += 1;
      return 'duplicated';
    }
    this.#seen.add(seq);
    this.#counts.delivered += 1;
    if (seq < this.#highest) this.#counts.reordered += 1;
    this.#highest = Math.max(this.#highest, seq);
    return 'delivered';
  }

  /** Account for every seq ≤ upTo: the ones never received are lost. Returns how many were newly lost. */
  settle(upTo: number): number {
    let newlyLost = 0;
    for (let s = this.#settled + 1; s <= upTo; s++) {
      if (this.#seen.delete(s)) continue;
      newlyLost += 1;
      if (this.#lost.size < this.maxLostRemembered) this.#lost.add(s);
    }
    this.#settled = Math.max(this.#settled, upTo);
    this.#counts.lost += newlyLost;
    return newlyLost;
  }

  get counts(): Readonly<StreamCounts> { return { ...this.#counts }; }
  get settled(): number { return this.#settled; }
}
