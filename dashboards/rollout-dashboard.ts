// The "rollout" dashboard: which server runs which build over time, the stage and its phase, each
// server's upgrade state, the gates, and canary against baseline. Canary/baseline series join any
// per-server series with brownout_rollout_server_role on `server`.
import { DashboardBuilder, DashboardCursorSync, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { annotation, builtInAnnotations, datasourceVariable, series, states, table } from './panels.ts';

/** Splits a per-server expression into canary and baseline (mean over the servers of each role). */
const byRole = (expr: string): string => `avg by (role) (${expr} * on (server) group_left (role) (brownout_rollout_server_role == 1))`;

export function rolloutDashboard(): DashboardBuilder {
  const d = new DashboardBuilder('brownout rollout').uid('brownout-rollout').tags(['brownout', 'nats', 'rollout'])
    .description('A staged rollout: versions per server over time, stage and phase, upgrade state per server, gates, canary against baseline.')
    .editable().tooltip(DashboardCursorSync.Crosshair).refresh('5s').time({ from: 'now-1h', to: 'now' }).timezone('browser')
    .withVariable(datasourceVariable());
  builtInAnnotations(d)
    .annotation(annotation('Stages', 'brownout_rollout_stage_info == 1', '{{stage}} {{phase}}', 'purple'))
    .annotation(annotation('Faults', 'brownout_faults_active > 0', '{{fault}}', 'red'));

  d.withRow(new RowBuilder('Versions'))
    .withPanel(series('Servers per version', 'How many servers report each version in /varz: the rollout moving from one build to the next.',
      [{ expr: 'count by (version) (brownout_server_info)', legend: '{{version}}' }], { min: 0, stack: true }).height(8).span(12))
    .withPanel(states('Version per server', 'One row per server and version, present while the server ran it.',
      [{ expr: 'brownout_server_info', legend: '{{server}} {{version}}' }]).height(8).span(12))
    .withPanel(table('Servers now', 'Variant the harness started each server as, and the version it reports.', { expr: 'brownout_server_info', legend: '{{server}}' }).height(8).span(12))
    .withPanel(states('Servers up', 'Whether each server answered its last monitoring sample: an upgrade takes it down briefly.',
      [{ expr: 'brownout_server_up', legend: '{{server}}' }]).height(8).span(12));

  d.withRow(new RowBuilder('Stages and gates'))
    .withPanel(states('Rollout phase', 'The rollout\'s phase: pending, progressing, paused (a human decides), rolling-back, succeeded, rolled-back, rollback-failed, error.',
      [{ expr: 'brownout_rollout_phase_info == 1', legend: '{{rollout}} {{phase}}' }]).height(6).span(8))
    .withPanel(states('Stage', 'The stage running now and its phase.', [{ expr: 'brownout_rollout_stage_info == 1', legend: '{{stage}} {{phase}}' }]).height(6).span(8))
    .withPanel(series('Stage index', 'Index of the stage running now (0 is the canary).', [{ expr: 'brownout_rollout_stage_index', legend: '{{rollout}}' }], { min: 0 }).height(6).span(8))
    .withPanel(states('Upgrade step per server', 'Each server\'s upgrade step: pending, lame-duck, stopping, starting, waiting-mesh, done, failed.',
      [{ expr: 'brownout_rollout_server_state == 1', legend: '{{server}} {{state}}' }]).height(8).span(12))
    .withPanel(states('Gates', 'Latest outcome of each gate: pass, fail, inconclusive (pauses the rollout) or no-data.',
      [{ expr: 'brownout_rollout_gate_status == 1', legend: '{{stage}} {{gate}} {{outcome}}' }]).height(8).span(12));

  d.withRow(new RowBuilder('Canary against baseline'))
    .withPanel(series('STATSZ per second: canary vs baseline', 'Mean STATSZ rate per server of each role.',
      [{ expr: byRole('rate(brownout_statsz_messages_total[$__rate_interval])'), legend: '{{role}}' }], { min: 0 }).height(8).span(8))
    .withPanel(series('RSS: canary vs baseline', 'Mean resident memory per server of each role.',
      [{ expr: byRole('brownout_server_rss_bytes'), legend: '{{role}}' }], { unit: 'bytes', min: 0 }).height(8).span(8))
    .withPanel(series('Messages out per second: canary vs baseline', 'Mean /varz out messages per second per server of each role.',
      [{ expr: byRole('rate(brownout_server_out_msgs_total[$__rate_interval])'), legend: '{{role}}' }], { min: 0 }).height(8).span(8))
    .withPanel(series('Canary shift per metric', 'Hodges-Lehmann shift of each compared metric, canary minus baseline, in the metric\'s unit.',
      [{ expr: 'brownout_rollout_canary_shift', legend: '{{stage}} {{metric}}' }]).height(8).span(8))
    .withPanel(series('Canary p-value per metric', 'Mann-Whitney U two-sided p-value of canary against baseline for each compared metric.',
      [{ expr: 'brownout_rollout_canary_p_value', legend: '{{stage}} {{metric}}' }], { min: 0 }).height(8).span(8))
    .withPanel(series('Canary score', 'Share of compared metrics that are not harmful, 0 to 100.',
      [{ expr: 'brownout_rollout_canary_score', legend: '{{stage}}' }], { unit: 'percent', min: 0 }).height(8).span(8));
  return d;
}
