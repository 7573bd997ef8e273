// The nats-server releases brownout runs besides the story's v2.10.14: the newest patch tag of each
// current minor the Go module proxy serves (`go list -m -versions github.com/nats-io/nats-server/v2`,
// 2026-12-05: v2.11.17, v2.12.15, v2.14.10, v2.15.3; there is no v2.13), and where upstream carries
// each of our two fixes. Facts read in the module sources (server/gateway.go, server/events.go,
// server/server.go) of each tag; bench/results/versions.md measures them. Pure data.

export interface CurrentMinor {
  /** `2.15` */
  minor: string;
  /** Newest patch tag of that minor the proxy serves. */
  tag: string;
}

export const CURRENT_MINORS: readonly CurrentMinor[] = [
  { minor: '2.11', tag: 'v2.11.17' },
  { minor: '2.12', tag: 'v2.12.15' },
  { minor: '2.14', tag: 'v2.14.10' },
  { minor: '2.15', tag: 'v2.15.3' },
];

/** The newest tag we build and run. */
export const LATEST_TAG = CURRENT_MINORS.at(-1)!.tag;

/** One of our patches (patches/v2.10.14/) and the first upstream tag the proxy serves that carries the same fix. */
export interface UpstreamFix {
  patch: string;
  /** First tag served by the proxy with the fix (v2.10.17 is not served). */
  since: string;
  /** What upstream's code does, and where. */
  upstream: string;
}

export const UPSTREAM_FIXES: readonly UpstreamFix[] = [
  {
    patch: '0001-statsz-rate-limit',
    since: 'v2.10.18',
    upstream: 'server/events.go limitStatsz: broadcasts on $SYS.SERVER.<id>.STATSZ at most once per statszRateLimit (1 s), or per the '
      + 'startup heartbeat interval while it is shorter; a limited one re-arms the heartbeat timer for the end of the window (delayed, not dropped)',
  },
  {
    patch: '0002-gateway-stale-handshake',
    since: 'v2.10.16',
    upstream: 'server/gateway.go createGateway: an outbound gateway gets watchForStaleConnection(gateway ping interval, ping_max) '
      + 'before the first INFO, closing it as StaleConnection after interval × (ping_max + 1)',
  },
];

/** Seconds between STATSZ heartbeats once the startup ramp (250 ms doubling) is over: 30 s before v2.10.21, 10 s since. */
export function statszHeartbeatSeconds(tag: string): number {
  const m = /^v(\d+)\.(\d+)\.(\d+)/.exec(tag);
  if (!m) throw new Error(`not a tag: ${tag}`);
  const [maj, min, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const since = maj > 2 || (maj === 2 && (min > 10 || (min === 10 && patch >= 21)));
  return since ? 10 : 30;
}
