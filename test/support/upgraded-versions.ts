// What the servers themselves say after a rollout: each upgraded server's last /varz sample (the
// observer's, in the run's timeline) must report the target version and be read after its upgrade
// ended. Pure, so the ways it must fail have a table test.
import type { TimelineRecord } from '../../harness/timeline/records.ts';

export interface Upgraded { server: string; endedAt?: string }

/** One line per upgraded server that does not show `want` on /varz after its upgrade; [] when all do. */
export function versionProblems(timeline: readonly TimelineRecord[], upgraded: readonly Upgraded[], want: string): string[] {
  const varz = timeline.flatMap((r) => (r.kind === 'varz' ? [r] : []));
  return upgraded.flatMap((u) => {
    const last = varz.filter((r) => r.server === u.server).at(-1);
    if (!last) return [`${u.server}: no /varz sample`];
    if (u.endedAt === undefined || last.t < Date.parse(u.endedAt)) return [`${u.server}: last /varz sample at ${new Date(last.t).toISOString()} is not after its upgrade ended (${u.endedAt ?? 'never'})`];
    return last.version === want ? [] : [`${u.server}: /varz says ${last.version ?? 'no version'}, not ${want}`];
  });
}
