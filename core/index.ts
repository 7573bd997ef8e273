// The bottom layer: every folder may import it; it imports none of them.
export { EXIT, BadInputError, BrownoutError, EnvironmentError, HarnessError, ThresholdFailedError, TimeoutError, exitCodeOf, formatError, type ExitCode } from './errors.ts';
export { MiB, bytes, mib } from './units.ts';
export { createProgress, silentProgress, type Progress } from './progress.ts';
export { docker, dockerAvailable } from './docker-engine.ts';
export { fetchJson, fetchSnapshot, monitorGet, type Gatewayz, type MonitorSnapshot, type Routez, type Varz } from './nats-monitoring.ts';
export {
  BUILD_DIR, DEFAULT_NATS_TAG, NATS_MODULE, REPO_ROOT, RUNS_DIR, TOXIPROXY_MODULE, TOXIPROXY_VERSION,
  natsServerBinary, patchedName, toxiproxyBinary, toxiproxyDir, toxiproxyImage, variantDir, variantImage,
} from './layout.ts';
export { TOP_LEVEL, formatPath, prefixProblem, problemAt, schemaProblems, showValue, valueAt, type PathPart, type SchemaIssue } from './problem-path.ts';
export { RUN_ID_PATTERN, RUN_ID_RULE, checkRunId, runIdProblem } from './run-id.ts';
export { processIdentity, sameProcess, selfIdentity, type ProcessIdentity } from './process-identity.ts';
export { appendLineDurable, writeFileAtomic } from './atomic-file.ts';
export { withFileLock, withFileLockSync, type LockOptions } from './file-lock.ts';
