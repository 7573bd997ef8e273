// The one closing line of `npm test`: `N passed, N failed[, N skipped]`. Pure, so each way a run
// can look green without being so (a non-zero mocha exit, a hook that kept its tests from running,
// a skip without a reason, a counts file that cannot be read, too few tests) has a table test.

export interface MochaCounts {
  passes: number;
  /** Failed tests and failed hooks, as mocha counts them. */
  failures: number;
  pending: number;
  /** Tests mocha planned but never reported: what a failed before()/beforeEach() hook leaves. */
  notRun: number;
  /** reason null: the test was skipped without one (it.skip, xit, a bare this.skip()). */
  skipped: { title: string; reason: string | null }[];
}

export interface TallyInput {
  /** The type-check passed (counts as one test). */
  typecheck: boolean;
  /** mocha's exit status; null when it was killed by a signal. */
  mochaStatus: number | null;
  mochaSignal?: string | null;
  /** What our reporter wrote (see parseCounts); undefined when mocha died before writing it. */
  counts: MochaCounts | undefined;
  /** Why the counts file could not be read, when it existed but was not what the reporter writes. */
  countsError?: string;
  /** The fewest tests the run must count (test/support/test-floor.ts); omitted for a filtered run. */
  floor?: number;
}

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
  /** Why a failure was added that no test reported; printed before the closing line. */
  notes: string[];
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** The reporter's counts file, checked field by field: a torn or foreign file is an error, never a count. */
export function parseCounts(text: string): { counts: MochaCounts } | { error: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return { error: `not JSON (${(err as Error).message})` };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { error: 'not an object' };
  const o = v as Record<string, unknown>;
  const problems = (['passes', 'failures', 'pending', 'notRun'] as const)
    .filter((k) => !isCount(o[k])).map((k) => `${k} must be a whole number ≥ 0, got ${JSON.stringify(o[k])}`);
  const skipped = o.skipped;
  const skipOk = Array.isArray(skipped) && skipped.every((s) => typeof s === 'object' && s !== null
    && typeof (s as { title?: unknown }).title === 'string'
    && ((s as { reason?: unknown }).reason === null || typeof (s as { reason?: unknown }).reason === 'string'));
  if (!skipOk) problems.push('skipped must be a list of { title: string, reason: string | null }');
  else if (isCount(o.pending) && skipped.length !== o.pending) problems.push(`skipped lists ${skipped.length} tests but pending is ${o.pending}`);
  if (problems.length) return { error: problems.join('; ') };
  return { counts: o as unknown as MochaCounts };
}

export function tally(i: TallyInput): Tally {
  const notes: string[] = [];
  let passed = i.typecheck ? 1 : 0;
  let failed = i.typecheck ? 0 : 1;
  let skipped = 0;
  let fromMocha = 0;
  if (!i.typecheck) notes.push('typecheck - the project compiles: FAILED');
  const c = i.counts;
  if (c) {
    passed += c.passes;
    fromMocha += c.failures + c.notRun;
    if (c.notRun) notes.push(`${c.notRun} tests never ran (a before/beforeEach hook failed, see above): counted as failed`);
    const silent = c.skipped.filter((s) => s.reason === null);
    fromMocha += silent.length;
    skipped = c.pending - silent.length;
    for (const s of silent) notes.push(`skipped without a reason (use skipBecause in test/support/skip.ts): ${s.title}: counted as failed`);
  }
  failed += fromMocha;
  const exit = i.mochaStatus === null ? `was killed${i.mochaSignal ? ` by ${i.mochaSignal}` : ''}` : `exited with ${i.mochaStatus}`;
  if (!c) {
    failed++;
    notes.push(i.countsError
      ? `mocha ${exit} and its counts file is unreadable (${i.countsError}): counted as 1 failed`
      : `mocha ${exit} without writing its counts (a test file that fails to import, a .only under --forbid-only, a crash): counted as 1 failed`);
  } else if (i.mochaStatus !== 0 && fromMocha === 0) {
    failed++;
    notes.push(`mocha ${exit} though its counts show 0 failures (a hook, an uncaught error or a crash after the run): counted as 1 failed`);
  }
  const counted = passed + failed + skipped;
  if (i.floor !== undefined && counted < i.floor) {
    failed++;
    notes.push(`only ${counted} tests counted, fewer than the floor of ${i.floor} (test/support/test-floor.ts): counted as 1 failed`);
  }
  return { passed, failed, skipped, notes };
}

export function closingLine(t: Tally): string {
  return `${t.passed} passed, ${t.failed} failed${t.skipped ? `, ${t.skipped} skipped` : ''}`;
}

/** Skips grouped by reason, so the end of the output says why every skipped test was skipped. */
export function skipSummary(c: MochaCounts | undefined): string[] {
  const by = new Map<string, number>();
  for (const s of c?.skipped ?? []) if (s.reason !== null) by.set(s.reason, (by.get(s.reason) ?? 0) + 1);
  return [...by].map(([reason, n]) => `skipped ${n}: ${reason}`);
}
