// Public API of harness/run: plan a run (validate everything first), then execute it on a cluster.
export { BACKEND_CHOICES, backendProblem, planRun } from './plan-run.ts';
export { planThresholds } from './plan-thresholds.ts';
export { faultProblems } from './fault-problems.ts';
export type { PlanInput, PlannedStep, RunPlan, TopologyOverride } from './run-plan-types.ts';
export { runOnCluster } from './run-on-cluster.ts';
export type { RunOnClusterOptions, RunResult } from './run-on-cluster.ts';
export { executePlan, runScenario } from './execute-plan.ts';
export type { ExecuteOptions, RunOptions } from './execute-plan.ts';
export { TeardownStack } from './teardown-stack.ts';
export { RunInterrupt } from './interrupt.ts';
export { FaultLedger } from './fault-ledger.ts';
export { formatLiveStatus, liveStatus } from './live-status.ts';
