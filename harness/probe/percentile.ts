// Nearest-rank percentiles: the value at rank ceil(p/100 × n) of the sorted sample, so p100 is
// the max and every answer is a value that was actually observed.

/** p in (0, 100]; `sorted` ascending. Undefined for an empty sample. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function latencySummary(values: readonly number[]): { p50: number; p99: number; max: number } | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50)!, p99: percentile(sorted, 99)!, max: sorted[sorted.length - 1]! };
}
