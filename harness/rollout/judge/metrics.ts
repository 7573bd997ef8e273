// The canary metrics live in the rollout model (rollout-model/canary-metrics.ts); this file only
// keeps the playbook validator's import working (harness/rollout/playbook/ is being changed
// elsewhere). At merge the validator imports the model and this file goes.
export { CANARY_METRICS, CANARY_METRIC_NAMES, HARMS, type CanaryMetricName, type Harm } from '../../rollout-model/index.ts';
