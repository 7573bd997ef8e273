// Lame-duck settings: what a running server was started with, and whether an upgrade may ask for it.
// nats-server v2.10.14 cannot change them at run time: config reload (server/reload.go diffOptions)
// has no case for LameDuckDuration or LameDuckGracePeriod, so it falls to the default branch and
// rejects the whole reload ("config reload not supported for LameDuckDuration"). So they are
// rendered into every server's config from the topology at start (render-config.ts), and an upgrade
// that asks for other values fails instead of silently getting the ones the server has. Pure.
import { HarnessError } from '../core/errors.ts';
import type { Topology } from './topology.ts';

export interface LameDuckSettings {
  durationSeconds: number;
  graceSeconds: number;
}

/** server/const.go DEFAULT_LAME_DUCK_DURATION and DEFAULT_LAME_DUCK_GRACE_PERIOD. */
export const NATS_LAME_DUCK_DEFAULTS: LameDuckSettings = { durationSeconds: 120, graceSeconds: 10 };

/** What every server of this topology runs with: its `lameDuck`, else nats-server's defaults. */
export function lameDuckOf(t: Topology): LameDuckSettings {
  return t.lameDuck ?? NATS_LAME_DUCK_DEFAULTS;
}

/** Throws when `asked` is not what `server` was started with (it cannot be changed without a restart). */
export function checkLameDuck(server: string, asked: LameDuckSettings, started: LameDuckSettings, fromTopology: boolean): void {
  if (asked.durationSeconds === started.durationSeconds && asked.graceSeconds === started.graceSeconds) return;
  const has = `lame_duck_duration ${started.durationSeconds}s, lame_duck_grace_period ${started.graceSeconds}s`;
  throw new HarnessError(
    `${server} runs with ${has} (${fromTopology ? 'topology.lameDuck' : 'nats-server defaults: the topology sets no lameDuck'}), ` +
    `not the ${asked.durationSeconds}s / ${asked.graceSeconds}s asked for; nats-server cannot change these by config reload`,
    { hint: `set topology.lameDuck to { durationSeconds: ${asked.durationSeconds}, graceSeconds: ${asked.graceSeconds} } when the cluster starts, or ask for ${started.durationSeconds}s / ${started.graceSeconds}s` },
  );
}

/**
 * How long to wait for a server in lame duck to exit by itself. It closes its clients over at most
 * duration − grace after the grace period, then shuts down (server.go lameDuckMode); 15 s of slack.
 */
export function lameDuckExitDeadlineMs(s: LameDuckSettings): number {
  return (s.durationSeconds + s.graceSeconds + 15) * 1000;
}

/** The /varz `version` a variant reports: its name without the tag's `v` (the build stamps the suffix into VERSION). */
export function versionOfVariant(variant: string): string {
  return variant.replace(/^v/, '');
}
