// What every check reads: the records, the fault windows, and the run's bounds. Built once per judge().
import { recordsOf, type TimelineRecord } from '../timeline/records.ts';
import { faultWindows, type FaultWindow } from './faults.ts';

export interface JudgeContext {
  records: readonly TimelineRecord[];
  faults: FaultWindow[];
  /** `run` start record, else the first record (ms epoch). */
  runStart: number;
  /** `run` end record, else the last record. */
  runEnd: number;
  /** A `run` end record exists. */
  ended: boolean;
  /** Start of the first step (ms epoch), else the run start: what comes before is boot, reported but not judged where it says so. */
  firstStepAt: number;
}

export function judgeContext(records: readonly TimelineRecord[]): JudgeContext {
  const runs = recordsOf(records, 'run');
  const start = runs.find((r) => r.phase === 'start');
  const end = runs.find((r) => r.phase === 'end');
  const ts = records.map((r) => r.t);
  const runStart = start?.t ?? (ts.length > 0 ? Math.min(...ts) : 0);
  // No step records (an observer run without the chaos runner): everything is judged.
  const firstStep = recordsOf(records, 'step').filter((r) => r.phase === 'start').map((r) => r.t).sort((a, b) => a - b)[0];
  return {
    records,
    faults: faultWindows(recordsOf(records, 'fault'), recordsOf(records, 'step')),
    runStart,
    runEnd: end?.t ?? (ts.length > 0 ? Math.max(...ts) : 0),
    ended: end !== undefined,
    firstStepAt: firstStep ?? runStart,
  };
}
