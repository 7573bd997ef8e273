// The timeline of a plan: each played step starts, applies its fault, holds (the sleep is the
// step), reverts, ends, waits its gap; then the settle watches recovery. Stops early on abort.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Progress } from '../../core/progress.ts';
import type { TimelineSink } from '../timeline/writer.ts';
import type { FaultLedger } from './fault-ledger.ts';
import type { PlannedStep, RunPlan } from './run-plan-types.ts';

export interface StepDriver {
  plan: RunPlan;
  ledger: FaultLedger;
  sink: TimelineSink;
  signal: AbortSignal;
  progress: Progress;
}

/** An abortable wait: resolves early (never rejects) when the run is interrupted. */
export function hold(seconds: number, signal: AbortSignal): Promise<void> {
  return sleep(seconds * 1000, undefined, { signal }).catch(() => {});
}

/** True when every step and the settle ran; false when interrupted. */
export async function playSteps(d: StepDriver): Promise<boolean> {
  for (const step of d.plan.steps) {
    if (d.signal.aborted) return false;
    await playStep(d, step);
  }
  if (d.signal.aborted) return false;
  d.progress.info(`settle: watching recovery for ${d.plan.settleSeconds}s`);
  await hold(d.plan.settleSeconds, d.signal);
  return !d.signal.aborted;
}

async function playStep(d: StepDriver, step: PlannedStep): Promise<void> {
  const { plan, sink, ledger } = d;
  d.progress.info(`step ${step.scenarioStep + 1}/${plan.scenarioSteps}: ${step.name} (${step.holdSeconds}s)`);
  const mark = (phase: 'start' | 'end') => sink.append({
    t: Date.now(), kind: 'step', scenario: plan.scenario, index: step.index, name: step.name, phase, ...(phase === 'end' ? { ok: !d.signal.aborted } : {}),
  });
  mark('start');
  const entry = step.fault ? await ledger.apply(step.fault, step.index) : undefined;
  if (entry) d.progress.info(`  ${entry.fault.type} ${entry.id} on ${entry.applied.targets.join(', ')}`);
  await hold(step.holdSeconds, d.signal);
  if (entry) await ledger.revert(entry);
  mark('end');
  if (step.gapSeconds) await hold(step.gapSeconds, d.signal);
}
