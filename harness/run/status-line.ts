// The live line printed every few seconds while a plan or a rollout runs: links, STATSZ rate, and
// what the caller adds (time left for a run; phase and stage for a rollout).
import type { Progress } from '../../core/progress.ts';
import type { StartedObserver } from '../observe/index.ts';
import { formatLiveStatus, liveStatus } from './live-status.ts';

/** Every `everySeconds`, the observer's live status handed to `say`. Returns the function that stops it. */
export function startStatusTimer(observer: StartedObserver, everySeconds: number, say: (live: string) => void): () => void {
  const timer = setInterval(() => say(formatLiveStatus(liveStatus(observer.records(), Date.now()))), everySeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}

/** A run's line: the live status and the seconds left. Returns the function that stops it. */
export function startStatusLine(observer: StartedObserver, totalSeconds: number, everySeconds: number, progress: Progress): () => void {
  const t0 = Date.now();
  return startStatusTimer(observer, everySeconds, (live) => {
    const left = Math.max(0, totalSeconds - (Date.now() - t0) / 1000);
    progress.info(`${live} | ${left.toFixed(0)}s left`);
  });
}
