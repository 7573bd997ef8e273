// The one closing line of `npm test`: `N passed, N failed[, N skipped]`. Pure, so the rule that a
// non-zero mocha exit is never `0 failed` has a table test.

export interface MochaCounts {
  passes: number;
  failures: number;
  pending: number;
  skipped?: { title: string; reason: string }[];
}

export interface TallyInput {
  /** The type-check passed (counts as one test). */
  typecheck: boolean;
  /** mocha's exit status; null when it was killed by a signal. */
  mochaStatus: number | null;
  mochaSignal?: string | null;
  /** What our reporter wrote; undefined when mocha died before writing it. */
  counts: MochaCounts | undefined;
}

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
  /** Why a failure was added that no test reported; printed before the closing line. */
  notes: string[];
}

export function tally(i: TallyInput): Tally {
  const notes: string[] = [];
  let passed = i.typecheck ? 1 : 0;
  let failed = i.typecheck ? 0 : 1;
  if (!i.typecheck) notes.push('typecheck - the project compiles: FAILED');
  const c = i.counts;
  if (c) {
    passed += c.passes;
    failed += c.failures;
  }
  const exit = i.mochaStatus === null ? `was killed${i.mochaSignal ? ` by ${i.mochaSignal}` : ''}` : `exited with ${i.mochaStatus}`;
  if (!c) {
    failed++;
    notes.push(`mocha ${exit} without writing its counts: counted as 1 failed`);
  } else if (i.mochaStatus !== 0 && c.failures === 0) {
    failed++;
    notes.push(`mocha ${exit} though its counts show 0 failures (a hook, an uncaught error or a crash after the run): counted as 1 failed`);
  }
  return { passed, failed, skipped: c?.pending ?? 0, notes };
}

export function closingLine(t: Tally): string {
  return `${t.passed} passed, ${t.failed} failed${t.skipped ? `, ${t.skipped} skipped` : ''}`;
}

/** Skips grouped by reason, so the end of the output says why every skipped test was skipped. */
export function skipSummary(c: MochaCounts | undefined): string[] {
  const by = new Map<string, number>();
  for (const s of c?.skipped ?? []) by.set(s.reason, (by.get(s.reason) ?? 0) + 1);
  return [...by].map(([reason, n]) => `skipped ${n}: ${reason}`);
}
