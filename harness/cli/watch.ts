// npm run watch -- --attach <id|latest|compose|external:FILE> [--duration 10m] [--fail-fast]
//                  [--threshold key=value ...] [--thresholds FILE] [--window 30s] [--metrics-port N|0|off] [--no-probe]
// Observe a running cluster without changing it, judge the thresholds over a sliding window as it
// goes, and write the run folder at the end. With --fail-fast it is a circuit breaker a deploy
// pipeline runs beside its own rollout: exit 1 within seconds of the first failing threshold.
import { Command, Option } from 'commander';
import { Registry } from 'prom-client';
import { attachCluster, type StartedCluster } from '../../clusters/index.ts';
import { EXIT } from '../../core/errors.ts';
import { createProgress } from '../../core/progress.ts';
import { planThresholds } from '../run/index.ts';
import { describeFailure, watchCluster, type WatchResult } from '../run/watch-cluster.ts';
import { renderVerdictTable } from '../report/index.ts';
import { CHECK_KEYS } from '../verdict/registry.ts';
import { runWord } from '../verdict/result.ts';
import type { Thresholds } from '../verdict/thresholds.ts';
import { WATCH_JUDGING } from '../verdict/watch-window.ts';
import { thresholdValue } from '../verdict/thresholds.ts';
import { metricsPortOption, parseMetricsPort, serveMetrics, type MetricsPort } from './metrics-port.ts';
import { attachTarget, collectFlag, throwProblems } from './plan-flags.ts';

export interface WatchArgs {
  /** A `cluster up` run id, latest, compose, or external:FILE. */
  attach: string;
  /** `10m`, `90s`, `1h`; undefined: until Ctrl-C (or --fail-fast). */
  duration?: string;
  failFast?: boolean;
  threshold?: string[];
  thresholds?: string;
  /** Sliding window (default 30s). */
  window?: string;
  probe?: boolean;
  /** Default here: off (the CLI's default is 9477). */
  metricsPort?: MetricsPort;
  write?: (line: string) => void;
  /** The caller's stop (the CLI's Ctrl-C): the watch ends and judges what it saw. */
  signal?: AbortSignal;
}

/** Everything a watch runs with, checked before it attaches. */
export interface WatchSetup {
  attach: string;
  thresholds: Thresholds;
  windowMs: number;
  durationMs?: number;
  failFast: boolean;
  probe: boolean;
}

export const DEFAULT_WATCH_WINDOW = '30s';
const WINDOW_RANGE_MS = [10_000, 3_600_000] as const;
const DURATION_RANGE_MS = [5_000, 7 * 24 * 3_600_000] as const;

/** `90s`, `10m`, `1h`, `500ms` → ms; undefined when it is not one. */
export function parseDuration(raw: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(raw.trim());
  return m ? Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h']) : undefined;
}

function durationFlag(flag: string, raw: string, [lo, hi]: readonly [number, number], problems: string[]): number | undefined {
  const ms = parseDuration(raw);
  if (ms !== undefined && ms >= lo && ms <= hi) return ms;
  problems.push(`${flag}: ${JSON.stringify(raw)}; allowed: a duration such as 90s, 10m or 1h, from ${lo / 1000}s to ${hi / 3_600_000}h`);
  return undefined;
}

/** Every problem of the flags at once (exit 2), before anything attaches. */
export function planWatch(a: WatchArgs, earlier: readonly string[] = []): WatchSetup {
  const problems = [...earlier];
  if (a.attach === undefined || a.attach === '') problems.push('--attach: required; allowed: a cluster run id, latest, compose, or external:FILE');
  else attachTarget(a.attach, problems);
  const windowMs = durationFlag('--window', a.window ?? DEFAULT_WATCH_WINDOW, WINDOW_RANGE_MS, problems);
  const durationMs = a.duration === undefined ? undefined : durationFlag('--duration', a.duration, DURATION_RANGE_MS, problems);
  const thresholds = planThresholds({}, { file: a.thresholds, flags: a.threshold }, problems);
  throwProblems('watch', [...new Set(problems)]);
  return { attach: a.attach, thresholds, windowMs: windowMs!, ...(durationMs !== undefined ? { durationMs } : {}), failFast: a.failFast === true, probe: a.probe !== false };
}

/** What the watch judges, and how, one line per judged threshold (printed when it starts). */
export function judgingLines(t: Thresholds): string[] {
  return CHECK_KEYS.filter((k) => {
    const v = thresholdValue(t, k);
    return v !== undefined && v !== null && v !== false;
  }).map((k) => `  ${k}: ${WATCH_JUDGING[k]}`);
}

