// The rollout controller: starts rollouts from playbooks (validated and planned before anything
// boots), drives each with a RolloutDriver, answers for them (get, list, watch), takes a human's
// decisions (promote, abort, resume), and on start picks up the rollouts a killed controller left
// (rollout.json says where each one was). The gRPC service and the CLI sit on top of this.
import { existsSync } from 'node:fs';
import type { Registry } from 'prom-client';
import { COMPOSE_ATTACH_ID, findAttachable, lameDuckOf, readState, serversOf } from '../../../clusters/index.ts';
import { pidAlive } from '../../../clusters/pids.ts';
import { BadInputError, EnvironmentError } from '../../../core/errors.ts';
import { natsServerBinary } from '../../../core/layout.ts';
import { checkRunId } from '../../../core/run-id.ts';
import { silentProgress, type Progress } from '../../../core/progress.ts';
import { parsePlaybookText, validatePlaybook, type Playbook, type ServerRef } from '../playbook.ts';
import { externalServers } from '../playbook/external-servers.ts';
import { checkExternalBaseline } from './external-cluster.ts';
import { RolloutDriver } from './rollout-driver.ts';
import { planRollout } from './plan-rollout.ts';
import { ENDED_PHASES, type Decision, type RolloutEvent, type RolloutEventBody, type RolloutList, type RolloutState } from '../../rollout-model/index.ts';
import { DECISION_PHASES, RolloutNotFoundError, RolloutPreconditionError, type RolloutService } from './rollout-service.ts';
import { RolloutStore } from './store.ts';

export interface ControllerOptions {
  progress?: Progress;
  /** The serving process's registry: rollout metrics and the observer's series go on it. */
  registry?: Registry;
  /** Where rollouts live (default: the runs folder). */
  runsDir?: string;
  /** Seconds between live status lines (default 5). */
  statusEverySeconds?: number;
}

const ACTIVE = ['pending', 'progressing', 'paused', 'rolling-back', 'error'] as const;
const EVENTS_KEPT = 2000;

interface Channel {
  seq: number;
  log: RolloutEvent[];
  listeners: Set<(e: RolloutEvent) => void>;
}

export class RolloutController implements RolloutService {
  readonly progress: Progress;
  readonly store: RolloutStore;
  readonly #drivers = new Map<string, { driver: RolloutDriver; done: Promise<void> }>();
  readonly #channels = new Map<string, Channel>();
  #closed = false;

  constructor(readonly opts: ControllerOptions = {}) {
    this.progress = opts.progress ?? silentProgress;
    this.store = new RolloutStore(opts.runsDir);
  }

  /** Rollouts being driven now (progressing, paused waiting for a human, rolling back, ending). */
  get driving(): number {
    return this.#drivers.size;
  }

