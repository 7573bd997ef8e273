// One formatter per record kind, each turning a record into one human line. The map is checked
// with `satisfies`, so adding a kind without a formatter fails the typecheck.
import { bytes } from '../../core/units.ts';
import type { RecordKind, RecordOf, TimelineRecord } from './records.ts';

type Formatters = { [K in RecordKind]: (r: RecordOf<K>) => string };

const secs = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;

export const formatters = {
  link: (r) => `${r.linkType} ${r.server}→${r.peer} ${r.previous ?? 'new'}→${r.state}`
    + (r.recoveryMs !== undefined ? ` recovered in ${secs(r.recoveryMs)}` : '')
    + (r.detail ? ` (${r.detail})` : ''),
  statsz: (r) => `statsz ${r.serverName} [${r.serverId.slice(0, 8)}] ${r.msgs} msgs ${bytes(r.bytes)} in second ${new Date(r.second).toISOString().slice(11, 19)} (on ${r.observedOn})`,
  'statsz-content': (r) => `statsz from ${r.serverName} [${r.serverId.slice(0, 8)}] says ${r.routes} route(s) to ${r.routePeers.join(',') || 'nobody'}, ${r.activeServers} active server(s) (on ${r.observedOn})`,
  'statsz-burst': (r) => `STATSZ BURST ${r.serverName} [${r.serverId.slice(0, 8)}] ${r.msgs} msgs ${bytes(r.bytes)} in ${r.last - r.first} ms (peak ${r.peak} in ${r.windowMs} ms)`,
  'statsz-check': (r) => `statsz-check ${secs(r.to - r.from)}: subscription ${r.statszMsgs} msgs ${bytes(r.statszBytes)}; varz out ${r.varzOutMsgs} msgs ${bytes(r.varzOutBytes)}; routes out ${r.routeOutMsgs} msgs ${bytes(r.routeOutBytes)}; gateways out ${r.gatewayOutMsgs} msgs ${bytes(r.gatewayOutBytes)} (${r.servers} servers)`,
  varz: (r) => `varz ${r.server} out ${r.outMsgs} msgs ${bytes(r.outBytes)} in ${r.inMsgs} msgs ${bytes(r.inBytes)} rss ${bytes(r.rssBytes)} cpu ${r.cpuPercent.toFixed(1)}%`
    + (r.procRssBytes !== undefined ? ` proc rss ${bytes(r.procRssBytes)}` : '') + (r.healthy ? '' : ' UNHEALTHY'),
  server: (r) => `server ${r.server} ${r.state}` + (r.serverId ? ` id ${r.serverId.slice(0, 8)}` : '')
    + (r.previousId ? ` (was ${r.previousId.slice(0, 8)})` : '') + (r.error ? `: ${r.error}` : ''),
  'route-pool': (r) => `route-pool ${r.server} [${r.serverId.slice(0, 8)}] pool ${r.poolSize}${r.pinned.length ? ` + ${r.pinned.join(',')}` : ''}: `
    + (r.peers.map((p) => `${p.peer} ${p.pooled}${p.accounts.length ? `+${p.accounts.join(',')}` : ''}`).join(', ') || 'no routes')
    + (r.newRoutes ? `, ${r.newRoutes} new route id(s)` : ''),
  connects: (r) => `connects ${r.server} ${r.routes} route(s) ${r.gateways} gateway(s) created in second ${new Date(r.second).toISOString().slice(11, 19)} (${r.source})`,
  probe: (r) => `probe ${r.from}→${r.to} sent ${r.sent} delivered ${r.delivered} lost ${r.lost} dup ${r.duplicated} reordered ${r.reordered}`
    + (r.latencyMs ? ` p50 ${r.latencyMs.p50.toFixed(1)}ms p99 ${r.latencyMs.p99.toFixed(1)}ms max ${r.latencyMs.max.toFixed(1)}ms` : ' no latency')
    + ` gap ${secs(r.longestGapMs)}` + (r.stalled ? ' STALLED' : ''),
  'probe-stall': (r) => `probe subscriber ${r.region} (${r.server}) ${r.phase}`
    + (r.stalledMs !== undefined ? ` after ${secs(r.stalledMs)} without messages` : '') + (r.error ? `: ${r.error}` : ''),
  step: (r) => `step ${r.scenario}#${r.index} ${r.name} ${r.phase}` + (r.ok === undefined ? '' : r.ok ? ' ok' : ' FAILED') + (r.error ? `: ${r.error}` : ''),
  fault: (r) => `fault ${r.fault} ${r.phase} on ${r.targets.join(', ')}` + (r.attributes ? ` ${JSON.stringify(r.attributes)}` : ''),
  observer: (r) => `observer cpu ${r.cpuPercent.toFixed(1)}% over ${secs(r.windowMs)}, ${r.samples} samples (${r.lateSamples} late), ${r.sampleMs.toFixed(1)} ms/sample, ${r.failedRequests} failed requests`,
  run: (r) => `run ${r.runId} ${r.phase}${r.scenario ? ` ${r.scenario}` : ''}: ${r.servers.length} servers in ${r.regions.join(',')} every ${r.intervalMs} ms`,
  note: (r) => `${r.level}${r.source ? ` [${r.source}]` : ''}: ${r.text}`,
} satisfies Formatters;

/** `HH:MM:SS.mmm <line>` for any record. */
export function formatRecord(r: TimelineRecord): string {
  const line = (formatters[r.kind] as (x: TimelineRecord) => string)(r);
  return `${new Date(r.t).toISOString().slice(11, 23)} ${line}`;
}
