// The "brownout run" dashboard: what a chaos run did to the super-cluster, panel by panel in the
// order a person asks: did the links come back, did a server storm, did memory grow, did the log
// stream lose anything, and which step was running. Fault windows and steps are annotations.
import { DashboardBuilder, DashboardCursorSync, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { annotation, builtInAnnotations, datasourceVariable, series, states, table } from './panels.ts';

const pair = '{{from}}→{{to}}';

export function runDashboard(): DashboardBuilder {
  const d = new DashboardBuilder('brownout run').uid('brownout-run').tags(['brownout', 'nats'])
    .description('One chaos run: links per region pair, STATSZ per server, memory, the log-stream probe, and the scenario step; fault windows shaded.')
    .editable().tooltip(DashboardCursorSync.Crosshair).refresh('5s').time({ from: 'now-15m', to: 'now' }).timezone('browser')
    .withVariable(datasourceVariable());
  builtInAnnotations(d)
    .annotation(annotation('Faults', 'brownout_faults_active > 0', '{{fault}}', 'red'))
    .annotation(annotation('Steps', 'brownout_scenario_step_info == 1', 'step {{step}}', 'blue'));

  d.withRow(new RowBuilder('Links'))
    .withPanel(series('Gateways up per region pair', 'Outbound gateways from servers of `from` registered at `to` (brownout_region_gateways, state up).',
      [{ expr: 'sum by (from, to) (brownout_region_gateways{state="up"})', legend: pair }], { min: 0 }).height(8).span(8))
    .withPanel(series('Gateways in handshake per region pair', 'Outbound gateways with an open socket that never registered: the stuck-gateway bug. Anything above 0 after a heal is the bug.',
      [{ expr: 'sum by (from, to) (brownout_region_gateways{state="handshake"})', legend: pair }], { min: 0, threshold: 1 }).height(8).span(8))
    .withPanel(series('Routes up per server', 'Peers of its region to which the server has a route.',
      [{ expr: 'brownout_route_connections_up', legend: '{{server}}' }], { min: 0 }).height(8).span(8))
    .withPanel(series('Link recovery (mean seconds so far)', 'Mean time from a link leaving up until its handshake completed again (recovery.maxSeconds bounds each one at 10 s).',
      [{ expr: 'sum by (link_type) (brownout_handshake_recovery_seconds_sum) / sum by (link_type) (brownout_handshake_recovery_seconds_count)', legend: '{{link_type}}' }], { unit: 's', min: 0, threshold: 10 }).height(8).span(12))
    .withPanel(series('Route pool slots missing per server', 'Pooled routes under pool_size and pinned-account routes absent, over the peers the server routes to (routes.poolComplete fails when a slot stays missing through the final window).',
      [{ expr: 'brownout_route_pool_missing', legend: '{{server}}' }], { min: 0, threshold: 1 }).height(8).span(12))
    .withPanel(series('Route and gateway connects per second', 'Connections each server created, from its log (routes.maxConnectsPerSecond: a reconnect loop reads hundreds a second).',
      [{ expr: 'sum by (server, link_type) (rate(brownout_route_connects_total[$__rate_interval]))', legend: '{{server}} {{link_type}}' }], { min: 0, threshold: 40 }).height(8).span(12))
    .withPanel(series('Gateways down per region pair', 'Outbound gateways from `from` to `to` that are down (no socket, or the remote is gone).',
      [{ expr: 'sum by (from, to) (brownout_region_gateways{state="down"})', legend: pair }], { min: 0 }).height(8).span(12));

  d.withRow(new RowBuilder('STATSZ'))
    .withPanel(series('STATSZ per server per second', 'STATSZ messages from each server on the system-account subscription, per second. The storm is a burst of several per second from a restarted server and its peers.',
      [{ expr: 'rate(brownout_statsz_messages_total[$__rate_interval])', legend: '{{server}}' }], { unit: 'short', min: 0 }).height(8).span(12))
    .withPanel(series('STATSZ peak in one second', 'Most STATSZ from the server in one wall-clock second so far: the figure statsz.maxPerServerPerSecond (4) bounds.',
      [{ expr: 'brownout_statsz_peak_per_second', legend: '{{server}}' }], { min: 0, threshold: 4 }).height(8).span(12))
    .withPanel(series('STATSZ bytes per second', 'STATSZ payload bytes per second from each server.',
      [{ expr: 'rate(brownout_statsz_bytes_total[$__rate_interval])', legend: '{{server}}' }], { unit: 'Bps', min: 0 }).height(8).span(12))
    .withPanel(series('STATSZ bursts', 'Bursts (3+ STATSZ from one server ID within 100 ms), the storm signature, per server over the last minute.',
      [{ expr: 'sum by (server) (increase(brownout_statsz_bursts_total[1m]))', legend: '{{server}}' }], { min: 0 }).height(8).span(12));

  d.withRow(new RowBuilder('Servers'))
    .withPanel(series('RSS per server', 'Resident memory (process RSS, else /varz mem); memory.maxRssMiB bounds it at 256 MiB.',
      [{ expr: 'brownout_server_rss_bytes', legend: '{{server}}' }], { unit: 'bytes', min: 0 }).height(8).span(8))
    .withPanel(series('CPU per server', 'CPU from /varz, percent of one core.',
      [{ expr: 'brownout_server_cpu_percent', legend: '{{server}}' }], { unit: 'percent', min: 0 }).height(8).span(8))
    .withPanel(series('Messages per server per second', 'Messages in and out of each server (/varz deltas): routes, gateways and clients together.',
      [{ expr: 'rate(brownout_server_out_msgs_total[$__rate_interval])', legend: '{{server}} out' }, { expr: 'rate(brownout_server_in_msgs_total[$__rate_interval])', legend: '{{server}} in' }], { min: 0 }).height(8).span(8))
    .withPanel(series('Bytes per server per second', 'Bytes in and out of each server (/varz deltas).',
      [{ expr: 'rate(brownout_server_out_bytes_total[$__rate_interval])', legend: '{{server}} out' }, { expr: 'rate(brownout_server_in_bytes_total[$__rate_interval])', legend: '{{server}} in' }], { unit: 'Bps', min: 0 }).height(8).span(8))
    .withPanel(series('Connections, routes and slow consumers', 'Client connections and route connections (/varz), and slow consumers reported so far.',
      [{ expr: 'brownout_server_connections', legend: '{{server}} clients' }, { expr: 'brownout_server_routes', legend: '{{server}} routes' }, { expr: 'brownout_server_slow_consumers_total', legend: '{{server}} slow consumers' }], { min: 0 }).height(8).span(8))
    .withPanel(series('Restarts and reachability', 'Times each server came back with a new ID, and whether it answered its last sample (1) or not (0).',
      [{ expr: 'brownout_server_restarts_total', legend: '{{server}} restarts' }, { expr: 'brownout_server_up', legend: '{{server}} up' }], { min: 0 }).height(8).span(8));

  d.withRow(new RowBuilder('Log-stream probe'))
    .withPanel(series('Delivered per region pair per second', 'Log-probe messages published in `from` and delivered to the subscriber in `to`.',
      [{ expr: 'rate(brownout_probe_delivered_total[$__rate_interval])', legend: pair }], { min: 0 }).height(8).span(12))
    .withPanel(series('Lost per region pair', 'Log-probe messages never delivered within the settle time, per probe window; probe.maxLossOutsideFaults is 0.',
      [{ expr: 'increase(brownout_probe_lost_total[$__rate_interval])', legend: pair }], { min: 0 }).height(8).span(12))
    .withPanel(series('Latency p99 per region pair', 'Publish-to-delivery latency of the last probe window.',
      [{ expr: 'brownout_probe_latency_seconds{stat="p99"}', legend: pair }], { unit: 's', min: 0 }).height(8).span(12))
    .withPanel(series('Longest gap per region pair', 'Longest time between two deliveries in the last probe window; probe.maxGapSeconds bounds it at 2 s outside faults.',
      [{ expr: 'brownout_probe_longest_gap_seconds', legend: pair }], { unit: 's', min: 0, threshold: 2 }).height(8).span(12));

  d.withRow(new RowBuilder('Run'))
    .withPanel(states('Step', 'The scenario step running now.', [{ expr: 'brownout_scenario_step_info == 1', legend: '{{scenario}} {{step}}' }]).height(6).span(12))
    .withPanel(states('Faults', 'Faults applied and not yet reverted, by type.', [{ expr: 'brownout_faults_active', legend: '{{fault}}' }]).height(6).span(12))
    .withPanel(table('Servers and builds', 'Which variant and version each server runs now.', { expr: 'brownout_server_info', legend: '{{server}}' }).height(8).span(12))
    .withPanel(series('Observer CPU', 'CPU of the harness process (observer and probe), percent of one core: keep it from perturbing the servers.',
      [{ expr: 'brownout_observer_cpu_percent', legend: 'observer' }], { unit: 'percent', min: 0 }).height(8).span(12));
  return d;
}
