// Drives one rollout from whatever its state says to the end: boot or attach the cluster, then per
// stage upgrade its batches (lame duck, stop, start the target, wait for the mesh), soak with its
// faults, judge its gates, and pass, pause or roll back. Every action is written to rollout.json
// before it is done and is safe to do twice, so a driver started on the state a killed controller
// left goes on from there.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Registry } from 'prom-client';
import { attachCluster, readState, reapRun, startCluster, type ClusterServer, type StartedCluster } from '../../../clusters/index.ts';
import { holdExitUntil } from '../../../clusters/signals.ts';
import { claimCluster } from './claim-cluster.ts';
import { createRng } from '../../../chaos/rng.ts';
import type { TypedFault } from '../../../chaos/faults/registry.ts';
import { HarnessError } from '../../../core/errors.ts';
import type { Progress } from '../../../core/progress.ts';
import { rolloutMetrics, type RolloutMetrics } from '../../metrics/rollout-metrics.ts';
import { writeRolloutReports } from '../../report/write-rollout-reports.ts';
import { ENDED_PHASES, type Decision, type GateResult, type RolloutEventBody, type RolloutState, type ServerUpgrade, type Stage, type StageState } from '../../rollout-model/index.ts';
import { startObserver, type StartedObserver } from '../../observe/index.ts';
import { FaultLedger } from '../../run/fault-ledger.ts';
import { saveServerLogs } from '../../run/run-files.ts';
import { formatLiveStatus, liveStatus } from '../../run/live-status.ts';
import { readTimeline } from '../../timeline/reader.ts';
import type { TimelineRecord } from '../../timeline/records.ts';
import { TimelineWriter } from '../../timeline/writer.ts';
import { judgeCompare } from '../judge/compare-gate.ts';
import { baselineGate, meshGate, rollbackStuckGate } from '../judge/rollback-gates.ts';
import { judgeThresholdGates, stageOutcome } from '../judge/threshold-gates.ts';
import { pendingUpgrade } from './plan-rollout.ts';
import { scopeToTarget } from './scope.ts';
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

const OBSERVER_INTERVAL_MS = 500;
const PROBE = { ratePerSecond: 20 };

export class RolloutDriver {
  #cluster: StartedCluster | undefined;
  #observer: StartedObserver | undefined;
  #timeline: TimelineWriter | undefined;
  #prior: TimelineRecord[] = [];
  #decision: { resolve: (d: Decision) => void } | undefined;
  #pending: Decision | undefined;
  /** An abort asked for while the rollout progresses: honoured between batches and during the soak. */
  #abortAsked: Decision | undefined;
  #wake = new AbortController();
  readonly #shutdown = new AbortController();
  readonly #metrics: RolloutMetrics | undefined;
  #session = Date.now().toString(36);
  #statusTimer: NodeJS.Timeout | undefined;

  constructor(public state: RolloutState, private readonly deps: DriverDeps) {
    this.#metrics = deps.registry ? rolloutMetrics(deps.registry) : undefined;
  }

  get id(): string {
    return this.state.id;
  }

  /** A human's decision on a paused rollout; queued when the driver is not waiting yet. */
  decide(d: Decision): void {
    if (d.action === 'abort' && !this.#decision && this.state.phase === 'progressing') {
      this.#abortAsked = d;
      this.#wake.abort();
      return;
    }
    if (this.#decision) {
      const w = this.#decision;
      this.#decision = undefined;
      w.resolve(d);
    } else this.#pending = d;
  }

