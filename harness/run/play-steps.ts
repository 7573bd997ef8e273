// The timeline of a plan: each played step starts, applies its fault, holds (the sleep is the
// step), reverts, ends, waits its gap; then the settle watches recovery. Stops early on abort.
// A rollout's soak plays its faults here too, on a clock (playTimedSteps).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Progress } from '../../core/progress.ts';
import type { TimelineSink } from '../timeline/writer.ts';
import type { TypedFault } from '../../chaos/faults/registry.ts';
import type { FaultLedger, LedgerEntry } from './fault-ledger.ts';
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

/** A step on a clock: its fault applied `atSeconds` after the start and reverted `holdSeconds` later. */
export interface TimedStep {
  index: number;
  name: string;
  fault: TypedFault;
  atSeconds: number;
  holdSeconds: number;
}

export interface TimedStepDriver {
  scenario: string;
  ledger: FaultLedger;
  sink: TimelineSink;
  signal: AbortSignal;
}

/**
 * Steps on a clock instead of in a row (a rollout stage's soak, whose faults may overlap): each
 * framed by its step records and applied and reverted through the ledger, none held past
 * `totalSeconds`; at one instant reverts go before applies. True when the whole time ran; false when
 * `signal` stopped it, at once and with nothing more recorded (the caller's ledger.revertAll()
 * reverts what is still applied).
 */
export async function playTimedSteps(d: TimedStepDriver, steps: readonly TimedStep[], startedAt: number, totalSeconds: number): Promise<boolean> {
  const end = startedAt + totalSeconds * 1000;
  const events = steps.flatMap((s) => {
    const at = startedAt + s.atSeconds * 1000;
    return [{ t: at, s, apply: true }, { t: Math.min(end, at + s.holdSeconds * 1000), s, apply: false }];
  }).sort((a, b) => a.t - b.t || Number(a.apply) - Number(b.apply));
  const applied = new Map<number, LedgerEntry>();
  const until = (t: number) => (t > Date.now() ? hold((t - Date.now()) / 1000, d.signal) : Promise.resolve());
  for (const e of events) {
    await until(e.t);
    if (d.signal.aborted) return false;
    if (e.apply) {
      d.sink.append({ t: Date.now(), kind: 'step', scenario: d.scenario, index: e.s.index, name: e.s.name, phase: 'start' });
      applied.set(e.s.index, await d.ledger.apply(e.s.fault, e.s.index));
    } else {
      const entry = applied.get(e.s.index);
      if (entry) await d.ledger.revert(entry);
      d.sink.append({ t: Date.now(), kind: 'step', scenario: d.scenario, index: e.s.index, name: e.s.name, phase: 'end', ok: true });
    }
  }
  await until(end);
  return !d.signal.aborted;
}
