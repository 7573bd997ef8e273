// What a running cluster leaves on disk so that `cluster status|down`, `clean` and the next start's
// reaper can find it after the harness process is gone: one JSON file per run under runs/.clusters/.
// Several processes write one file (the owner, a chaos run attached to it, a resumed rollout): each
// write is a read-modify-write under the run's lock file, durable (core/atomic-file.ts), and every
// read is checked against the schema below, naming the file when it fails.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../core/atomic-file.ts';
import { EnvironmentError } from '../core/errors.ts';
import { withFileLockSync } from '../core/file-lock.ts';
import { RUNS_DIR } from '../core/layout.ts';
import { checkRunId, runIdProblem } from '../core/run-id.ts';
import { topologySchema } from './topology.ts';

/** A backend brownout boots clusters on (and writes state files for). */
export type BackendName = 'local' | 'docker' | 'swarm';
/** What drives a running cluster: a backend brownout boots on, or `external` (servers it did not start, never persisted). */
export type BackendKind = BackendName | 'external';

const identitySchema = z.strictObject({ pid: z.number().int().positive(), startTime: z.number().int().nonnegative(), exe: z.string() });
const portsSchema = z.strictObject({ client: z.number().int(), cluster: z.number().int(), gateway: z.number().int(), monitor: z.number().int(), proxy: z.number().int() });
const localServerSchema = z.strictObject({
  pid: z.number().int().positive().nullable(),
  /** Recorded right after spawn; absent in files written before identities were recorded (pid only). */
  identity: identitySchema.optional(),
  variant: z.string(),
  ports: portsSchema,
});
const credentials = z.strictObject({ user: z.string(), password: z.string() });

export const clusterStateSchema = z.strictObject({
  runId: z.string().refine((id) => runIdProblem(id) === undefined, { error: (i) => runIdProblem(i.input) ?? 'a run id' }),
  backend: z.enum(['local', 'docker', 'swarm']),
  runDir: z.string().refine((d) => path.isAbsolute(d), 'an absolute path'),
  createdAt: z.string(),
  /** The owner's pid, kept for readers of older files; `owner` is what decides. */
  ownerPid: z.number().int().positive(),
  /** The harness process that owns the cluster; absent in older files (then judged by ownerPid alone). */
  owner: identitySchema.optional(),
  /** Kept after its owner exits (`cluster up`, a rollout for its resume): only `cluster down` or `clean` removes it, once the owner is gone. */
  detached: z.boolean(),
  topology: topologySchema,
  secrets: z.strictObject({ system: credentials, app: credentials }),
  endpoints: z.array(z.strictObject({ name: z.string(), region: z.string(), variant: z.string(), clientUrl: z.string(), monitorUrl: z.string() })),
  local: z.strictObject({
    toxiproxy: z.strictObject({ pid: z.number().int().positive(), identity: identitySchema.optional(), apiUrl: z.string() }),
    servers: z.record(z.string(), localServerSchema),
  }).optional(),
  docker: z.strictObject({ label: z.string(), toxiproxyApis: z.record(z.string(), z.string()) }).optional(),
  /** The swarm's manager and node engines as the run reached them (BROWNOUT_SWARM_HOST / _ENGINES), for down and clean. */
  swarm: z.strictObject({ label: z.string(), manager: z.string(), engines: z.array(z.string()), toxiproxyApis: z.record(z.string(), z.string()) }).optional(),
});

export type ClusterState = z.output<typeof clusterStateSchema>;
export type LocalServerState = z.output<typeof localServerSchema>;

/** A state file that cannot be read or does not hold a cluster state (exit 3). */
export class StateFileError extends EnvironmentError {
  constructor(readonly file: string, problems: string[], cause?: unknown) {
    super(`state file ${file} is unreadable or invalid: ${problems.join('; ')}`, {
      cause, hint: `move it aside or remove it (it describes cluster ${path.basename(file, '.json')}); npm run clean lists what it could not read`,
    });
  }
}

