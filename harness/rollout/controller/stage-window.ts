// A stage's window of the rollout's timeline, as the verdict reads a run: the records in [from, to],
// a `run` start and end at the window's edges, and each link's state as it stood when the window
// opened (so a link down since an earlier stage counts as down, not as unseen). Pure.
import type { TimelineRecord } from '../../timeline/records.ts';

type LinkRecord = Extract<TimelineRecord, { kind: 'link' }>;

export interface WindowServers {
  runId: string;
  regions: string[];
  servers: { name: string; region: string; variant: string }[];
  intervalMs: number;
}

export function windowRecords(all: readonly TimelineRecord[], from: number, to: number, who: WindowServers): TimelineRecord[] {
  const before = new Map<string, LinkRecord>();
  const inside: TimelineRecord[] = [];
  for (const r of all) {
    if (r.kind === 'run') continue;
    if (r.t < from) {
      if (r.kind === 'link') before.set(`${r.server}|${r.linkType}|${r.peer}`, r);
      continue;
    }
    if (r.t > to) continue;
    inside.push(r);
  }
  const opening: TimelineRecord[] = [...before.values()].map((l) => ({ ...l, t: from, previous: null }));
  const run = (phase: 'start' | 'end', t: number): TimelineRecord => ({
    t, kind: 'run', phase, runId: who.runId, regions: who.regions, servers: who.servers, intervalMs: who.intervalMs,
  });
  return [run('start', from), ...opening, ...inside, run('end', to)];
}
