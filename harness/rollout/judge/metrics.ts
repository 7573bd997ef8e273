// The per-server series a canary is compared on, and which way each one hurts. The controller
// fills them from the observer's timeline; the judge only needs the name and the harm.

/** Which shift of the canary against the baseline counts as harm. */
export type Harm = 'higher' | 'lower' | 'either';

export const CANARY_METRICS = {
  'statsz.rate': { harm: 'higher', unit: 'msgs/s', description: 'STATSZ messages the server sends per second (sliding 1 s windows)' },
  rss: { harm: 'higher', unit: 'MiB', description: 'resident memory of the server process (/varz rss)' },
  cpu: { harm: 'higher', unit: '%', description: 'CPU of the server process (/varz cpu)' },
  reconnects: { harm: 'higher', unit: 'count', description: 'route and gateway reconnects per sample interval' },
  'probe.latency': { harm: 'higher', unit: 'ms', description: 'log-stream probe latency of messages published through the server' },
} as const satisfies Record<string, { harm: Harm; unit: string; description: string }>;

export type CanaryMetricName = keyof typeof CANARY_METRICS;
export const CANARY_METRIC_NAMES = Object.keys(CANARY_METRICS) as CanaryMetricName[];
export const HARMS: readonly Harm[] = ['higher', 'lower', 'either'];
