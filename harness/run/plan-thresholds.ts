// The thresholds a run is judged by, merged once: defaults, then the scenario's, then
// `--thresholds FILE`, then `--threshold` flags. Problems go to the plan's list, under `thresholds.`.
import { prefixProblem } from '../../core/problem-path.ts';
import { BadInputError } from '../../core/errors.ts';
import {
  DEFAULT_THRESHOLDS, applyThresholdFlags, mergeThresholds, parseThresholdFile, validateThresholds, type Thresholds,
} from '../verdict/thresholds.ts';

export function planThresholds(fromScenario: unknown, user: { file?: string; flags?: readonly string[] } = {}, problems: string[] = []): Thresholds {
  const layers: Thresholds[] = [DEFAULT_THRESHOLDS];
  const add = (read: () => Thresholds, source: string, file?: string) => {
    try {
      layers.push(read());
    } catch (err) {
      if (!(err instanceof BadInputError)) throw err;
      problems.push(...thresholdProblems(err, source, file));
    }
  };
  add(() => validateThresholds(fromScenario, 'scenario thresholds'), 'the scenario');
  const file = user.file;
  if (file !== undefined) add(() => parseThresholdFile(file), `--thresholds ${file}`, file);
  if (user.flags?.length) add(() => applyThresholdFlags({}, user.flags!), '--threshold');
  return layers.reduce(mergeThresholds);
}

/** `statsz.x: ...` → `thresholds.statsz.x: ... (from --thresholds FILE)`; an unreadable file is one problem. */
function thresholdProblems(err: BadInputError, source: string, file?: string): string[] {
  const unreadable = err.problems.length === 0 || (file !== undefined && err.problems.some((p) => p.startsWith(`${file}:`)));
  if (unreadable) return [`thresholds: ${err.message}`];
  return err.problems.map((p) => `${prefixProblem(['thresholds'], p)} (from ${source})`);
}
