// What a reader accepts as runs/<id>/rollout.json: the shape of RolloutState (rollout-model/state.ts), checked
// field by field before a controller resumes from it or a client is shown it. A file that fails is
// damaged, named with its path and the first problems, never half-trusted.
import { z } from 'zod';
import { RUN_ID_PATTERN } from '../../../core/run-id.ts';
import {
  CANARY_OUTCOMES, GATE_OUTCOMES, METRIC_CLASSES, ROLLOUT_FORMAT, ROLLOUT_PHASES, SERVER_UPGRADE_STEPS, STAGE_KINDS, STAGE_PHASES, type RolloutState,
} from '../../rollout-model/index.ts';

const time = z.string();
const runId = z.string().regex(RUN_ID_PATTERN).refine((s) => !s.includes('..'), 'no ".."');

const serverUpgrade = z.looseObject({
  server: z.string(), region: z.string(), from: z.string(), to: z.string(),
  step: z.enum(SERVER_UPGRADE_STEPS), rollback: z.boolean(),
  lameDuckMs: z.number(), startMs: z.number(), meshMs: z.number(),
  startedAt: time.optional(), endedAt: time.optional(), message: z.string().optional(),
});

const metricComparison = z.looseObject({
  name: z.string(), class: z.enum(METRIC_CLASSES), harmful: z.boolean(),
  canarySamples: z.number(), baselineSamples: z.number(),
  pValue: z.number(), shift: z.number(), shiftLower: z.number(), shiftUpper: z.number(), reason: z.string(),
});

const gateResult = z.looseObject({
  stage: z.string(), gate: z.string(), outcome: z.enum(GATE_OUTCOMES), observed: z.string(), bound: z.string(), evidence: z.string(),
  comparison: z.looseObject({
    canary: z.string(), baseline: z.string(), score: z.number().optional(), passBound: z.number(), marginalBound: z.number(),
    outcome: z.enum(CANARY_OUTCOMES), metrics: z.array(metricComparison), reason: z.string(),
  }).optional(),
});

const stageState = z.looseObject({
  name: z.string(), kind: z.enum(STAGE_KINDS), phase: z.enum(STAGE_PHASES),
  batches: z.array(z.array(z.string())), servers: z.array(serverUpgrade),
  baselinePeer: z.string().optional(), baselinePeerRestartedAt: time.optional(),
  gates: z.array(gateResult), attempts: z.number().int().optional(),
  startedAt: time.optional(), soakStartedAt: time.optional(), soakEndedAt: time.optional(), endedAt: time.optional(),
});

// The playbook was validated when the rollout started; here only what the driver reads by position.
const playbook = z.looseObject({
  name: z.string(), baseline: z.string(), target: z.string(), cluster: z.looseObject({ kind: z.enum(['topology', 'attach', 'external']) }),
  stages: z.array(z.looseObject({ soakSeconds: z.number(), upgrade: z.looseObject({ readySeconds: z.number() }) })),
});

export const rolloutStateSchema = z.looseObject({
  format: z.literal(ROLLOUT_FORMAT),
  id: runId,
  playbook,
  source: z.string(), seed: z.number(), baseline: z.string(), target: z.string(),
  phase: z.enum(ROLLOUT_PHASES),
  currentStage: z.number().int().min(0),
  stages: z.array(stageState).min(1),
  message: z.string(), createdAt: time, updatedAt: time, runDir: z.string(),
  cluster: z.looseObject({ runId: runId.optional(), owned: z.boolean(), backend: z.enum(['local', 'docker', 'swarm', 'external']).optional() }),
  rollback: z.looseObject({ servers: z.array(serverUpgrade), startedAt: time, endedAt: time.optional(), gates: z.array(gateResult) }).optional(),
  decisions: z.array(z.looseObject({ action: z.enum(['promote', 'abort', 'resume']), reason: z.string(), at: time, stage: z.number().int() })),
  controllerPid: z.number().int().optional(),
  ending: z.looseObject({ phase: z.enum(ROLLOUT_PHASES), message: z.string() }).optional(),
}).refine((s) => s.currentStage < s.stages.length, { message: 'currentStage is past the last stage', path: ['currentStage'] });

/** The parsed state, or the problems (each `path: what`, at most five) that make the text not one. */
export function parseRolloutState(text: string): { ok: true; state: RolloutState } | { ok: false; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`not JSON: ${err instanceof Error ? err.message : String(err)}`] };
  }
  const r = rolloutStateSchema.safeParse(json);
  if (r.success) return { ok: true, state: r.data as unknown as RolloutState };
  const problems = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top)'}: ${i.message}`);
  return { ok: false, problems: problems.length > 5 ? [...problems.slice(0, 5), `… ${problems.length - 5} more`] : problems };
}
