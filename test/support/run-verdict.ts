// Reading a finished run's verdict in the detector tests (routes, routes-docker, statsz-fresh): one
// threshold's result, asserted judged, and the whole verdict as lines for an assertion's message.
import assert from 'node:assert/strict';
import type { RunResult } from '../../harness/run/execute-plan.ts';
import type { ThresholdResult } from '../../harness/verdict/result.ts';

export function result(r: RunResult, name: string): ThresholdResult {
  const x = r.verdict.results.find((t) => t.name === name);
  assert.ok(x, `${name} was judged`);
  return x;
}

export function shown(r: RunResult): string {
  return r.verdict.results.map((t) => `${t.name} ${t.status} ${t.observed}: ${t.evidence.slice(0, 2).join(' | ')}`).join('\n') + `\nrun: ${r.runDir}`;
}
