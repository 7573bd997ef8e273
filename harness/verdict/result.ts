// What a verdict is made of, the words it is spoken in, and the few formatters every check shares. Pure.

/** `n/a`: nothing to judge (a guard only; a detector with nothing to judge fails). */
export type ThresholdStatus = 'pass' | 'fail' | 'n/a';
/** A detector catches the bug its scenario exists for; a guard is every other threshold judged. */
export type ThresholdRole = 'detector' | 'guard';

/** What one check returns; the judge adds the role and settles what `n/a` means for it. */
export interface CheckResult {
  /** The threshold key: `recovery.maxSeconds`. */
  name: string;
  /** The bound as a person reads it: `≤ 10 s`. */
  bound: string;
  /** The observed figure as a person reads it; `n/a` or `no data` when there was nothing to judge. */
  observed: string;
  /**
   * The observed figure as a number (for comparisons), null when there is none or a link or pair
   * never recovered. Units: seconds (recovery, resume, gap), messages (STATSZ per second, excess per
   * restart, lost), MiB (RSS), a ratio (growth), a count of links (noneStuck).
   */
  observedValue: number | null;
  status: ThresholdStatus;
  /** Short concrete lines: which server, which link, which second. */
  evidence: string[];
}

export interface ThresholdResult extends CheckResult {
  role: ThresholdRole;
  /** `status !== 'fail'`. */
  pass: boolean;
}

export interface Verdict {
  /** Every threshold passed (or had nothing to judge, as a guard) and the run completed. */
  pass: boolean;
  /** The run ended early (no `run` end record): what was judged is only part of the run. */
  incomplete: boolean;
  results: ThresholdResult[];
  /** Detectors that failed: the scenario caught the bug it exists for. */
  detectorsFailed: string[];
  /** Guards that failed: something else went wrong (reported beside, never counted as the catch). */
  guardsFailed: string[];
}

/** The one spelling of a threshold's outcome. */
export function statusWord(status: ThresholdStatus): 'PASS' | 'FAIL' | 'n/a' {
  return status === 'pass' ? 'PASS' : status === 'fail' ? 'FAIL' : 'n/a';
}

/** The one spelling of a run's outcome. */
export function runWord(r: { pass: boolean; incomplete: boolean; interrupted?: boolean }): 'PASS' | 'FAIL' | 'INCOMPLETE' | 'INTERRUPTED' {
  return r.interrupted ? 'INTERRUPTED' : r.incomplete ? 'INCOMPLETE' : r.pass ? 'PASS' : 'FAIL';
}

/** `pass` or `fail` from a comparison. */
export const outcome = (pass: boolean): ThresholdStatus => (pass ? 'pass' : 'fail');

/** `12.3 s` */
export const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** `14:03:05` (UTC), or `14:03:05.120` with `withMs`. */
export const clock = (ms: number, withMs = false): string => new Date(ms).toISOString().slice(11, withMs ? 23 : 19);

export { bytes } from '../../core/units.ts';

/** Keep evidence short: the first `max` lines and a count of the rest. */
export function cap(lines: string[], max = 10): string[] {
  return lines.length <= max ? lines : [...lines.slice(0, max), `… and ${lines.length - max} more`];
}

/** Nothing to judge: `n/a` for a guard; the judge turns it into a failure for a detector. */
export function notApplicable(name: string, bound: string, why: string): CheckResult {
  return { name, bound, observed: 'n/a', observedValue: null, status: 'n/a', evidence: [`n/a: ${why}`] };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
