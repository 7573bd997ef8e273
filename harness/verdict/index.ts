// Public API of verdicts: thresholds (data, schema, parsing) and the pure judge.
export {
  DEFAULT_THRESHOLDS, THRESHOLD_KEYS, applyThresholdFlags, mergeThresholds, parseThresholdFile,
  parseThresholdFlag, thresholdsSchema, validateThresholds,
} from './thresholds.ts';
export type { Thresholds } from './thresholds.ts';
export { judge } from './judge.ts';
export type { ThresholdResult, Verdict } from './result.ts';
export { faultWindows } from './faults.ts';
export type { FaultWindow } from './faults.ts';
