// One finished run in words and as an exit code: what `chaos` and `gate` print after each run.
import { EXIT } from '../../core/errors.ts';
import { renderVerdictTable } from '../report/index.ts';
import type { RunResult } from '../run/index.ts';
import { runWord } from '../verdict/result.ts';

/** Exit code for one run: interrupted 130 (143 on SIGTERM), incomplete or failed 1, else 0. */
export function exitCodeFor(r: RunResult): number {
  if (r.interrupted) return r.signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
  return r.verdict.pass && !r.incomplete ? EXIT.pass : EXIT.thresholdFailed;
}

export function describeRun(r: RunResult): string {
  const head = `${r.scenario} on ${r.variant} (${r.backend} backend${r.attachedTo ? `, attached to ${r.attachedTo}` : ''}, seed ${r.seed}): ${runWord({ pass: r.verdict.pass, incomplete: r.incomplete, interrupted: r.interrupted })}`;
  return [head, renderVerdictTable(r.verdict), `results: ${r.runDir}/ (summary.md, summary.json, junit.xml, report.html, timeline.ndjson, logs/)`].join('\n');
}