/** Exit code of a watch: a failed threshold 1; a signal before the duration was over 130/143; else 0. */
export function watchExitCode(r: Pick<WatchResult, 'verdict' | 'endedBy' | 'incomplete' | 'signal'>): number {
  if (!r.verdict.pass) return EXIT.thresholdFailed;
  if (r.incomplete) return r.signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
  return EXIT.pass;
}

export async function watch(a: WatchArgs): Promise<{ exitCode: number; result: WatchResult }> {
  const write = a.write ?? ((l: string) => process.stdout.write(l + '\n'));
  const setup = planWatch(a);
  const progress = createProgress('watch', a.write);
  const registry = new Registry();
  const metrics = await serveMetrics(a.metricsPort ?? 'off', registry, write);
  let cluster: StartedCluster | undefined;
  try {
    // No mesh check: the cluster may be in the middle of someone's deploy, and that is what is watched.
    cluster = await progress.step(`attach to ${setup.attach}`, () => attachCluster(setup.attach, { meshDeadlineMs: 0 }));
    write(`watch judges (nothing is changed on the cluster; outages and restarts it sees stand for a chaos run's fault steps):\n${judgingLines(setup.thresholds).join('\n')}`);
    const result = await watchCluster(cluster, { ...setup }, { progress, registry, signal: a.signal });
    const signal = a.signal?.aborted ? ((a.signal.reason as NodeJS.Signals | undefined) ?? 'SIGINT') : undefined;
    const r: WatchResult = { ...result, ...(signal && result.endedBy === 'signal' ? { signal } : {}) };
    const first = r.failures[0];
    if (r.endedBy === 'fail-fast' && first) write(`watch: --fail-fast: ${describeFailure(first)}`);
    write([
      `watch of ${cluster.runId} (${r.variant}), ${((r.endedAt - r.startedAt) / 1000).toFixed(0)} s, ended by ${r.endedBy}: ${runWord({ pass: r.verdict.pass, incomplete: r.incomplete })}`,
      renderVerdictTable(r.verdict),
      `results: ${r.runDir}/ (summary.md, summary.json, junit.xml, report.html, timeline.ndjson)`,
    ].join('\n'));
    return { exitCode: watchExitCode(r), result: r };
  } finally {
    // Lets go of it: an attached cluster keeps running, nothing of it is stopped.
    await cluster?.stop();
    await metrics?.stop();
  }
}

interface WatchFlags {
  attach?: string; duration?: string; failFast?: boolean; threshold: string[]; thresholds?: string; window: string; probe: boolean; metricsPort: string;
}

export function command(): Command {
  return new Command('watch')
    .description('Observe a running cluster without changing it, judge the thresholds over a sliding window, write the run folder; --fail-fast exits 1 on the first failing threshold')
    .requiredOption('--attach <id|latest|compose|external:FILE>', 'the cluster: a run id left by npm run cluster -- up (or latest), the compose stack, or external:FILE (a cluster file of your own servers)')
    .option('--duration <d>', 'stop after this long (90s, 10m, 1h); default: until Ctrl-C')
    .option('--fail-fast', 'exit 1 within seconds of the first failing threshold, naming it (the run folder is written first)')
    .option('--threshold <key=value>', 'override one threshold, e.g. statsz.maxPerServerPerSecond=4 (repeatable; =null switches it off)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--thresholds <file>', 'JSON file of threshold overrides')
    .option('--window <d>', 'length of the sliding window judged every second', DEFAULT_WATCH_WINDOW)
    .addOption(new Option('--probe', 'run the log-stream probe beside the observer (the default; on an external cluster it publishes only under the cluster file\'s probe.subjectPrefix)').default(true))
    .addOption(new Option('--no-probe', 'do not run the log-stream probe: the watch then only reads monitoring endpoints and subscribes to STATSZ'))
    .addOption(metricsPortOption())
    .addHelpText('after', '\nExit codes: 0 clean (the duration ended, or Ctrl-C without --duration), 1 a threshold failed, 2 bad input, 3 environment, 4 harness, 130/143 a signal before --duration was over.')
    .action(async (o: WatchFlags) => {
      const problems: string[] = [];
      const metricsPort = collectFlag(() => parseMetricsPort(o.metricsPort), problems);
      const args: WatchArgs = {
        attach: o.attach ?? '', duration: o.duration, failFast: o.failFast, threshold: o.threshold, thresholds: o.thresholds,
        window: o.window, probe: o.probe, metricsPort,
      };
      planWatch(args, problems);
      // Ctrl-C (or SIGTERM) ends the watch and judges what it saw; a second one kills the process.
      const stop = new AbortController();
      const onSignal = (sig: NodeJS.Signals): void => {
        process.stderr.write(`\n${sig}: ending the watch, judging what was seen (again to quit now)\n`);
        stop.abort(sig);
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const { exitCode } = await watch({ ...args, signal: stop.signal });
        process.exitCode = exitCode;
      } finally {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      }
    });
}
