// Drives one rollout from whatever its state says to the end, as argo-rollouts reconciles: each
// turn picks one step from the state and runs it (cluster, then per stage upgrade, soak, judge, then
// pass, pause or roll back, then the teardown). Every step saves what it is about to do first and is
// safe to run twice, so a driver started on the state a killed controller left goes on from there.
import path from 'node:path';
import { holdExitUntil } from '../../../clusters/signals.ts';
import { HarnessError } from '../../../core/errors.ts';
import { writeRolloutReports } from '../../report/write-rollout-reports.ts';
import { ENDED_PHASES, type Decision, type RolloutState } from '../../rollout-model/index.ts';
import { endRollout, reconcileCluster, reconcileTeardown } from './cluster-lifecycle.ts';
import { DriveContext, now, ShutdownSignal, type DriverDeps } from './drive-context.ts';
import { reconcileAbortAsked, reconcileDecision } from './reconcile-decision.ts';
import { reconcileJudge } from './reconcile-judge.ts';
import { reconcileRollback } from './reconcile-rollback.ts';
import { reconcileSoak } from './reconcile-soak.ts';
import { reconcileUpgrade } from './reconcile-upgrade.ts';

export class RolloutDriver {
  readonly #x: DriveContext;
  #decision: { resolve: (d: Decision) => void } | undefined;
  #pending: Decision | undefined;

  constructor(state: RolloutState, deps: DriverDeps) {
    this.#x = new DriveContext(state, deps);
  }

  get state(): RolloutState {
    return this.#x.state;
  }

  get id(): string {
    return this.#x.id;
  }

  /** A human's decision on a paused rollout; queued when the driver is not waiting yet. */
  decide(d: Decision): void {
    if (d.action === 'abort' && !this.#decision && this.state.phase === 'progressing') return this.#x.askAbort(d);
    if (this.#decision) {
      const w = this.#decision;
      this.#decision = undefined;
      w.resolve(d);
    } else this.#pending = d;
  }

  /** Stop at the next wait, leaving the cluster and rollout.json for the next controller. */
  shutdown(): void {
    this.#x.shutdown();
    if (this.#decision) this.#decision.resolve({ action: 'resume', reason: 'shutdown', at: now(), stage: this.state.currentStage });
  }

  /** Runs until the rollout ends or the controller shuts down. Never throws for the rollout's own failures. */
  async run(): Promise<void> {
    const x = this.#x;
    try {
      x.state.controllerPid = process.pid;
      x.save();
      if (!x.state.ending) {
        await reconcileCluster(x);
        await this.observe();
        while (!ENDED_PHASES.includes(x.state.phase) && !x.state.ending) {
          x.checkShutdown();
          await this.step();
        }
      } else {
        // A controller stopped during the teardown: finish it; the cluster may be half gone already.
        await x.observation.readPrior();
      }
      // The teardown is not cut short by a shutdown (SIGTERM): nothing of an ended rollout may stay behind.
      if (x.state.ending) await holdExitUntil(reconcileTeardown(x));
    } catch (err) {
      if (err instanceof ShutdownSignal || x.shuttingDown) {
        x.info(`rollout ${this.id}: controller stopping; state kept in ${path.join(x.state.runDir, 'rollout.json')}`);
      } else {
        const msg = err instanceof Error ? err.message : String(err);
        x.setPhase('error', `the harness could not go on: ${msg}`);
        x.info(`rollout ${this.id}: error: ${msg}`);
        try {
          writeRolloutReports(x.state, x.records());
        } catch {
          // The error above is what the user needs; a report that cannot be written adds nothing.
        }
      }
    } finally {
      await x.observation.stop();
      if (x.hasCluster) x.cluster.detach();
    }
  }

  /** The observer and the status line; the STATSZ subscription sits on a server of the last stage, upgraded last. */
  private async observe(): Promise<void> {
    const x = this.#x;
    const s = x.state;
    const last = s.stages.at(-1)?.servers.at(-1)?.server;
    await x.observation.start(x.cluster, {
      scenario: x.scenario, seed: s.seed, ...(last ? { statszOn: last } : {}), registry: x.deps.registry,
      statusEverySeconds: x.deps.statusEverySeconds ?? 5,
      status: (live) => {
        const st = s.stages[s.currentStage]!;
        const text = `${s.phase} | stage ${s.currentStage + 1}/${s.stages.length} ${st.name} ${st.phase} | ${live}`;
        x.info(text);
        x.deps.emit({ status: { text } });
      },
    });
  }

  /** One move, chosen from the state, in the fixed order of a stage: upgrade, soak, judge, then pass, pause or roll back. */
  private async step(): Promise<void> {
    const x = this.#x;
    const s = x.state;
    if (x.abortAsked && s.phase === 'progressing') return reconcileAbortAsked(x);
    if (s.phase === 'pending' || s.phase === 'error') return void x.setPhase('progressing', `stage ${s.stages[s.currentStage]!.name}`);
    if (s.phase === 'rolling-back') return reconcileRollback(x);
    if (s.phase === 'paused') return reconcileDecision(x, await this.nextDecision());
    const stage = s.stages[s.currentStage]!;
    const spec = s.playbook.stages[s.currentStage]!;
    switch (stage.phase) {
      case 'pending':
        stage.startedAt = now();
        stage.attempts = 1;
        return void x.setStage(stage, 'upgrading');
      case 'upgrading':
        return reconcileUpgrade(x, stage, spec);
      case 'soaking':
        return reconcileSoak(x, stage, spec);
      case 'judging':
        return reconcileJudge(x, stage, spec);
      case 'passed':
      case 'promoted':
        if (s.currentStage + 1 < s.stages.length) {
          s.currentStage++;
          x.save();
          return;
        }
        return endRollout(x, 'succeeded', `every stage passed; every server runs ${s.target}`);
      case 'failed':
        return void x.setPhase('rolling-back', s.message);
      case 'paused':
        return void x.setPhase('paused', s.message);
      default:
        throw new HarnessError(`stage ${stage.name} is ${stage.phase}, which a progressing rollout cannot be in`);
    }
  }

  /** The decision queued, or the next one a human takes. */
  private async nextDecision(): Promise<Decision> {
    const d = this.#pending ?? (await new Promise<Decision>((resolve) => { this.#decision = { resolve }; }));
    this.#pending = undefined;
    return d;
  }
}
