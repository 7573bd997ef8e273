// What a rollout sees: the observer on its cluster (run/'s observer, appending to the rollout's
// timeline.ndjson), the records earlier controllers of the same rollout left in that file, and the
// live status line (run/'s, with the rollout's phase and stage in front).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Registry } from 'prom-client';
import type { StartedCluster } from '../../../clusters/index.ts';
import { startObserver, type StartedObserver } from '../../observe/index.ts';
import { liveStatus } from '../../run/live-status.ts';
import { startStatusTimer } from '../../run/status-line.ts';
import { readTimeline } from '../../timeline/reader.ts';
import type { TimelineRecord } from '../../timeline/records.ts';
import { TimelineWriter } from '../../timeline/writer.ts';

export const OBSERVER_INTERVAL_MS = 500;
const PROBE = { ratePerSecond: 20 };

export interface ObserveOptions {
  scenario: string;
  seed: number;
  /** The server the STATSZ subscription sits on. */
  statszOn?: string;
  registry?: Registry;
  statusEverySeconds: number;
  /** The status line's text for the live status now; it is printed and sent to watchers. */
  status(live: string): void;
}

export class RolloutObservation {
  #prior: TimelineRecord[] = [];
  #observer: StartedObserver | undefined;
  #timeline: TimelineWriter | undefined;
  #stopStatus: (() => void) | undefined;

  constructor(private readonly runDir: string) {}

  private get file(): string {
    return path.join(this.runDir, 'timeline.ndjson');
  }

  /** What earlier controllers of this rollout observed (alone: a controller that only finishes a teardown). */
  async readPrior(): Promise<void> {
    this.#prior = existsSync(this.file) ? await readTimeline(this.file, { lenient: true }) : [];
  }

  async start(cluster: StartedCluster, o: ObserveOptions): Promise<void> {
    await this.readPrior();
    this.#timeline = new TimelineWriter(this.file);
    this.#observer = await startObserver(cluster, {
      timeline: this.#timeline, intervalMs: OBSERVER_INTERVAL_MS, scenario: o.scenario, seed: o.seed,
      ...(o.statszOn ? { statszOn: o.statszOn } : {}), probe: PROBE, registry: o.registry,
      // Route and gateway connections per second for the routes.maxConnectsPerSecond gate.
      serverLogs: (name) => cluster.server(name).logs(),
    });
    this.#stopStatus = startStatusTimer(this.#observer, o.statusEverySeconds, o.status);
  }

  /** Safe to call twice, and when nothing started. */
  async stop(): Promise<void> {
    this.#stopStatus?.();
    this.#stopStatus = undefined;
    await this.#observer?.stop().catch(() => undefined);
    await this.#timeline?.close().catch(() => undefined);
    this.#observer = undefined;
  }

  /** Everything seen: before this controller (earlier ones) and since. */
  records(): TimelineRecord[] {
    return [...this.#prior, ...(this.#observer?.records() ?? [])];
  }

  sink(r: TimelineRecord): void {
    this.#observer?.sink.append(r);
  }

  /**
   * A sampling round that started at or after `t` has ended. A round appends all its records (its
   * `varz` ones carry its start) when it ends, and rounds run one at a time, so every round that
   * started before `t` has ended too: every link change seen until then is in the records.
   */
  sampledSince(t: number): boolean {
    const rs = this.#observer?.records() ?? [];
    for (let i = rs.length - 1; i >= 0; i--) {
      const r = rs[i]!;
      if (r.kind === 'varz' && r.t >= t) return true;
      if (r.t < t - 60_000) return false;
    }
    return false;
  }

  /** This controller's observer has seen every link up. */
  seesFullMesh(): boolean {
    const seen = liveStatus(this.#observer?.records() ?? [], Date.now());
    return seen.links > 0 && seen.linksUp === seen.links;
  }
}