  /** Stop at the next wait, leaving the cluster and rollout.json for the next controller. */
  shutdown(): void {
    this.#shutdown.abort();
    if (this.#decision) this.#decision.resolve({ action: 'resume', reason: 'shutdown', at: new Date().toISOString(), stage: this.state.currentStage });
  }

  /** Runs until the rollout ends or the controller shuts down. Never throws for the rollout's own failures. */
  async run(): Promise<void> {
    try {
      this.state.controllerPid = process.pid;
      this.save();
      if (!this.state.ending) {
        await this.ensureCluster();
        await this.startObserving();
        while (!ENDED_PHASES.includes(this.state.phase) && !this.state.ending) {
          this.checkShutdown();
          await this.step();
        }
      } else {
        // A controller stopped during the teardown: finish it; the cluster may be half gone already.
        this.#prior = await this.readPrior();
      }
      // The teardown is not cut short by a shutdown (SIGTERM): nothing of an ended rollout may stay behind.
      if (this.state.ending) await holdExitUntil(this.finish());
    } catch (err) {
      if (err instanceof ShutdownSignal || this.#shutdown.signal.aborted) {
        this.deps.progress.info(`rollout ${this.id}: controller stopping; state kept in ${path.join(this.state.runDir, 'rollout.json')}`);
      } else {
        const msg = err instanceof Error ? err.message : String(err);
        this.setPhase('error', `the harness could not go on: ${msg}`);
        this.deps.progress.info(`rollout ${this.id}: error: ${msg}`);
        await this.writeReports().catch(() => undefined);
      }
    } finally {
      await this.stopObserving();
      this.#cluster?.detach();
    }
  }

  // ---- one move, chosen from the state -------------------------------------------------------

  private async step(): Promise<void> {
    const s = this.state;
    if (this.#abortAsked && s.phase === 'progressing') {
      const d = this.#abortAsked;
      this.#abortAsked = undefined;
      s.decisions.push(d);
      const stage = s.stages[s.currentStage]!;
      s.message = `aborted by a human during stage ${stage.name} (${stage.phase})${d.reason ? `: ${d.reason}` : ''}`;
      return void this.setPhase('rolling-back', s.message);
    }
    if (s.phase === 'pending' || s.phase === 'error') return void this.setPhase('progressing', `stage ${s.stages[s.currentStage]!.name}`);
    if (s.phase === 'rolling-back') return this.rollBack();
    if (s.phase === 'paused') return this.waitForDecision();
    const stage = s.stages[s.currentStage]!;
    const spec = s.playbook.stages[s.currentStage]!;
    switch (stage.phase) {
      case 'pending':
        stage.startedAt = now();
        stage.attempts = 1;
        return void this.setStage(stage, 'upgrading');
      case 'upgrading':
        return this.upgradeStage(stage, spec);
      case 'soaking':
        return this.soak(stage, spec);
      case 'judging':
        return this.judgeStage(stage, spec);
      case 'passed':
      case 'promoted':
        if (s.currentStage + 1 < s.stages.length) {
          s.currentStage++;
          this.save();
          return;
        }
        return this.end('succeeded', `every stage passed; every server runs ${s.target}`);
      case 'failed':
        return void this.setPhase('rolling-back', s.message);
      case 'paused':
        return void this.setPhase('paused', s.message);
      default:
        throw new HarnessError(`stage ${stage.name} is ${stage.phase}, which a progressing rollout cannot be in`);
    }
  }

  // ---- cluster and observer ------------------------------------------------------------------

  private async ensureCluster(): Promise<void> {
    const s = this.state;
    const pb = s.playbook;
    if (s.cluster.runId && readState(s.cluster.runId)) {
      this.deps.progress.info(`rollout ${s.id}: attaching to cluster ${s.cluster.runId}`);
      // Its own cluster, left by a controller that stopped: this one owns it now (before attaching, so
      // the attached view keeps writing this owner). A cluster from `cluster up` stays its starter's.
      if (s.cluster.owned) claimCluster(s.cluster.runId);
      this.#cluster = await attachCluster(s.cluster.runId, { meshDeadlineMs: 0, resuming: true });
      await this.startServersLeftDown();
    } else if (s.cluster.owned && pb.cluster.kind === 'topology') {
      if (s.cluster.runId) throw new HarnessError(`cluster ${s.cluster.runId} of this rollout is gone (no state file); it cannot be resumed`);
      this.deps.progress.info(`rollout ${s.id}: booting ${pb.cluster.topology.regions.map((r) => `${r.name}×${r.servers}`).join(' ')} on ${pb.cluster.backend} (${s.baseline})`);
      const cluster = await startCluster(pb.cluster.topology, { backend: pb.cluster.backend, runId: s.id, runDir: s.runDir, progress: this.deps.progress, meshDeadlineMs: 60_000 });
      // Left running on purpose until the rollout ends, so a restarted controller finds it; owned by
      // this controller meanwhile, so the reaper and `clean` leave it alone while it lives.
      cluster.detach();
      claimCluster(cluster.runId);
      this.#cluster = cluster;
      s.cluster = { runId: cluster.runId, owned: true, backend: cluster.backend };
      this.save();
    } else {
      throw new HarnessError(`cluster ${s.cluster.runId ?? '(none)'} of this rollout is not running`);
    }
    s.cluster.backend = this.#cluster.backend;
    for (const st of s.stages) if (st.baselinePeer) this.#metrics?.setServerRole(st.baselinePeer, this.cluster.server(st.baselinePeer).region, 'baseline');
    if (s.stages[0]?.kind === 'canary') {
      const c = s.stages[0].servers[0];
      if (c) this.#metrics?.setServerRole(c.server, c.region, 'canary');
    }
  }

  /**
   * A controller killed mid-move can leave a server stopped (on docker its container has no address
   * then, so nothing can reach it). It is started again, on the variant its state says, before the
   * observer starts; the interrupted move then resumes as usual (a move to what a server already runs
   * does nothing). Waits for the full mesh, so the observer starts on a whole cluster.
   */
  private async startServersLeftDown(): Promise<void> {
    const down: ClusterServer[] = [];
    for (const srv of this.cluster.servers()) if (!(await srv.isRunning())) down.push(srv);
    if (!down.length) return;
    this.deps.progress.info(`rollout ${this.state.id}: ${down.map((x) => `${x.name} (${x.variant})`).join(', ')} left down by the last controller: starting again`);
    for (const srv of down) await srv.start();
    const readySeconds = this.state.playbook.stages[this.state.currentStage]?.upgrade.readySeconds ?? 60;
    await this.cluster.waitForMesh(readySeconds * 1000);
  }

  /** The name the rollout's step records and metrics carry. */
  private get scenario(): string {
    return `rollout:${this.state.playbook.name}`;
  }

  private get cluster(): StartedCluster {
    if (!this.#cluster) throw new HarnessError('no cluster yet');
    return this.#cluster;
  }

  /** What earlier controllers of this rollout observed. */
  private async readPrior(): Promise<TimelineRecord[]> {
    const file = path.join(this.state.runDir, 'timeline.ndjson');
    return existsSync(file) ? readTimeline(file, { lenient: true }) : [];
  }

  private async startObserving(): Promise<void> {
    const file = path.join(this.state.runDir, 'timeline.ndjson');
    this.#prior = await this.readPrior();
    this.#timeline = new TimelineWriter(file);
    // The STATSZ subscription sits on a server of the last stage, upgraded last.
    const last = this.state.stages.at(-1)?.servers.at(-1)?.server;
    this.#observer = await startObserver(this.cluster, {
      timeline: this.#timeline, intervalMs: OBSERVER_INTERVAL_MS, scenario: this.scenario, seed: this.state.seed,
      ...(last ? { statszOn: last } : {}), probe: PROBE, registry: this.deps.registry,
    });
    const every = (this.deps.statusEverySeconds ?? 5) * 1000;
    this.#statusTimer = setInterval(() => this.status(), every);
    this.#statusTimer.unref();
  }

