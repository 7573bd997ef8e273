// Mid-ranks of a pooled sample and the sizes of its tie groups (what the tie correction needs).

export interface Ranked {
  /** Rank of each value, 1-based, ties given the mean of the ranks they span. */
  ranks: number[];
  /** Size of every group of equal values with more than one member. */
  ties: number[];
}

export function midRanks(values: readonly number[]): Ranked {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length);
  const ties: number[] = [];
  for (let start = 0; start < order.length;) {
    let end = start + 1;
    while (end < order.length && order[end]!.v === order[start]!.v) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!.i] = rank;
    if (end - start > 1) ties.push(end - start);
    start = end;
  }
  return { ranks, ties };
}
