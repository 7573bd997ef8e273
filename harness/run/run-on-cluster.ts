// runOnCluster(): execute a validated plan on a cluster it is given (one it booted, or one attached
// to). It never parses input. What it sets up (observer, faults, status line) is undone through
// one teardown stack on every path out; what was seen up to then is judged and written, marked
// incomplete when the run did not finish.
import path from 'node:path';
import type { Registry } from 'prom-client';
import type { StartedCluster } from '../../clusters/index.ts';
import { createRng } from '../../chaos/rng.ts';
import { silentProgress, type Progress } from '../../core/progress.ts';
import { startObserver } from '../observe/index.ts';
import { writeRunReports } from '../report/index.ts';
import type { TimelineRecord } from '../timeline/records.ts';
import { TimelineWriter } from '../timeline/writer.ts';
import { judge, type Verdict } from '../verdict/judge.ts';
import type { Thresholds } from '../verdict/thresholds.ts';
import { FaultLedger } from './fault-ledger.ts';
import { RunInterrupt } from './interrupt.ts';
import { playSteps } from './play-steps.ts';
import { newRunFolder, saveServerLogs, type RunFolder } from './run-files.ts';
import type { RunPlan } from './run-plan-types.ts';
import { startStatusLine } from './status-line.ts';
import { TeardownStack } from './teardown-stack.ts';

export interface RunOnClusterOptions {
  progress?: Progress;
  /** Seconds between live status lines (default 5). */
  statusEverySeconds?: number;
  /** The process's one registry: the observer keeps `brownout_*` series on it. */
  registry?: Registry;
  /** The run's folder, when the caller made it already (it booted the cluster into it). */
  folder?: RunFolder;
  /** The caller's teardown stack: this run's part is a scope of it. Default: a stack of its own. */
  stack?: TeardownStack;
  /** The caller's interrupt (it listens for signals). Default: listen for the run's duration. */
  interrupt?: RunInterrupt;
}

export interface RunResult {
  runId: string;
  runDir: string;
  scenario: string;
  variant: string;
  backend: string;
  seed: number;
  verdict: Verdict;
  thresholds: Thresholds;
  detectors: string[];
  /** The cluster ran before and after this run (`--attach`). */
  attachedTo?: string;
  /** Stopped before the end (a signal or an error): the verdict covers what was seen. */
  incomplete: boolean;
  interrupted: boolean;
  /** SIGINT or SIGTERM, when one stopped the run. */
  signal?: NodeJS.Signals;
  error?: string;
  /** Teardown steps that failed (`revert faults: ...`). */
  teardownFailures: string[];
}

export async function runOnCluster(plan: RunPlan, cluster: StartedCluster, opts: RunOnClusterOptions = {}): Promise<RunResult> {
  const folder = opts.folder ?? newRunFolder(plan.scenario);
  const stack = opts.stack ? opts.stack.scope() : new TeardownStack();
  const interrupt = opts.interrupt ?? RunInterrupt.watch(stack);
  const timeline = new TimelineWriter(path.join(folder.runDir, 'timeline.ndjson'));
  stack.defer('close the timeline', () => timeline.close());
  const seen: { records: readonly TimelineRecord[] } = { records: [] };
  const startedAt = new Date();
  let completed = false;
  let error: unknown;
  let teardownFailures: string[] = [];
  try {
    completed = await execute(plan, cluster, { ...opts, timeline, stack, interrupt, folder, seen });
  } catch (err) {
    error = err;
  } finally {
    teardownFailures = await stack.dispose();
    if (!opts.interrupt) interrupt.done();
  }
  if (error && !interrupt.interrupted) throw error;
  const verdict = judge(seen.records, plan.thresholds, { detectors: plan.detectors });
  const incomplete = !completed;
  writeRunReports(folder.runDir, {
    scenario: plan.scenario, variant: plan.variant, seed: plan.seed, startedAt, endedAt: new Date(), verdict, thresholds: plan.thresholds, incomplete,
    records: seen.records,
  });
  return {
    ...folder, scenario: plan.scenario, variant: plan.variant, backend: cluster.backend, seed: plan.seed, verdict,
    thresholds: plan.thresholds, detectors: plan.detectors, incomplete, interrupted: interrupt.interrupted !== undefined,
    teardownFailures, ...(plan.attachTo ? { attachedTo: plan.attachTo } : {}),
    ...(interrupt.interrupted ? { signal: interrupt.interrupted } : {}), ...(error ? { error: String(error) } : {}),
  };
}

interface Execution extends RunOnClusterOptions {
  timeline: TimelineWriter;
  stack: TeardownStack;
  interrupt: RunInterrupt;
  folder: RunFolder;
  seen: { records: readonly TimelineRecord[] };
}

/** Observe, play, settle; each thing started is deferred on the stack right away. */
async function execute(plan: RunPlan, cluster: StartedCluster, x: Execution): Promise<boolean> {
  const progress = x.progress ?? silentProgress;
  if (x.registry) forgetRunMetrics(x.registry);
  x.stack.defer('keep the server logs', () => saveServerLogs(cluster, x.folder.runDir));
  const observer = await startObserver(cluster, {
    timeline: x.timeline, intervalMs: plan.observer.intervalMs, statszOn: plan.observer.vantage, scenario: plan.scenario, seed: plan.seed,
    probe: { ratePerSecond: plan.probe.ratePerSecond, stallIntervals: plan.probe.stallIntervals }, registry: x.registry,
    serverLogs: (name) => cluster.server(name).logs(),
  });
  x.stack.defer('stop the observer', async () => {
    try {
      await observer.stop();
    } finally {
      x.seen.records = observer.records();
    }
  });
  const ledger = new FaultLedger({
    cluster, rng: createRng(plan.seed), protectedServers: new Set([plan.observer.vantage]), log: (m) => progress.info(m),
  }, observer.sink);
  x.stack.defer('revert faults still applied', () => ledger.revertAll());
  x.stack.defer('stop the status line', startStatusLine(observer, plan.seconds, x.statusEverySeconds ?? 5, progress));
  return playSteps({ plan, ledger, sink: observer.sink, signal: x.interrupt.signal, progress });
}

/**
 * The observer registers the `brownout_*` series on the registry it is given; a process that runs
 * several plans (gate, --compare) keeps one registry, so each run's series start afresh.
 */
function forgetRunMetrics(registry: Registry): void {
  for (const m of registry.getMetricsAsArray()) if (m.name.startsWith('brownout_')) registry.removeSingleMetric(m.name);
}