  /** Pick up rollouts whose controller died mid-way and go on with them; returns their ids. Damaged files are named and left alone. */
  async recover(): Promise<string[]> {
    const picked: string[] = [];
    const { states, damaged } = this.store.scan();
    for (const d of damaged) this.progress.info(`rollout ${d.id}: ${d.path} is damaged (${d.error}); not resumed, listed as damaged`);
    for (const s of states) {
      const id = s.id;
      if (!(ACTIVE as readonly string[]).includes(s.phase) || s.phase === 'error') continue;
      if (this.#drivers.has(id)) continue;
      if (s.controllerPid !== undefined && s.controllerPid !== process.pid && pidAlive(s.controllerPid)) continue;
      this.progress.info(`resuming rollout ${id} (${s.ending ? `ending ${s.ending.phase}: finishing its teardown` : `${s.phase}, stage ${s.currentStage + 1}/${s.stages.length} ${s.stages[s.currentStage]?.name} ${s.stages[s.currentStage]?.phase}`})`);
      this.launch(s);
      picked.push(id);
    }
    return picked;
  }

  async start(req: { playbook: string; source: string; seed?: number }): Promise<RolloutState> {
    const { pb, source, servers, attachTo } = checkStart(req);
    // A cluster brownout did not start is checked live: every server up and on the baseline.
    await checkExternalBaseline(pb, source);
    const seed = req.seed ?? pb.seed ?? 1;
    const { id, runDir } = this.store.create(pb.name);
    const state = planRollout({ id, runDir, playbook: pb, source, seed, servers, ...(attachTo ? { attachTo } : {}) });
    this.store.save(state);
    this.progress.info(`rollout ${id}: ${pb.baseline} → ${pb.target}, ${state.stages.map((s) => `${s.name} [${s.batches.map((b) => b.join('+')).join(', ')}]`).join(' → ')}`);
    this.launch(state);
    return structuredClone(state);
  }

  get(id: string): RolloutState {
    const key = this.resolve(id);
    const live = this.#drivers.get(key);
    return structuredClone(live ? live.driver.state : this.store.load(key));
  }

  list(activeOnly: boolean): RolloutList {
    const { states, damaged } = this.store.scan();
    const rollouts = states.reverse().map((s) => structuredClone(this.#drivers.get(s.id)?.driver.state ?? s))
      .filter((s) => !activeOnly || (ACTIVE as readonly string[]).includes(s.phase));
    return { rollouts, damaged: damaged.reverse() };
  }

  async *watch(id: string, signal: AbortSignal): AsyncIterable<RolloutEvent> {
    const key = this.resolve(id);
    const ch = this.channel(key);
    const queue: RolloutEvent[] = [];
    let wake: (() => void) | undefined;
    const listener = (e: RolloutEvent) => {
      queue.push(e);
      wake?.();
    };
    ch.listeners.add(listener);
    const onAbort = () => wake?.();
    signal.addEventListener('abort', onAbort);
    try {
      const snap = this.get(key);
      yield { rolloutId: key, seq: ch.seq, time: new Date().toISOString(), snapshot: snap };
      if (ENDED_PHASES.includes(snap.phase) || (!this.#drivers.has(key) && snap.phase !== 'pending')) return;
      while (!signal.aborted) {
        if (queue.length === 0) await new Promise<void>((r) => { wake = r; });
        wake = undefined;
        while (queue.length) {
          const e = queue.shift()!;
          yield e;
          if ('phase' in e && (ENDED_PHASES.includes(e.phase.phase) || e.phase.phase === 'error')) return;
        }
      }
    } finally {
      ch.listeners.delete(listener);
      signal.removeEventListener('abort', onAbort);
    }
  }

  async promote(id: string, reason: string): Promise<RolloutState> {
    return this.decide(id, 'promote', reason, DECISION_PHASES.promote);
  }

  /** A paused rollout rolls back at once; a progressing one after the batch in flight, or straight from its soak. */
  async abort(id: string, reason: string): Promise<RolloutState> {
    return this.decide(id, 'abort', reason, DECISION_PHASES.abort);
  }

  async resume(id: string, reason: string): Promise<RolloutState> {
    const key = this.resolve(id);
    const s = this.get(key);
    if (s.phase === 'error' && !this.#drivers.has(key)) {
      s.decisions.push({ action: 'resume', reason, at: new Date().toISOString(), stage: s.currentStage });
      this.store.save(s);
      this.launch(s);
      return this.get(key);
    }
    return this.decide(key, 'resume', reason, DECISION_PHASES.resume.filter((p) => p !== 'error'));
  }

  /** Stop driving rollouts; their state stays in rollout.json and their clusters keep running, for the next controller. */
  async close(): Promise<void> {
    this.#closed = true;
    const running = [...this.#drivers.values()];
    for (const r of running) r.driver.shutdown();
    await Promise.all(running.map((r) => r.done));
  }

  /** Resolves when the rollout's driver stops (it ended, paused for good, or the controller closed). */
  async settled(id: string): Promise<RolloutState> {
    const key = this.resolve(id);
    await this.#drivers.get(key)?.done;
    return this.get(key);
  }

  private decide(id: string, action: Decision['action'], reason: string, allowed: readonly string[]): RolloutState {
    const key = this.resolve(id);
    const s = this.get(key);
    const live = this.#drivers.get(key);
    if (!allowed.includes(s.phase) || !live) {
      throw new RolloutPreconditionError(`rollout ${key} is ${s.phase}${live ? '' : ' and no controller drives it'}; ${action} needs a ${allowed.join(' or ')} rollout`, {
        problems: [`phase: ${allowed.join(' or ')} (it is ${s.phase})`],
      });
    }
    live.driver.decide({ action, reason, at: new Date().toISOString(), stage: s.currentStage });
    this.progress.info(`rollout ${key}: ${action}${reason ? ` (${reason})` : ''}`);
    return s;
  }

  private launch(state: RolloutState): void {
    if (this.#closed) return;
    const driver = new RolloutDriver(state, {
      store: this.store, progress: this.progress, registry: this.opts.registry, statusEverySeconds: this.opts.statusEverySeconds,
      emit: (body) => this.emit(state.id, body),
    });
    const done = driver.run().finally(() => {
      this.#drivers.delete(state.id);
    });
    this.#drivers.set(state.id, { driver, done });
  }

  private channel(id: string): Channel {
    let ch = this.#channels.get(id);
    if (!ch) {
      ch = { seq: 0, log: [], listeners: new Set() };
      this.#channels.set(id, ch);
    }
    return ch;
  }

  private emit(id: string, body: RolloutEventBody): void {
    const ch = this.channel(id);
    const e = { rolloutId: id, seq: ++ch.seq, time: new Date().toISOString(), ...body } as RolloutEvent;
    ch.log.push(e);
    if (ch.log.length > EVENTS_KEPT) ch.log.shift();
    for (const l of ch.listeners) l(e);
  }

  /** '' is the newest rollout. */
  private resolve(id: string): string {
    if (id) return checkRunId(id, 'id');
    const newest = this.store.ids().at(-1);
    if (!newest) throw new RolloutNotFoundError('no rollouts yet', { problems: ['id: none to choose from; start one with rollout start <playbook>'] });
    return newest;
  }
}

/**
 * What a decision on rollout `id` ('' the newest) would be refused for, checked on the rollout.json
 * in `store` when no controller runs: a client starts one only for a decision it can take.
 */
export function checkDecision(store: RolloutStore, action: Decision['action'], id: string): RolloutState {
  const key = id ? checkRunId(id, 'id') : store.ids().at(-1);
  if (!key) throw new RolloutNotFoundError('no rollouts yet', { problems: ['id: none to choose from; start one with rollout start <playbook>'] });
  const s = store.load(key);
  const allowed = DECISION_PHASES[action];
  if (!allowed.includes(s.phase)) {
    throw new RolloutPreconditionError(`rollout ${key} is ${s.phase}; ${action} needs a ${allowed.join(' or ')} rollout`, { problems: [`phase: ${allowed.join(' or ')} (it is ${s.phase})`] });
  }
  return s;
}

/**
 * Everything StartRollout checks before it starts anything: the playbook, the cluster it attaches to,
 * the variants built. A client calls it too before it starts a controller for the rollout.
 */
export function checkStart(req: { playbook: string; source: string }): { pb: Playbook; source: string; servers: ServerRef[]; attachTo?: string } {
  const source = req.source || 'playbook';
  const pb = validatePlaybook(parsePlaybookText(req.playbook, source), source);
  const { servers, attachTo } = clusterServers(pb, source);
  // An external cluster's hooks place the binaries on its hosts: brownout builds nothing for it.
  if (pb.cluster.kind !== 'external') requireBuilt([pb.baseline, pb.target]);
  return { pb, source, servers, ...(attachTo ? { attachTo } : {}) };
}

/** The servers a playbook's rollout will move, known before anything boots. */
function clusterServers(pb: Playbook, source: string): { servers: ServerRef[]; attachTo?: string } {
  if (pb.cluster.kind === 'topology') return { servers: serversOf(pb.cluster.topology).map((s) => ({ name: s.name, region: s.region })) };
  if (pb.cluster.kind === 'external') return { servers: externalServers(pb.cluster.file) };
  if (pb.cluster.id === COMPOSE_ATTACH_ID) {
    throw new BadInputError(`${source}: a rollout cannot run on the compose stack`, { problems: [`cluster.attach: docker-compose owns the compose stack's containers, so servers cannot be upgraded in place; use a cluster from npm run cluster -- up (an id or latest), or a topology`] });
  }
  const target = findAttachable(pb.cluster.id);
  const state = readState(target.runId);
  if (!state) throw new BadInputError(`${source}: no cluster run "${target.runId}"`, { problems: ['cluster.attach: latest or the id of a cluster from npm run cluster -- up'] });
  const wrong = state.endpoints.filter((e) => e.variant !== pb.baseline);
  if (wrong.length) {
    throw new BadInputError(`${source}: cluster ${state.runId} does not run the baseline ${pb.baseline}`, {
      problems: wrong.map((e) => `baseline: ${e.name} runs ${e.variant}; every server must run ${pb.baseline} before a rollout`),
    });
  }
  const asked = pb.stages.find((s) => s.upgrade.lameDuck.enabled)?.upgrade.lameDuck;
  const started = lameDuckOf(state.topology);
  if (asked && (asked.durationSeconds !== started.durationSeconds || asked.graceSeconds !== started.graceSeconds)) {
    throw new BadInputError(`${source}: cluster ${state.runId} was started with lame duck ${started.durationSeconds} s / grace ${started.graceSeconds} s`, {
      problems: [`stages[${pb.stages.findIndex((s) => s.upgrade.lameDuck.enabled)}].upgrade.lameDuck: durationSeconds ${started.durationSeconds} and graceSeconds ${started.graceSeconds}, as the cluster's servers run (nats-server cannot reload them), or enabled: false`],
    });
  }
  return { servers: state.endpoints.map((e) => ({ name: e.name, region: e.region })), attachTo: state.runId };
}

function requireBuilt(variants: string[]): void {
  const missing = variants.filter((v) => !existsSync(natsServerBinary(v)));
  if (missing.length) {
    throw new EnvironmentError(`variant${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not built`, { hint: 'npm run build:nats (builds stock and patched; --patches for others)' });
  }
}
