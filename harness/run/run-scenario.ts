// One Run: build what the scenario needs, boot the cluster, observe, play the steps, judge, report.
// Everything the run made is torn down on every path out (pass, fail, error, Ctrl-C), and what was
// observed up to then is judged and written, marked incomplete when the run did not finish.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCluster, type BackendChoice, type StartedCluster } from '../../clusters/index.ts';
import { registerLive, unregisterLive } from '../../clusters/signals.ts';
import { FAULTS } from '../../chaos/faults/registry.ts';
import type { AppliedFault, FaultContext } from '../../chaos/fault.ts';
import { createRng, randomSeed } from '../../chaos/rng.ts';
import { loadScenario, scenarioSeconds, type LoadedScenario } from '../../chaos/scenario.ts';
import { SCENARIOS, SCENARIO_NAMES } from '../../chaos/scenarios/index.ts';
import { BadInputError } from '../../core/errors.ts';
import { startObserver, type StartedObserver } from '../observe/index.ts';
import { silentProgress, type Progress } from '../../core/progress.ts';
import { TimelineWriter } from '../timeline/writer.ts';
import type { TimelineRecord } from '../timeline/records.ts';
import { DEFAULT_NATS_TAG, RUNS_DIR, TOXIPROXY_VERSION, patchedName } from '../../core/layout.ts';
import { ensureVariant } from '../variants/registry.ts';
import { buildToxiproxy } from '../variants/toxiproxy.ts';
import { judge, type Verdict } from '../verdict/judge.ts';
import { DEFAULT_THRESHOLDS, mergeThresholds, validateThresholds, type Thresholds } from '../verdict/thresholds.ts';
import { writeRunReports } from '../report/index.ts';
import { formatLiveStatus, liveStatus } from './live-status.ts';

export interface RunOptions {
  scenario: string;
  /** Default: the patched variant of the default tag. */
  variant?: string;
  backend?: BackendChoice;
  seed?: number;
  /** Applied over the scenario's own thresholds (from --thresholds FILE and --threshold flags). */
  thresholds?: Thresholds[];
  /** Replace the scenario's regions and/or servers per region. */
  topology?: TopologyOverride;
  progress?: Progress;
  /** Seconds between live status lines (default 5). */
  statusEverySeconds?: number;
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
  /** Stopped before the end (Ctrl-C or an error): the verdict covers what was seen. */
  incomplete: boolean;
  interrupted: boolean;
  error?: string;
}

export interface TopologyOverride {
  regions?: string[];
  servers?: number;
}

/** Validate the scenario name and its data before anything is built or started. */
export function scenarioByName(name: string, variant: string, override?: TopologyOverride): LoadedScenario {
  if (!(name in SCENARIOS)) {
    throw new BadInputError(`unknown scenario "${name}"`, { problems: [`scenario: one of ${SCENARIO_NAMES.join(', ')}`] });
  }
  const input = SCENARIOS[name as keyof typeof SCENARIOS];
  if (!override) return loadScenario(input, variant, `chaos/scenarios/${name}.ts`);
  const regions = (override.regions ?? input.topology.regions.map((r) => r.name))
    .map((r, i) => ({ name: r, servers: override.servers ?? input.topology.regions[i]?.servers ?? 3 }));
  return loadScenario({ ...input, topology: { ...input.topology, regions } }, variant, `chaos/scenarios/${name}.ts with --regions/--servers`);
}

export function effectiveThresholds(loaded: LoadedScenario, overrides: Thresholds[] = []): Thresholds {
  let t = mergeThresholds(DEFAULT_THRESHOLDS, validateThresholds(loaded.scenario.thresholds, `scenario ${loaded.scenario.name} thresholds`));
  for (const o of overrides) t = mergeThresholds(t, o);
  return t;
}

function stamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export async function runScenario(opts: RunOptions): Promise<RunResult> {
  const progress = opts.progress ?? silentProgress;
  const variant = opts.variant ?? patchedName(DEFAULT_NATS_TAG);
  const loaded = scenarioByName(opts.scenario, variant, opts.topology);
  const thresholds = effectiveThresholds(loaded, opts.thresholds);
  const seed = opts.seed ?? randomSeed();
  const { scenario } = loaded;

  await ensureVariant(variant, { progress });
  await buildToxiproxy(TOXIPROXY_VERSION, { progress });

  const runId = `${stamp()}-${scenario.name}`;
  const runDir = path.join(RUNS_DIR, runId);
  mkdirSync(runDir, { recursive: true });
  progress.info(`run ${runId}: ${scenario.name} on ${variant}, seed ${seed} (replay with --seed ${seed})`);
  const startedAt = new Date();
  const timeline = new TimelineWriter(path.join(runDir, 'timeline.ndjson'));

  const abort = new AbortController();
  let interrupted = false;
  // Settled once the partial results are written: the signal handler exits only after that.
  let markWritten = (): void => {};
  const written = new Promise<void>((resolve) => { markWritten = resolve; });
  // Ctrl-C: stop playing steps, then the normal path below reverts, judges and writes partial results.
  const live = {
    stop: async () => {
      interrupted = true;
      abort.abort();
      await Promise.race([written, sleep(60_000)]);
    },
    teardownSync: () => {},
  };
  registerLive(live);

  let cluster: StartedCluster | undefined;
  let observer: StartedObserver | undefined;
  const applied: { type: string; fault: AppliedFault }[] = [];
  let completed = false;
  let error: unknown;
  let backend = opts.backend ?? 'auto';

  const body = async () => {
    cluster = await progress.step(`boot ${loaded.topology.regions.map((r) => `${r.name}×${r.servers}`).join(' ')}`, () =>
      startCluster(loaded.topology, { backend: opts.backend ?? 'auto', runId, runDir, progress: (m) => progress.info(m) }));
    backend = cluster.backend;
    const vantage = scenario.observer.vantage ?? cluster.endpoints()[0]!.name;
    observer = await startObserver(cluster, {
      timeline, intervalMs: scenario.observer.intervalMs, statszOn: vantage, scenario: scenario.name,
      probe: { ratePerSecond: scenario.probe.ratePerSecond, stallIntervals: scenario.probe.stallIntervals },
    });
    const sink = observer.sink;
    const ctx: FaultContext = {
      cluster, rng: createRng(seed), protectedServers: new Set([vantage]), log: (m) => progress.info(m),
    };
    const total = scenarioSeconds(scenario);
    const t0 = Date.now();
    const obs = observer;
    const status = setInterval(() => {
      const left = Math.max(0, total - (Date.now() - t0) / 1000);
      progress.info(`${formatLiveStatus(liveStatus(obs.records(), Date.now()))} | ${left.toFixed(0)}s left`);
    }, (opts.statusEverySeconds ?? 5) * 1000);
    status.unref();
    try {
      let index = 0;
      for (const [i, step] of scenario.steps.entries()) {
        for (let rep = 0; rep < step.repeat; rep++, index++) {
          if (abort.signal.aborted) return;
          const name = step.repeat > 1 ? `${step.name} (${rep + 1}/${step.repeat})` : step.name;
          progress.info(`step ${i + 1}/${scenario.steps.length}: ${name} (${step.holdSeconds}s)`);
          sink.append({ t: Date.now(), kind: 'step', scenario: scenario.name, index, name, phase: 'start' });
          const spec = loaded.faults[i];
          let fault: AppliedFault | undefined;
          if (spec) {
            fault = await FAULTS[spec.type].apply(ctx, spec.attributes as never);
            applied.push({ type: spec.type, fault });
            sink.append({ t: Date.now(), kind: 'fault', fault: spec.type, phase: 'applied', targets: fault.targets, attributes: spec.attributes });
            progress.info(`  ${spec.type} on ${fault.targets.join(', ')}`);
          }
          // The sleep is the step: the fault holds (or, with none, we just watch).
          await sleep(step.holdSeconds * 1000, undefined, { signal: abort.signal }).catch(() => {});
          if (fault && spec) {
            await fault.revert();
            sink.append({ t: Date.now(), kind: 'fault', fault: spec.type, phase: 'reverted', targets: fault.targets });
          }
          sink.append({ t: Date.now(), kind: 'step', scenario: scenario.name, index, name, phase: 'end', ok: true });
          if (step.gapSeconds) await sleep(step.gapSeconds * 1000, undefined, { signal: abort.signal }).catch(() => {});
        }
      }
      if (abort.signal.aborted) return;
      progress.info(`settle: watching recovery for ${scenario.settleSeconds}s`);
      await sleep(scenario.settleSeconds * 1000, undefined, { signal: abort.signal }).catch(() => {});
      completed = !abort.signal.aborted;
    } finally {
      clearInterval(status);
    }
  };

  await body().catch((err) => { error = err; });
  try {
    return await finish();
  } finally {
    markWritten();
  }

  async function finish(): Promise<RunResult> {
    // Teardown, in this order: undo faults still in place, stop observing, keep the logs, stop servers.
    const records: TimelineRecord[] = [];
    try {
      for (const a of applied.reverse()) await a.fault.revert().catch(() => {});
      if (observer) {
        await observer.stop().catch(() => {});
        records.push(...observer.records());
      }
      if (cluster) {
        mkdirSync(path.join(runDir, 'logs'), { recursive: true });
        for (const s of cluster.servers()) {
          const text = await s.logs().catch((e: Error) => `logs unavailable: ${e.message}\n`);
          writeFileSync(path.join(runDir, 'logs', `${s.name}.log`), text);
        }
      }
    } finally {
      await cluster?.stop();
      await timeline.close().catch(() => {});
      unregisterLive(live);
    }
    if (error && !interrupted) throw error;

    const incomplete = !completed;
    const verdict = judge(records, thresholds, { detectors: scenario.detectors });
    writeRunReports(runDir, {
      scenario: scenario.name, variant, seed, startedAt, endedAt: new Date(), verdict, thresholds, incomplete,
    });
    return {
      runId, runDir, scenario: scenario.name, variant, backend, seed, verdict, thresholds, incomplete, interrupted,
      ...(error ? { error: String(error) } : {}),
    };
  }
}
