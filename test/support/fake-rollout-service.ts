// An in-memory RolloutService: the gRPC layer's tests serve it over a real socket (the transport is
// what they check, not the controller), and it makes a sample RolloutState with every field set.
import { BadInputError } from '../../core/errors.ts';
import { RolloutNotFoundError, RolloutPreconditionError, type RolloutService } from '../../harness/rollout/controller/rollout-service.ts';
import { parsePlaybookText } from '../../harness/rollout/playbook.ts';
import {
  ENDED_PHASES, ROLLOUT_FORMAT, type DamagedRollout, type RolloutEvent, type RolloutEventBody, type RolloutList, type RolloutState,
} from '../../harness/rollout-model/index.ts';

const T0 = '2026-11-25T10:00:00.000Z';

/** A paused canary stage with a threshold gate, a comparison and one upgraded server; a rollback under way. */
export function sampleRollout(id = 'r-20261125-100000-story', over: Partial<RolloutState> = {}): RolloutState {
  return {
    format: ROLLOUT_FORMAT, id, source: 'examples/rollout-story.yaml', seed: 7, baseline: 'v2.10.14', target: 'v2.10.14+brownout',
    playbook: { name: 'story', cluster: { kind: 'attach', id: 'latest' }, baseline: 'v2.10.14', target: 'v2.10.14+brownout', stages: [] },
    phase: 'paused', currentStage: 0, message: 'canary: compare is inconclusive (score 80)', createdAt: T0, updatedAt: T0, runDir: `/tmp/runs/${id}`,
    cluster: { runId: 'c-1', owned: true, backend: 'local' },
    stages: [
      {
        name: 'canary', kind: 'canary', phase: 'paused', batches: [['iad-2']], baselinePeer: 'iad-1', soakStartedAt: T0, startedAt: T0,
        servers: [{ server: 'iad-2', region: 'iad', from: 'v2.10.14', to: 'v2.10.14+brownout', step: 'done', rollback: false, lameDuckMs: 30012.6, startMs: 812, meshMs: 2400 }],
        gates: [
          { stage: 'canary', gate: 'statsz.maxPerServerPerSecond', outcome: 'pass', observed: '1.2/s', bound: '≤ 4/s', evidence: 'iad-2 peak' },
          {
            stage: 'canary', gate: 'compare', outcome: 'inconclusive', observed: 'score 80', bound: 'pass ≥ 95', evidence: '4 of 5 metrics pass',
            comparison: {
              canary: 'iad-2', baseline: 'iad-1', score: 80, passBound: 95, marginalBound: 75, outcome: 'inconclusive', reason: 'between bounds',
              metrics: [
                { name: 'rss', class: 'high', harmful: true, canarySamples: 60, baselineSamples: 60, pValue: 0.003, shift: 2.5, shiftLower: 1, shiftUpper: 4, reason: 'canary uses more' },
                { name: 'reconnects', class: 'no-data', harmful: false, canarySamples: 0, baselineSamples: 0, pValue: 0, shift: 0, shiftLower: 0, shiftUpper: 0, reason: 'no samples' },
              ],
            },
          },
        ],
      },
      { name: 'region-iad', kind: 'region', phase: 'pending', batches: [], servers: [], gates: [] },
    ],
    rollback: {
      startedAt: T0, gates: [],
      servers: [{ server: 'iad-2', region: 'iad', from: 'v2.10.14+brownout', to: 'v2.10.14', step: 'failed', rollback: true, lameDuckMs: 0, startMs: 0, meshMs: 0, message: 'healthz 503' }],
    },
    decisions: [],
    ...over,
  };
}

/** Rollouts kept in memory; `emit` feeds watchers; `watchAborted` records each watch's signal ending. */
export class FakeRolloutService implements RolloutService {
  readonly rollouts = new Map<string, RolloutState>();
  readonly watchAborted: string[] = [];
  /** Files ListRollouts reports as damaged. */
  readonly damaged: DamagedRollout[] = [];
  /** What StartRollout was called with. */
  readonly started: { playbook: string; source: string; seed?: number }[] = [];
  private seq = new Map<string, number>();
  private listeners = new Set<(e: RolloutEvent) => void>();

