// watchCluster(): observe a running cluster brownout did not start (or one `cluster up` left), judge
// the thresholds over a sliding window every second, print the live status line, and at the end
// (the duration is over, a signal, or --fail-fast on the first failing threshold) write the run
// folder like a chaos run. It only reads: the observer's monitoring requests, the system-account
// STATSZ subscription, and (optionally) the log-stream probe's own subjects. No fault, no restart.
import path from 'node:path';
import type { Registry } from 'prom-client';
import type { ClusterView } from '../../clusters/view.ts';
import { silentProgress, type Progress } from '../../core/progress.ts';
import { startObserver, type StartedObserver } from '../observe/index.ts';
import { writeRunReports } from '../report/index.ts';
import type { TimelineRecord } from '../timeline/records.ts';
import { TimelineWriter } from '../timeline/writer.ts';
import type { Verdict } from '../verdict/judge.ts';
import { clock } from '../verdict/result.ts';
import type { Thresholds } from '../verdict/thresholds.ts';
import { SlidingJudge, type WindowFailure } from '../verdict/watch-window.ts';
import { newRunFolder, type RunFolder } from './run-files.ts';
import { startStatusTimer } from './status-line.ts';
import { TeardownStack } from './teardown-stack.ts';

export interface WatchPlan {
  thresholds: Thresholds;
  /** Length of the sliding window each judgement covers (ms). */
  windowMs: number;
  /** How often the window is judged (ms; by default 1000, 500 with --fail-fast: it is a circuit breaker). */
  judgeEveryMs?: number;
  /** Stop after this long (ms); undefined: until a signal (or --fail-fast). */
  durationMs?: number;
  failFast: boolean;
  /** Run the log-stream probe beside the observer. */
  probe: boolean;
  /** Observer sample interval (ms; 500 by default). */
  intervalMs?: number;
  /** Seconds between status lines (5 by default). */
  statusEverySeconds?: number;
}

export type WatchEnd = 'duration' | 'fail-fast' | 'signal';

export interface WatchResult extends RunFolder {
  /** The variants the servers said they run, comma-separated. */
  variant: string;
  verdict: Verdict;
  /** Each threshold's first failing window, earliest first. */
  failures: WindowFailure[];
  endedBy: WatchEnd;
  signal?: NodeJS.Signals;
  /** A signal stopped a watch that had a duration before it was over. */
  incomplete: boolean;
  startedAt: number;
  endedAt: number;
}

export interface WatchOptions {
  progress?: Progress;
  registry?: Registry;
  /** Aborted by the caller (its signal handler): the watch ends and judges what it saw. */
  signal?: AbortSignal;
  /** Called after each judgement (tests watch the live verdict through it). */
  onJudged?: (verdict: Verdict, at: number) => void;
}

/** The first failing threshold's line: `statsz.maxPerServerPerSecond (9 msgs/s at 14:03:05)`. */
export function describeFailure(f: WindowFailure): string {
  return `${f.name} (${f.observed}, seen failing at ${clock(f.at)})`;
}

export async function watchCluster(view: ClusterView, plan: WatchPlan, opts: WatchOptions = {}): Promise<WatchResult> {
  const progress = opts.progress ?? silentProgress;
  const folder = newRunFolder('watch');
  const stack = new TeardownStack();
  const timeline = new TimelineWriter(path.join(folder.runDir, 'timeline.ndjson'));
  stack.defer('close the timeline', () => timeline.close());
  const variant = [...new Set(view.endpoints().map((e) => e.variant))].join(',');
  let endedBy: WatchEnd = 'signal';
  let records: readonly TimelineRecord[] = [];
  let judge: SlidingJudge | undefined;
  let startedAt = Date.now();
  try {
    const observer = await startObserver(view, {
      timeline, intervalMs: plan.intervalMs ?? 500, scenario: 'watch', registry: opts.registry,
      probe: plan.probe ? { ratePerSecond: 20, stallIntervals: 10 } : false,
    });
    stack.defer('stop the observer', async () => {
      try {
        await observer.stop();
      } finally {
        records = observer.records();
      }
    });
    startedAt = Date.now();
    judge = new SlidingJudge(plan.thresholds, plan.windowMs, startedAt);
    progress.info(`run ${folder.runId}: watching ${view.endpoints().length} servers in ${view.regions.join(', ')} (${variant})${plan.durationMs ? ` for ${Math.round(plan.durationMs / 1000)} s` : ' until Ctrl-C'}; judging the last ${Math.round(plan.windowMs / 1000)} s every ${(judgeEvery(plan) / 1000).toFixed(1)} s${plan.failFast ? ', --fail-fast' : ''}`);
    stack.defer('stop the status line', startWatchStatus(observer, judge, plan, startedAt, progress));
    endedBy = await judgeUntilEnd(observer, judge, plan, opts, progress);
  } finally {
    const failed = await progress.step('stop the observer', () => stack.dispose());
    for (const f of failed) progress.info(`teardown: ${f}`);
  }
  const endedAt = Date.now();
  const verdict = judge!.final(records, endedAt);
  const incomplete = endedBy === 'signal' && plan.durationMs !== undefined;
  await progress.step(`write ${folder.runDir}`, async () => writeRunReports(folder.runDir, {
    scenario: 'watch', variant, seed: 'none (a watch applies nothing)', startedAt, endedAt, verdict, thresholds: plan.thresholds, incomplete, records,
  }));
  return { ...folder, variant, verdict, failures: judge!.failures, endedBy, incomplete, startedAt, endedAt };
}

const judgeEvery = (p: WatchPlan): number => p.judgeEveryMs ?? (p.failFast ? 500 : 1000);

/** Judge every second until the duration is over, the caller aborts, or (--fail-fast) a threshold fails. */
function judgeUntilEnd(observer: StartedObserver, judge: SlidingJudge, plan: WatchPlan, opts: WatchOptions, progress: Progress): Promise<WatchEnd> {
  return new Promise<WatchEnd>((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    const end = (why: WatchEnd): void => {
      for (const t of timers) clearTimeout(t);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(why);
    };
    const onAbort = (): void => end('signal');
    if (opts.signal?.aborted) return end('signal');
    opts.signal?.addEventListener('abort', onAbort);
    if (plan.durationMs !== undefined) timers.push(setTimeout(() => end('duration'), plan.durationMs));
    timers.push(setInterval(() => {
      const now = Date.now();
      const { verdict, newFailures } = judge.judge(observer.records(), now);
      opts.onJudged?.(verdict, now);
      for (const f of newFailures) progress.info(`FAIL ${f.name}: ${f.observed}; ${f.evidence[0] ?? ''}`);
      if (newFailures.length > 0) observer.note(`watch: ${newFailures.map((f) => f.name).join(', ')} failed in the window ending ${clock(now)}`, 'warn');
      if (plan.failFast && newFailures.length > 0) end('fail-fast');
    }, judgeEvery(plan)));
  });
}

/** The live line: links, STATSZ rate, time watched, and the first failing threshold (or `clean`). */
function startWatchStatus(observer: StartedObserver, judge: SlidingJudge, plan: WatchPlan, t0: number, progress: Progress): () => void {
  return startStatusTimer(observer, plan.statusEverySeconds ?? 5, (live) => {
    const watched = Math.round((Date.now() - t0) / 1000);
    const of = plan.durationMs !== undefined ? ` of ${Math.round(plan.durationMs / 1000)}s` : '';
    const first = judge.failures[0];
    progress.info(`${live} | watched ${watched}s${of} | ${first ? `FAILING ${describeFailure(first)}` : 'clean'}`);
  });
}
