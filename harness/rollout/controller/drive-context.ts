// What every step of a rollout's drive shares: the state and where it is saved, the cluster, what
// is observed, the metrics and watchers told of every change, and the waits that a shutdown or an
// abort cut short. The steps (reconcile-*.ts) read and change the state only through here, so each
// change is saved before the action it announces.
import type { Registry } from 'prom-client';
import type { StartedCluster } from '../../../clusters/index.ts';
import { HarnessError } from '../../../core/errors.ts';
import type { Progress } from '../../../core/progress.ts';
import { rolloutMetrics, type RolloutMetrics } from '../../metrics/rollout-metrics.ts';
import type { Decision, RolloutEventBody, RolloutState, StageState } from '../../rollout-model/index.ts';
import type { TimelineRecord } from '../../timeline/records.ts';
import { OBSERVER_INTERVAL_MS, RolloutObservation } from './rollout-observation.ts';
import { windowRecords } from './stage-window.ts';
import type { RolloutStore } from './store.ts';

export interface DriverDeps {
  store: RolloutStore;
  progress: Progress;
  registry?: Registry;
  /** Every change, for watchers (the controller numbers them). */
  emit(body: RolloutEventBody): void;
  /** Seconds between live status lines (default 5). */
  statusEverySeconds?: number;
}

/** The controller is shutting down: stop where we are; rollout.json says where that is. */
export class ShutdownSignal extends Error {}

export class DriveContext {
  #cluster: StartedCluster | undefined;
  readonly observation: RolloutObservation;
  readonly metrics: RolloutMetrics | undefined;
  /** Keeps step and fault ids unique across the controllers of one rollout. */
  readonly session = Date.now().toString(36);
  /** An abort asked for while the rollout progresses: honoured between batches and during the soak. */
  abortAsked: Decision | undefined;
  #wake = new AbortController();
  readonly #shutdown = new AbortController();

  constructor(public state: RolloutState, readonly deps: DriverDeps) {
    this.metrics = deps.registry ? rolloutMetrics(deps.registry) : undefined;
    this.observation = new RolloutObservation(state.runDir);
  }

  get id(): string {
    return this.state.id;
  }

  /** The name the rollout's step records and metrics carry. */
  get scenario(): string {
    return `rollout:${this.state.playbook.name}`;
  }

  get cluster(): StartedCluster {
    if (!this.#cluster) throw new HarnessError('no cluster yet');
    return this.#cluster;
  }

  get hasCluster(): boolean {
    return this.#cluster !== undefined;
  }

  setCluster(c: StartedCluster | undefined): void {
    this.#cluster = c;
  }

  info(message: string): void {
    this.deps.progress.info(message);
  }

  // ---- state, saved before it is announced ------------------------------------------------------

  save(): void {
    this.state.updatedAt = now();
    this.deps.store.save(this.state);
  }

  setPhase(phase: RolloutState['phase'], message: string): void {
    this.state.phase = phase;
    this.state.message = message;
    this.save();
    this.metrics?.setRolloutPhase(this.id, phase);
    this.deps.emit({ phase: { phase, message } });
  }

  setStage(stage: StageState, phase: StageState['phase']): void {
    stage.phase = phase;
    this.save();
    const index = this.state.stages.indexOf(stage);
    this.metrics?.setStage(this.id, stage.name, index, phase);
    this.deps.emit({ stage: { index, name: stage.name, phase } });
  }

  // ---- what was seen ----------------------------------------------------------------------------

  records(): TimelineRecord[] {
    return this.observation.records();
  }

  sink(r: TimelineRecord): void {
    this.observation.sink(r);
  }

  /** The records of [from, to], framed as a run of this cluster (what the verdict reads). */
  windowOf(from: number, to: number): TimelineRecord[] {
    const c = this.cluster;
    return windowRecords(this.records(), from, to, {
      runId: this.state.id, regions: [...c.regions], intervalMs: OBSERVER_INTERVAL_MS,
      servers: c.endpoints().map((e) => ({ name: e.name, region: e.region, variant: e.variant })),
    });
  }

  // ---- waits that a shutdown or an abort cuts short ---------------------------------------------

  get shuttingDown(): boolean {
    return this.#shutdown.signal.aborted;
  }

  shutdown(): void {
    this.#shutdown.abort();
  }

  /** An abort during the upgrades or the soak: wakes the wait under way. */
  askAbort(d: Decision): void {
    this.abortAsked = d;
    this.#wake.abort();
  }

  checkShutdown(): void {
    if (this.#shutdown.signal.aborted) throw new ShutdownSignal();
  }

  /** Aborted when the controller shuts down or a human aborts: for waits handed to run/'s players. */
  interruptSignal(): AbortSignal {
    if (this.#wake.signal.aborted) this.#wake = new AbortController();
    return AbortSignal.any([this.#shutdown.signal, this.#wake.signal]);
  }

  async sleepUntil(t: number): Promise<void> {
    const ms = t - Date.now();
    if (ms <= 0) return this.checkShutdown();
    if (this.#wake.signal.aborted) this.#wake = new AbortController();
    const wake = this.#wake.signal;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const signal = this.#shutdown.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        wake.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done);
      wake.addEventListener('abort', done);
    });
    this.checkShutdown();
  }

  /**
   * Until the observer has seen every link up again (bounded). The mesh check reads /routez and
   * /gatewayz directly and answers before the timeline confirms a link (two samples), so a step
   * that ended there would read as a link still down when the next batch starts. First a round
   * that started now must have ended: a round still running may yet confirm a link down from
   * samples taken before the mesh came back (back-dated to before the heal), and a next batch
   * starting a few ms after the heal would leave recovery.maxSeconds judging that link still down
   * (bench/results/upgrades.md: a v2.12.15 → v2.15.3 region stage rolled back so, before this wait).
   */
  async untilObserverSeesMesh(deadlineMs: number): Promise<void> {
    const from = Date.now();
    const end = from + deadlineMs;
    while (Date.now() < end) {
      if (this.observation.sampledSince(from) && this.observation.seesFullMesh()) return;
      await this.sleepUntil(Date.now() + 100);
    }
  }
}

export const now = (): string => new Date().toISOString();