export function statesDir(): string {
  return path.join(RUNS_DIR, '.clusters');
}

export function stateFilePath(runId: string): string {
  return path.join(statesDir(), `${checkRunId(runId, 'run id')}.json`);
}

// Hidden and not ending in .json, so listStates never mistakes it for a state.
const lockFileOf = (runId: string): string => path.join(statesDir(), `.${runId}.lock`);

function withStateLock<T>(runId: string, fn: () => T): T {
  return withFileLockSync(lockFileOf(checkRunId(runId, 'run id')), fn);
}

/** Parse and check one state file's text; throws StateFileError naming `file`. */
export function parseState(file: string, text: string): ClusterState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StateFileError(file, [`not JSON (${(err as Error).message})`], err);
  }
  const parsed = clusterStateSchema.safeParse(json);
  if (!parsed.success) throw new StateFileError(file, parsed.error.issues.map((x) => `${x.path.join('.') || '(root)'}: ${x.message}`));
  if (`${parsed.data.runId}.json` !== path.basename(file)) throw new StateFileError(file, [`runId: "${parsed.data.runId}" does not match the file name`]);
  return parsed.data;
}

function readStateFile(file: string): ClusterState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(file, [(err as Error).message], err);
  }
  return parseState(file, text);
}

/** The state of run `runId`; undefined when there is none. BadInputError for a bad id, StateFileError for a bad file. */
export function readState(runId: string): ClusterState | undefined {
  return readStateFile(stateFilePath(runId));
}

export interface StateScan {
  /** Valid states, oldest first. */
  states: ClusterState[];
  /** Files that could not be read or are invalid, each with why. */
  bad: StateFileError[];
}

/** Every state file, the bad ones reported rather than thrown, so one damaged file does not hide the rest. */
export function scanStates(): StateScan {
  let files: string[] = [];
  try {
    files = readdirSync(statesDir()).filter((f) => f.endsWith('.json') && !f.startsWith('.'));
  } catch {
    return { states: [], bad: [] };
  }
  const states: ClusterState[] = [];
  const bad: StateFileError[] = [];
  for (const f of files) {
    const file = path.join(statesDir(), f);
    const problem = runIdProblem(f.slice(0, -5));
    try {
      if (problem) throw new StateFileError(file, [`file name: ${problem}`]);
      const s = readStateFile(file);
      if (s) states.push(s);
    } catch (err) {
      if (!(err instanceof StateFileError)) throw err;
      bad.push(err);
    }
  }
  return { states: states.sort((a, b) => a.createdAt.localeCompare(b.createdAt)), bad };
}

/** Every valid state, oldest first; throws the first bad file's StateFileError. */
export function listStates(): ClusterState[] {
  const { states, bad } = scanStates();
  if (bad[0]) throw bad[0];
  return states;
}

/** Create (or replace) a run's state: only its creator does this. */
export function writeState(s: ClusterState): void {
  withStateLock(s.runId, () => writeFileAtomic(stateFilePath(s.runId), JSON.stringify(s, null, 2), 0o600));
}

/**
 * Read-modify-write under the run's lock: `change` gets the current file and returns the new one,
 * changing only the fields its writer owns, so two writers merge instead of overwriting each other.
 * Nothing is written (and undefined returned) when the file is gone: a cluster torn down by its owner
 * must not be brought back by a late writer.
 */
export function updateState(runId: string, change: (current: ClusterState) => ClusterState): ClusterState | undefined {
  return withStateLock(runId, () => {
    const current = readState(runId);
    if (!current) return undefined;
    const next = change(current);
    writeFileAtomic(stateFilePath(runId), JSON.stringify(next, null, 2), 0o600);
    return next;
  });
}

export function removeState(runId: string): void {
  withStateLock(runId, () => rmSync(stateFilePath(runId), { force: true }));
}