  private status(): void {
    if (!this.#observer) return;
    const s = this.state;
    const st = s.stages[s.currentStage]!;
    const text = `${s.phase} | stage ${s.currentStage + 1}/${s.stages.length} ${st.name} ${st.phase} | ${formatLiveStatus(liveStatus(this.#observer.records(), Date.now()))}`;
    this.deps.progress.info(text);
    this.deps.emit({ status: { text } });
  }

  private async stopObserving(): Promise<void> {
    if (this.#statusTimer) clearInterval(this.#statusTimer);
    await this.#observer?.stop().catch(() => undefined);
    await this.#timeline?.close().catch(() => undefined);
    this.#observer = undefined;
  }

  /** Everything seen: before this driver (earlier controllers) and since. */
  private records(): TimelineRecord[] {
    return [...this.#prior, ...(this.#observer?.records() ?? [])];
  }

  private sink(r: TimelineRecord): void {
    this.#observer?.sink.append(r);
  }

  // ---- upgrades ------------------------------------------------------------------------------

  private async upgradeStage(stage: StageState, spec: Stage): Promise<void> {
    const idx = this.state.currentStage;
    for (const [b, batch] of stage.batches.entries()) {
      const ups = stage.servers.filter((u) => batch.includes(u.server));
      if (ups.every((u) => u.step === 'done')) continue;
      this.checkShutdown();
      if (this.#abortAsked) return;
      const peer = stage.baselinePeer && !stage.baselinePeerRestartedAt ? stage.baselinePeer : undefined;
      const label = `${stage.name}: ${batch.join(', ')} → ${this.state.target}`;
      const failed = await this.upgradeBatch(ups, spec, idx * 1000 + b, label, peer);
      if (failed.length) {
        this.state.message = `stage ${stage.name}: upgrade of ${failed.map((u) => `${u.server} failed (${u.message})`).join('; ')}`;
        return void this.setStage(stage, 'failed');
      }
    }
    stage.soakStartedAt = undefined;
    this.setStage(stage, 'soaking');
  }

  /**
   * One batch at once, as a step with an `upgrade` fault over it, so the verdict treats it as the
   * restart it is (STATSZ excess, probe loss inside it excused). The baseline peer, if any, is
   * restarted when the canary stops, so restart effects fall on both sides of the comparison.
   */
  private async upgradeBatch(ups: ServerUpgrade[], spec: Stage, stepIndex: number, label: string, peer?: string): Promise<ServerUpgrade[]> {
    const targets = [...ups.map((u) => u.server), ...(peer ? [peer] : [])];
    let results: PromiseSettledResult<void>[] = [];
    await this.asRestartStep({ index: stepIndex, id: `u${stepIndex}-${this.#session}`, label, targets, attributes: { variant: ups[0]!.to, ...(peer ? { baselinePeer: peer } : {}) }, readySeconds: spec.upgrade.readySeconds }, async () => {
      let peerRestart: Promise<void> | undefined;
      const onStop = peer ? () => {
        peerRestart ??= (async () => {
          this.deps.progress.info(`restarting baseline peer ${peer} with the canary`);
          await this.cluster.server(peer).restart();
          this.state.stages[this.state.currentStage]!.baselinePeerRestartedAt = now();
          this.save();
        })();
      } : undefined;
      results = await Promise.allSettled(ups.map((u) => this.moveServer(u, spec, onStop)));
      if (peerRestart) await peerRestart.catch((err: Error) => this.deps.progress.info(`baseline peer ${peer} restart failed: ${err.message}`));
      return results.every((r) => r.status === 'fulfilled');
    });
    const shutdown = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && r.reason instanceof ShutdownSignal);
    if (shutdown) throw shutdown.reason;
    return ups.filter((_, k) => results[k]!.status === 'rejected');
  }

  /**
   * Servers moved as the verdict reads a restart: a step with an `upgrade` fault over it, applied
   * before the move and reverted after it, so STATSZ excess is counted after it and probe loss
   * inside it is excused. `move` says whether every server made it.
   */
  private async asRestartStep(x: { index: number; id: string; label: string; targets: string[]; attributes: Record<string, unknown>; readySeconds: number }, move: () => Promise<boolean>): Promise<void> {
    const scenario = this.scenario;
    this.sink({ t: Date.now(), kind: 'step', scenario, index: x.index, name: x.label, phase: 'start' });
    this.sink({ t: Date.now(), kind: 'fault', id: x.id, step: x.index, fault: 'upgrade', phase: 'applied', targets: x.targets, attributes: x.attributes });
    const ok = await move();
    if (ok) await this.untilObserverSeesMesh(x.readySeconds * 1000);
    this.sink({ t: Date.now(), kind: 'fault', id: x.id, step: x.index, fault: 'upgrade', phase: 'reverted', targets: x.targets });
    this.sink({ t: Date.now(), kind: 'step', scenario, index: x.index, name: x.label, phase: 'end', ok });
  }

  /**
   * Until the observer has seen every link up again (bounded). The mesh check reads /routez and
   * /gatewayz directly and answers before the timeline confirms a link (two samples), so a step
   * that ended there would read as a link still down when the next batch starts.
   */
  private async untilObserverSeesMesh(deadlineMs: number): Promise<void> {
    const end = Date.now() + deadlineMs;
    while (Date.now() < end) {
      const seen = liveStatus(this.#observer?.records() ?? [], Date.now());
      if (seen.links > 0 && seen.linksUp === seen.links) return;
      await this.sleepUntil(Date.now() + 100);
    }
  }

  /** Lame duck, stop, start on `u.to`, wait for /healthz and the full mesh; each part recorded before it starts. */
  private async moveServer(u: ServerUpgrade, spec: Stage, onStop?: () => void): Promise<void> {
    const server = this.cluster.server(u.server);
    const ld = spec.upgrade.lameDuck;
    const mark = (step: ServerUpgrade['step']) => {
      u.step = step;
      u.startedAt ??= now();
      this.save();
      this.#metrics?.setServerState(u.server, u.region, step);
      this.deps.emit({ upgrade: { ...u } });
    };
    u.startedAt ??= now();
    this.save();
    this.deps.progress.info(`${u.rollback ? 'rolling back' : 'upgrading'} ${u.server}: ${u.from} → ${u.to}${ld.enabled ? ` (lame duck ${ld.durationSeconds} s)` : ''}`);
    try {
      const timing = await server.upgrade(u.to, {
        lameDuck: ld.enabled ? { durationSeconds: ld.durationSeconds, graceSeconds: ld.graceSeconds } : false,
        onStep: (step) => {
          if (step === 'stopping') onStop?.();
          mark(step);
        },
      });
      u.lameDuckMs = timing.lameDuckMs;
      u.startMs = timing.stopMs + timing.startMs;
      mark('waiting-mesh');
      const t = Date.now();
      await this.cluster.waitForMesh(spec.upgrade.readySeconds * 1000);
      u.meshMs = Date.now() - t;
      u.endedAt = now();
      mark('done');
    } catch (err) {
      if (this.#shutdown.signal.aborted) throw new ShutdownSignal();
      u.message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      u.endedAt = now();
      mark('failed');
      throw err;
    }
  }

  // ---- soak and judge ------------------------------------------------------------------------

  private async soak(stage: StageState, spec: Stage): Promise<void> {
    const idx = this.state.currentStage;
    if (stage.soakStartedAt) {
      // A soak cut short by a stopped controller starts again, on a clean network.
      this.deps.progress.info(`stage ${stage.name}: the soak was interrupted; starting it again`);
      await this.cluster.links.reset();
    }
    const start = Date.now();
    stage.soakStartedAt = new Date(start).toISOString();
    stage.soakEndedAt = undefined;
    this.save();
    this.deps.progress.info(`stage ${stage.name}: soaking ${spec.soakSeconds} s${spec.faults.length ? ` with ${spec.faults.length} fault(s)` : ''}`);
    const ledger = new FaultLedger({
      cluster: this.cluster, rng: createRng(this.state.seed + idx), protectedServers: new Set(), log: (m) => this.deps.progress.info(m),
    }, { append: (r) => this.sink(r) }, { idPrefix: `s${idx}-${this.#session}-` });
    const end = start + spec.soakSeconds * 1000;
    const events = spec.faults.flatMap((f, k) => {
      const at = start + f.atSeconds * 1000;
      const until = Math.min(end, at + f.holdSeconds * 1000);
      return [{ t: at, k, apply: true }, { t: until, k, apply: false }];
    }).sort((a, b) => a.t - b.t || Number(a.apply) - Number(b.apply));
    const applied = new Map<number, Awaited<ReturnType<FaultLedger['apply']>>>();
    const scenario = this.scenario;
    try {
      for (const e of events) {
        await this.sleepUntil(e.t);
        if (this.#abortAsked) return;
        const f = spec.faults[e.k]!;
        const stepIndex = idx * 1000 + 500 + e.k;
        if (e.apply) {
          this.sink({ t: Date.now(), kind: 'step', scenario, index: stepIndex, name: `${stage.name}: ${f.type}`, phase: 'start' });
          applied.set(e.k, await ledger.apply({ type: f.type, attributes: f.attributes } as TypedFault, stepIndex));
        } else {
          const entry = applied.get(e.k);
          if (entry) await ledger.revert(entry);
          this.sink({ t: Date.now(), kind: 'step', scenario, index: stepIndex, name: `${stage.name}: ${f.type}`, phase: 'end', ok: true });
        }
      }
      await this.sleepUntil(end);
      if (this.#abortAsked) return;
    } finally {
      await ledger.revertAll().catch((err: Error) => this.deps.progress.info(`stage ${stage.name}: ${err.message}`));
    }
    stage.soakEndedAt = now();
    this.setStage(stage, 'judging');
  }

  private async judgeStage(stage: StageState, spec: Stage): Promise<void> {
    const from = Date.parse((stage.attempts ?? 1) > 1 ? stage.soakStartedAt! : stage.startedAt!);
    const to = Date.parse(stage.soakEndedAt!);
    const window = scopeToTarget(this.windowOf(from, to), this.state.target);
    const gates: GateResult[] = judgeThresholdGates(spec, window);
    if (spec.gates.compare && stage.baselinePeer && stage.servers[0]) {
      gates.push(judgeCompare(spec, this.records(), stage.servers[0].server, stage.baselinePeer, Date.parse(stage.soakStartedAt!), to));
    }
    stage.gates = gates;
    for (const g of gates) {
      this.#metrics?.setGate(stage.name, g.gate, g.outcome);
      if (g.comparison) this.#metrics?.setComparison(stage.name, g.comparison.metrics.map((m) => ({ metric: m.name, shift: m.shift, pValue: m.pValue })), g.comparison.score);
      this.deps.emit({ gate: g });
      this.deps.progress.info(`gate ${stage.name} ${g.gate}: ${g.outcome.toUpperCase()} (${g.observed}; bound ${g.bound})`);
    }
    const outcome = stageOutcome(gates);
    const failing = gates.filter((g) => g.outcome === (outcome === 'fail' ? 'fail' : 'inconclusive')).map((g) => `${g.gate} ${g.observed} (bound ${g.bound})`);
    stage.endedAt = now();
    if (outcome === 'pass') return void this.setStage(stage, 'passed');
    if (outcome === 'fail' && spec.onFailure === 'rollback') {
      this.state.message = `stage ${stage.name} failed its gates: ${failing.join('; ')}`;
      return void this.setStage(stage, 'failed');
    }
    this.state.message = `stage ${stage.name} ${outcome === 'fail' ? 'failed (onFailure: pause)' : 'is inconclusive'}: ${failing.join('; ')}; promote, resume or abort`;
    this.setStage(stage, 'paused');
  }

  private windowOf(from: number, to: number): TimelineRecord[] {
    const c = this.cluster;
    return windowRecords(this.records(), from, to, {
      runId: this.state.id, regions: [...c.regions], intervalMs: OBSERVER_INTERVAL_MS,
      servers: c.endpoints().map((e) => ({ name: e.name, region: e.region, variant: e.variant })),
    });
  }

  // ---- pause and decisions -------------------------------------------------------------------

  private async waitForDecision(): Promise<void> {
    const d = this.#pending ?? (await new Promise<Decision>((resolve) => { this.#decision = { resolve }; }));
    this.#pending = undefined;
    this.checkShutdown();
    const s = this.state;
    const stage = s.stages[s.currentStage]!;
    s.decisions.push(d);
    if (d.action === 'promote') {
      s.message = `stage ${stage.name} promoted by a human${d.reason ? `: ${d.reason}` : ''}`;
      stage.phase = 'promoted';
      this.setPhase('progressing', s.message);
      this.setStage(stage, 'promoted');
    } else if (d.action === 'abort') {
      s.message = `aborted by a human${d.reason ? `: ${d.reason}` : ''}`;
      this.setPhase('rolling-back', s.message);
    } else {
      stage.attempts = (stage.attempts ?? 1) + 1;
      stage.gates = [];
      stage.soakStartedAt = undefined;
      stage.soakEndedAt = undefined;
      this.setPhase('progressing', `stage ${stage.name} resumed: soak and judge again${d.reason ? ` (${d.reason})` : ''}`);
      this.setStage(stage, 'soaking');
    }
  }

  // ---- rollback ------------------------------------------------------------------------------

  /** Every server that left the baseline goes back, newest first; then the rollback is judged. */
  private async rollBack(): Promise<void> {
    const s = this.state;
    if (!s.rollback) {
      const moved = s.stages.flatMap((st) => st.servers).filter((u) => u.step !== 'pending')
        .sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
      s.rollback = { servers: moved.map((u) => pendingUpgrade({ name: u.server, region: u.region }, s.target, s.baseline, true)), startedAt: now(), gates: [] };
      this.save();
      this.deps.progress.info(`rolling back ${moved.length} server(s), newest first: ${moved.map((u) => u.server).join(', ') || '(none)'}`);
    }
    const rb = s.rollback;
    const spec = s.playbook.stages[s.currentStage]!;
    for (const [k, u] of rb.servers.entries()) {
      if (u.step === 'done') continue;
      this.checkShutdown();
      const index = 900_000 + k;
      await this.asRestartStep({ index, id: `r${k}-${this.#session}`, label: `rollback ${u.server}`, targets: [u.server], attributes: { variant: s.baseline, rollback: true }, readySeconds: spec.upgrade.readySeconds }, async () => {
        // A failed move is judged below (servers.onBaseline); only a shutdown stops the rollback here.
        await this.moveServer(u, spec).catch((err: Error) => {
          if (err instanceof ShutdownSignal) throw err;
        });
        return (u.step as string) === 'done';
      });
    }
    rb.gates = await this.judgeRollback();
    rb.endedAt = now();
    for (const st of s.stages) if (st.servers.some((u) => u.step !== 'pending')) st.phase = 'rolled-back';
    const failed = rb.gates.filter((g) => g.outcome === 'fail');
    for (const g of rb.gates) this.deps.emit({ gate: g });
    if (failed.length) {
      this.end('rollback-failed', `ROLLBACK FAILED: ${failed.map((g) => `${g.gate}: ${g.observed}`).join('; ')}. ${s.message}`);
    } else {
      this.end('rolled-back', `rolled back: every server runs ${s.baseline}, fully meshed. ${s.message}`);
    }
  }

  /** Every server up on the baseline, the full mesh, and no link stuck through a final window (gates.ts). */
  private async judgeRollback(): Promise<GateResult[]> {
    const s = this.state;
    const running = await Promise.all(this.cluster.servers().map(async (srv) => ({ name: srv.name, up: await srv.isRunning(), variant: srv.variant })));
    const gates: GateResult[] = [baselineGate({ baseline: s.baseline, notBack: s.rollback!.servers.filter((u) => u.step !== 'done').map((u) => ({ server: u.server, step: u.step, message: u.message })), running })];
    const meshFrom = Date.now();
    const readySeconds = s.playbook.stages[s.currentStage]!.upgrade.readySeconds;
    let mesh: string;
    try {
      await this.cluster.waitForMesh(readySeconds * 1000);
      mesh = '';
    } catch (err) {
      mesh = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    }
    gates.push(meshGate(mesh, readySeconds, (Date.now() - meshFrom) / 1000));
    // Let the observer see a whole final window after the last move.
    const windowSeconds = 5;
    await this.sleepUntil(Date.now() + (windowSeconds + 1) * 1000);
    const stuck = rollbackStuckGate(this.windowOf(Date.parse(s.rollback!.startedAt), Date.now()), windowSeconds);
    if (stuck) gates.push(stuck);
    return gates;
  }

  // ---- the end -------------------------------------------------------------------------------

  /** The rollout is over: recorded as ending, so the teardown (finish) runs, and is finished by the next controller if this one stops. */
  private end(phase: RolloutState['phase'], message: string): void {
    this.state.ending = { phase, message };
    this.save();
  }

  /**
   * Reports with the final phase, then an owned cluster stopped, and only then the final phase in
   * rollout.json and to watchers: a client that sees it sees nothing of the rollout left running.
   * Each part is safe to do again (a controller stopped mid-way resumes here).
   */
  private async finish(): Promise<void> {
    const s = this.state;
    const end = s.ending!;
    writeRolloutReports({ ...s, phase: end.phase, message: end.message, ending: undefined }, this.records());
    if (s.cluster.owned && s.cluster.runId) {
      if (this.#cluster) await saveServerLogs(this.#cluster, s.runDir).catch(() => undefined);
      await this.stopObserving();
      const st = readState(s.cluster.runId);
      if (st) {
        this.deps.progress.info(`rollout ${s.id}: stopping cluster ${s.cluster.runId}`);
        const r = await reapRun(st);
        if (r.failed.length) this.deps.progress.info(`rollout ${s.id}: could not remove ${r.failed.join('; ')} (npm run clean retries)`);
      }
      this.#cluster = undefined;
    }
    s.ending = undefined;
    this.setPhase(end.phase, end.message);
    this.deps.progress.info(`rollout ${s.id}: ${s.phase.toUpperCase()}: ${s.message}`);
  }

  private async writeReports(): Promise<void> {
    writeRolloutReports(this.state, this.records());
  }

  // ---- state ---------------------------------------------------------------------------------

  private save(): void {
    this.state.updatedAt = now();
    this.deps.store.save(this.state);
  }

  private setPhase(phase: RolloutState['phase'], message: string): void {
    this.state.phase = phase;
    this.state.message = message;
    this.save();
    this.#metrics?.setRolloutPhase(this.id, phase);
    this.deps.emit({ phase: { phase, message } });
  }

  private setStage(stage: StageState, phase: StageState['phase']): void {
    stage.phase = phase;
    this.save();
    const index = this.state.stages.indexOf(stage);
    this.#metrics?.setStage(this.id, stage.name, index, phase);
    this.deps.emit({ stage: { index, name: stage.name, phase } });
  }

  private checkShutdown(): void {
    if (this.#shutdown.signal.aborted) throw new ShutdownSignal();
  }

  private async sleepUntil(t: number): Promise<void> {
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
}

const now = (): string => new Date().toISOString();
