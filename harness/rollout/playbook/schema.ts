// The playbook as users write it. Shapes only; names (servers, regions, faults, thresholds, metrics)
// are checked against their registries in validate.ts so every problem names what is allowed.
import { z } from 'zod';
import { runIdProblem } from '../../../core/run-id.ts';

const stageName = z.string().regex(/^[a-z][a-z0-9-]*$/, 'lowercase words joined by dashes');
const variantName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'a variant name (v2.10.14, v2.10.14+brownout) or an alias (stock, patched)');

import { STAGE_KINDS, type StageKind } from '../../rollout-model/phases.ts';

export { STAGE_KINDS, type StageKind };
export const FAILURE_POLICIES = ['rollback', 'pause'] as const;
export type FailurePolicy = (typeof FAILURE_POLICIES)[number];
export const BACKENDS = ['auto', 'local', 'docker', 'swarm'] as const;

/** nats-server refuses a lame_duck_duration under 30 s (docs/ARCHITECTURE.md, facts: lame duck). */
export const MIN_LAME_DUCK_SECONDS = 30;

export const clusterSchema = z.strictObject({
  /** A topology as chaos scenarios write it (regions, servers, ping, ...); its variant is the baseline. */
  topology: z.record(z.string(), z.unknown()).optional(),
  /** Or a named topology preset. */
  preset: z.string().optional(),
  /**
   * Or a cluster already running from `npm run cluster -- up`: its run id, `latest`, or `compose`.
   * One run-id rule everywhere (core/run-id.ts): an id names a file under runs/ and cannot leave it.
   */
  attach: z.string().check((ctx) => {
    const problem = runIdProblem(ctx.value);
    if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: `${problem} (a cluster run id from runs/.clusters/, "latest" or "compose")` });
  }).optional(),
  /**
   * Or a cluster brownout did not start: its cluster file (clusters/external-file.ts), relative to
   * the playbook's folder. Its servers are moved by the playbook's `hooks`.
   */
  external: z.string().min(1, 'a cluster file, relative to the playbook\'s folder').optional(),
  /** Where a booted cluster runs; not for `attach` or `external`. */
  backend: z.enum(BACKENDS).optional(),
});

/** One upgrade hook: an argv template (no shell; write `sh -c '…'` for one) and its timeout. */
export const hookCommandSchema = z.strictObject({
  argv: z.array(z.string()).min(1, 'at least the program to run'),
  timeoutSeconds: z.number().positive('more than 0 seconds').max(3600),
});

/** The commands that move a server of an external cluster: start + stop, or upgrade; lameDuck when a stage uses it. */
export const hooksSchema = z.strictObject({
  lameDuck: hookCommandSchema.optional(),
  stop: hookCommandSchema.optional(),
  start: hookCommandSchema.optional(),
  upgrade: hookCommandSchema.optional(),
});

export const upgradeSchema = z.strictObject({
  /** Servers upgraded at once: 1 is one at a time. */
  batchSize: z.number().int().min(1).max(64).default(1),
  lameDuck: z.strictObject({
    enabled: z.boolean().default(true),
    durationSeconds: z.number().min(MIN_LAME_DUCK_SECONDS, `at least ${MIN_LAME_DUCK_SECONDS} (nats-server's minimum lame_duck_duration)`).max(3600).default(MIN_LAME_DUCK_SECONDS),
    graceSeconds: z.number().min(0).max(600).default(10),
  }).prefault({}),
  /** Deadline for /healthz and the full mesh after a server starts on its new variant. */
  readySeconds: z.number().positive().max(600).default(60),
}).prefault({});

/** A fault during the soak: any chaos fault type plus when it starts and how long it holds. */
export const stageFaultSchema = z.looseObject({
  type: z.string(),
  /** Seconds into the soak. */
  atSeconds: z.number().min(0).default(0),
  /** Default: until the end of the soak. */
  holdSeconds: z.number().positive().optional(),
});

export const compareMetricSchema = z.union([
  z.string(),
  z.strictObject({
    name: z.string(),
    harm: z.string().optional(),
    tolerance: z.number().min(0).max(10).optional(),
    critical: z.boolean().optional(),
  }),
]);

export const compareSchema = z.strictObject({
  /** The baseline server restarted at the canary's moment (default: one in the canary's region, by seed). */
  baseline: z.string().optional(),
  /** Default: every canary metric. */
  metrics: z.array(compareMetricSchema).min(1).optional(),
  pass: z.number().min(0).max(100).default(95),
  marginal: z.number().min(0).max(100).default(75),
  confidence: z.number().min(0.5).lt(1).default(0.95),
  minSamples: z.number().int().min(3).max(10_000).default(5),
});

export const thresholdGateSchema = z.strictObject({ threshold: z.string(), bound: z.unknown().optional() });
export const compareGateSchema = z.strictObject({ compare: compareSchema });

export const stageSchema = z.strictObject({
  name: stageName.optional(),
  kind: z.enum(STAGE_KINDS),
  /** canary: the server, by name. */
  server: z.string().optional(),
  /** canary: the region the seed picks it from (default: any). */
  region: z.string().optional(),
  upgrade: upgradeSchema,
  soakSeconds: z.number().min(0).max(3600).default(60),
  faults: z.array(stageFaultSchema).default([]),
  /** Omitted: every judged threshold at its default (and, for the canary, the comparison). [] : none. */
  gates: z.array(z.record(z.string(), z.unknown())).optional(),
  /** Settings the thresholds read (e.g. recovery.stuckWindowSeconds), by registry key. */
  settings: z.record(z.string(), z.unknown()).default({}),
  onFailure: z.enum(FAILURE_POLICIES).default('rollback'),
});
/** A stage as its schema parsed it, before the checks beyond shapes. */
export type ParsedStage = z.output<typeof stageSchema>;


export const playbookSchema = z.strictObject({
  name: stageName,
  description: z.string().optional(),
  cluster: clusterSchema,
  baseline: variantName,
  target: variantName,
  /** An external cluster's upgrade hooks (HOOK_NAMES), for every stage and for the rollback. */
  hooks: hooksSchema.optional(),
  /** The /varz version each variant (or alias) must report once started by the hooks; default its own version. */
  expectVersion: z.record(variantName, z.string().min(1)).optional(),
  /** Chooses the canary (and the comparison's baseline server) when not named. */
  seed: z.number().int().min(0).optional(),
  /** Default: canary → region → global, each with its defaults. */
  /** Each stage is checked apart (stageSchema), so one bad stage does not hide another's problems. */
  stages: z.array(z.unknown()).min(1).optional(),
});

export type PlaybookInput = z.input<typeof playbookSchema>;
