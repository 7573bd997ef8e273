// What a verdict is made of, and the few formatters every check shares. Pure.
export interface ThresholdResult {
  /** The threshold key: `recovery.maxSeconds`. */
  name: string;
  /** The bound as a person reads it: `≤ 10 s`. */
  bound: string;
  /** The observed figure as a person reads it, or `n/a` when there was nothing to judge. */
  observed: string;
  /**
   * The observed figure as a number (for comparisons), null when there is none or a link or pair
   * never recovered. Units: seconds (recovery, resume, gap), messages (STATSZ per second, lost),
   * bytes (per restart), MiB (RSS), a ratio (growth), a count of links (noneStuck).
   */
  observedValue: number | null;
  pass: boolean;
  /** Short concrete lines: which server, which link, which second. */
  evidence: string[];
}

export interface Verdict {
  /** Every threshold passed and the run completed. */
  pass: boolean;
  /** The run ended early (no `run` end record): what was judged is only part of the run. */
  incomplete: boolean;
  results: ThresholdResult[];
}

/** `12.3 s` */
export const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** `14:03:05` (UTC), or `14:03:05.120` with `withMs`. */
export const clock = (ms: number, withMs = false): string => new Date(ms).toISOString().slice(11, withMs ? 23 : 19);

export { bytes } from '../../core/units.ts';

/** Keep evidence short: the first `max` lines and a count of the rest. */
export function cap(lines: string[], max = 10): string[] {
  return lines.length <= max ? lines : [...lines.slice(0, max), `… and ${lines.length - max} more`];
}

/** A threshold with nothing to judge passes, and says why. */
export function notApplicable(name: string, bound: string, why: string): ThresholdResult {
  return { name, bound, observed: 'n/a', observedValue: null, pass: true, evidence: [`n/a: ${why}`] };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