  add(s: RolloutState): RolloutState {
    this.rollouts.set(s.id, s);
    return s;
  }

  async start(req: { playbook: string; source: string; seed?: number }): Promise<RolloutState> {
    this.started.push(req);
    const doc = parsePlaybookText(req.playbook, req.source) as { name?: unknown };
    if (typeof doc?.name !== 'string') throw new BadInputError(`playbook ${req.source} is invalid (2 problems)`, { problems: [`${req.source}: name: required`, `${req.source}: stages[0].kind: one of canary, region, global`] });
    return this.add(sampleRollout(`r-${this.rollouts.size + 1}`, { phase: 'progressing', playbook: { ...sampleRollout().playbook, name: doc.name } }));
  }

  get(id: string): RolloutState {
    const s = id === '' ? [...this.rollouts.values()].at(-1) : this.rollouts.get(id);
    if (!s) throw new RolloutNotFoundError(`no rollout ${id || '(none yet)'}`, { problems: [`id: "${id}" is not one of ${[...this.rollouts.keys()].join(', ') || '(none)'}`] });
    return s;
  }

  list(activeOnly: boolean): RolloutList {
    return { rollouts: [...this.rollouts.values()].reverse().filter((s) => !activeOnly || !ENDED_PHASES.includes(s.phase)), damaged: [...this.damaged] };
  }

  /** Send one event to every watcher of its rollout (and update the phase for phase events). */
  emit(id: string, body: RolloutEventBody): void {
    const seq = (this.seq.get(id) ?? 0) + 1;
    this.seq.set(id, seq);
    if ('phase' in body) this.get(id).phase = body.phase.phase;
    const e = { rolloutId: id, seq, time: new Date().toISOString(), ...body } as RolloutEvent;
    for (const l of this.listeners) l(e);
  }

  /** Watchers now listening. */
  get watchers(): number {
    return this.listeners.size;
  }

  async *watch(id: string, signal: AbortSignal): AsyncIterable<RolloutEvent> {
    const s = this.get(id);
    const queue: RolloutEvent[] = [];
    let wake: (() => void) | undefined;
    const listener = (e: RolloutEvent) => {
      if (e.rolloutId !== s.id) return;
      queue.push(e);
      wake?.();
    };
    const onAbort = () => {
      this.watchAborted.push(s.id);
      wake?.();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    this.listeners.add(listener);
    try {
      yield { rolloutId: s.id, seq: this.seq.get(s.id) ?? 0, time: s.updatedAt, snapshot: structuredClone(s) };
      while (!signal.aborted) {
        const e = queue.shift();
        if (!e) {
          await new Promise<void>((r) => (wake = r));
          continue;
        }
        yield e;
        if ('phase' in e && ENDED_PHASES.includes(e.phase.phase)) return;
      }
    } finally {
      this.listeners.delete(listener);
      signal.removeEventListener('abort', onAbort);
    }
  }

  private decide(id: string, action: string, phase: RolloutState['phase']): RolloutState {
    const s = this.get(id);
    if (s.phase !== 'paused') throw new RolloutPreconditionError(`cannot ${action} rollout ${s.id}: it is ${s.phase}, not paused`, { problems: [`phase: "${s.phase}"; ${action} needs paused`] });
    s.phase = phase;
    return s;
  }

  async promote(id: string, _reason: string): Promise<RolloutState> {
    return this.decide(id, 'promote', 'progressing');
  }

  async abort(id: string, _reason: string): Promise<RolloutState> {
    return this.decide(id, 'abort', 'rolling-back');
  }

  async resume(id: string, _reason: string): Promise<RolloutState> {
    return this.decide(id, 'resume', 'progressing');
  }
}
