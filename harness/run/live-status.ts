// The one-line live view printed while a scenario runs: where we are, links up, STATSZ rate.
import { latestState, linkHistories } from '../timeline/link-history.ts';
import type { TimelineRecord } from '../timeline/records.ts';

export interface LiveStatus {
  linksUp: number;
  links: number;
  stuck: number;
  statszPerSecond: number;
}

/** Pure: the latest state of every link, and STATSZ msgs/s over the last `windowMs`. */
export function liveStatus(records: readonly TimelineRecord[], now: number, windowMs = 5000): LiveStatus {
  let statsz = 0;
  for (const r of records) {
    // A statsz record covers [second, second+1000): count it when that second ended inside the window.
    if (r.kind === 'statsz' && r.second + 1000 > now - windowMs) statsz += r.msgs;
  }
  const states = linkHistories(records).map((h) => latestState(h)?.state);
  return {
    linksUp: states.filter((s) => s === 'up').length,
    links: states.length,
    stuck: states.filter((s) => s === 'handshake').length,
    statszPerSecond: statsz / (windowMs / 1000),
  };
}

export function formatLiveStatus(s: LiveStatus): string {
  return `links up ${s.linksUp}/${s.links}${s.stuck ? ` (${s.stuck} in handshake)` : ''} | STATSZ ${s.statszPerSecond.toFixed(1)} msg/s`;
}
