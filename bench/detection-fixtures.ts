// Log records for the detection bench's unit tests: a record as the bench writes it, only what a test names differs.
import type { RunRecord } from './detection-log.ts';

export function rec(cell: string, backend: 'local' | 'docker', seed: number, more: Partial<RunRecord> = {}): RunRecord {
  const [scenario, build] = cell.split('/') as [string, string];
  return {
    cell, scenario, build, variant: build, backend, seed, expected: 'pass', verdict: 'PASS', failed: [],
    asExpected: true, falseNegative: false, falsePositive: false, incomplete: false,
    runId: `20261125-${cell.replace('/', '-')}-${backend}-${seed}`, seconds: 70, date: `2026-11-25T23:${String(seed).padStart(2, '0')}:00.000Z`, commit: 'abc1234', ...more,
  };
}
