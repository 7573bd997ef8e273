// Teardown on SIGINT/SIGTERM and, as a last resort, on exit. Two tiers: runs first (a run stops
// its steps, reverts its faults, writes what it saw and disposes what it owns, clusters included),
// then whatever is still live (a cluster booted outside a run, or one a run failed to stop). A
// teardown already under way (a rollout stopping its cluster) is waited for before the exit, so a
// signal never cuts one short and leaves a server or proxy behind.
import { EXIT } from '../core/errors.ts';

export interface Live {
  stop(signal: NodeJS.Signals): Promise<void>;
  teardownSync(): void;
}

export type LiveTier = 'run' | 'cluster';

const tiers: Record<LiveTier, Set<Live>> = { run: new Set(), cluster: new Set() };
let installed = false;

const holds = new Set<Promise<unknown>>();

const count = (): number => tiers.run.size + tiers.cluster.size;

async function onSignal(sig: NodeJS.Signals): Promise<void> {
  process.stderr.write(`\n${sig}: stopping ${tiers.run.size} run(s), tearing down ${tiers.cluster.size} cluster(s)${holds.size ? `, finishing ${holds.size} teardown(s) under way` : ''}\n`);
  await Promise.allSettled([...tiers.run].map((r) => r.stop(sig)));
  await Promise.allSettled([...tiers.cluster].map((c) => c.stop(sig)));
  await Promise.allSettled([...holds]);
  process.exit(sig === 'SIGINT' ? EXIT.interrupted : EXIT.terminated);
}

/** A teardown that must finish before a signal's exit (onSignal waits for it); returns `p`. */
export function holdExitUntil<T>(p: Promise<T>): Promise<T> {
  holds.add(p);
  p.then(() => holds.delete(p), () => holds.delete(p));
  return p;
}

function onExit(): void {
  for (const c of [...tiers.run, ...tiers.cluster]) c.teardownSync();
}

export function registerLive(c: Live, tier: LiveTier = 'cluster'): void {
  tiers[tier].add(c);
  if (!installed) {
    installed = true;
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.on('exit', onExit);
  }
}

export function unregisterLive(c: Live): void {
  tiers.run.delete(c);
  tiers.cluster.delete(c);
  if (count() === 0 && installed) {
    installed = false;
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('exit', onExit);
  }
}
