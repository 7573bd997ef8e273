// The live line printed every few seconds while a plan runs: links, STATSZ rate, time left.
import type { Progress } from '../../core/progress.ts';
import type { StartedObserver } from '../observe/index.ts';
import { formatLiveStatus, liveStatus } from './live-status.ts';

/** Returns the function that stops it. */
export function startStatusLine(observer: StartedObserver, totalSeconds: number, everySeconds: number, progress: Progress): () => void {
  const t0 = Date.now();
  const timer = setInterval(() => {
    const left = Math.max(0, totalSeconds - (Date.now() - t0) / 1000);
    progress.info(`${formatLiveStatus(liveStatus(observer.records(), Date.now()))} | ${left.toFixed(0)}s left`);
  }, everySeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
