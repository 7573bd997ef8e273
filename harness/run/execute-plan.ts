// One Run from a validated plan: build what it needs, boot a cluster (or attach to a running one),
// hand both to runOnCluster, tear down through one stack: faults, observer, logs, then the cluster when
// this run booted it. Signals (SIGINT/SIGTERM) stop the steps and take the same path out.
import type { Registry } from 'prom-client';
import { attachCluster, startCluster, type StartedCluster } from '../../clusters/index.ts';
import { HarnessError } from '../../core/errors.ts';
import { silentProgress, type Progress } from '../../core/progress.ts';
import { TOXIPROXY_VERSION } from '../../core/layout.ts';
import { ensureVariant } from '../variants/registry.ts';
import { buildToxiproxy } from '../variants/toxiproxy.ts';
import { RunInterrupt } from './interrupt.ts';
import { newRunFolder, type RunFolder } from './run-files.ts';
import { runOnCluster, type RunResult } from './run-on-cluster.ts';
import { planRun } from './plan-run.ts';
import type { PlanInput, RunPlan } from './run-plan-types.ts';
import { TeardownStack } from './teardown-stack.ts';

export interface ExecuteOptions {
  progress?: Progress;
  statusEverySeconds?: number;
  registry?: Registry;
}

/** Variants the plan runs (its own and any an `upgrade` fault installs), and Toxiproxy. */
async function prepare(plan: RunPlan, progress: Progress): Promise<void> {
  const upgrades = plan.steps.flatMap((s) => (s.fault?.type === 'upgrade' ? [s.fault.attributes.variant] : []));
  for (const v of new Set([plan.variant, ...upgrades])) await ensureVariant(v, { progress });
  await buildToxiproxy(TOXIPROXY_VERSION, { progress });
}

async function attachTo(id: string, progress: Progress): Promise<StartedCluster> {
  const c = await progress.step(`attach to cluster ${id}`, () => attachCluster(id));
  progress.info(`attached to ${c.runId} (${c.backend}): it keeps running after this run`);
  return c;
}

function boot(plan: RunPlan, folder: RunFolder, progress: Progress): Promise<StartedCluster> {
  if (plan.backend === 'external') throw new HarnessError('an external cluster is attached to (--attach external:FILE), never booted');
  const shape = plan.topology.regions.map((r) => `${r.name}×${r.servers}`).join(' ');
  return progress.step(`boot ${shape}`, () => startCluster(plan.topology, {
    backend: plan.backend as Exclude<RunPlan['backend'], 'external'>, runId: folder.runId, runDir: folder.runDir, progress,
  }));
}

/** Execute a plan end to end. Partial results are written when a signal stops it. */
export async function executePlan(plan: RunPlan, opts: ExecuteOptions = {}): Promise<RunResult> {
  const progress = opts.progress ?? silentProgress;
  for (const w of plan.warnings) progress.info(`warning: ${w}`);
  if (!plan.attachTo) await prepare(plan, progress);
  const stack = new TeardownStack();
  const interrupt = RunInterrupt.watch(stack);
  try {
    // Attach before the run folder exists: a cluster that is not there leaves no empty folder behind.
    const attached = plan.attachTo ? await attachTo(plan.attachTo, progress) : undefined;
    if (attached) stack.defer('let go of the attached cluster', () => attached.stop());
    const folder = newRunFolder(plan.scenario);
    progress.info(`run ${folder.runId}: ${plan.scenario} on ${plan.variant}, seed ${plan.seed} (replay with --seed ${plan.seed})`);
    const cluster = attached ?? await boot(plan, folder, progress);
    if (!attached) stack.defer('stop the cluster', () => cluster.stop());
    // An external cluster's file may not say what runs: once attached, /varz has (variant, ping).
    const played = attached && plan.backend === 'external' ? { ...plan, variant: attached.topology.variant, topology: attached.topology } : plan;
    return await runOnCluster(played, cluster, { ...opts, folder, stack, interrupt });
  } finally {
    const failed = await stack.dispose();
    for (const f of failed) progress.info(`teardown: ${f}`);
    interrupt.done();
  }
}

export interface RunOptions extends ExecuteOptions, Omit<PlanInput, 'scenario'> {
  scenario: string;
}

/** Plan (every problem before anything starts), then execute. */
export function runScenario(opts: RunOptions): Promise<RunResult> {
  const { progress, statusEverySeconds, registry, ...input } = opts;
  return executePlan(planRun(input), { progress, statusEverySeconds, registry });
}
export type { RunResult } from './run-on-cluster.ts';
