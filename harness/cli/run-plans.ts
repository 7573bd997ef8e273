// The loop `chaos` and `gate` share: serve /metrics, execute each planned run in order with its
// progress and verdict table, and stop at the first interrupted run (its exit code is the answer).
import { Registry } from 'prom-client';
import { createProgress } from '../../core/progress.ts';
import { executePlan, type RunPlan, type RunResult } from '../run/index.ts';
import { describeRun } from './describe-run.ts';
import { serveMetrics, type MetricsPort } from './metrics-port.ts';

export interface PlansOutcome {
  results: RunResult[];
  /** The run a signal stopped, when one did: nothing after it ran. */
  interrupted?: RunResult;
}

export async function runPlans(plans: readonly RunPlan[], o: { command: string; metricsPort: MetricsPort; write: (line: string) => void }): Promise<PlansOutcome> {
  const registry = new Registry();
  const metrics = await serveMetrics(o.metricsPort, registry, o.write);
  const results: RunResult[] = [];
  try {
    for (const plan of plans) {
      const r = await executePlan(plan, { registry, progress: createProgress(`${o.command} ${plan.scenario}`) });
      results.push(r);
      o.write(describeRun(r));
      if (r.interrupted) return { results, interrupted: r };
    }
  } finally {
    await metrics?.stop();
  }
  return { results };
}
