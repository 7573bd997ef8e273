// Process checks by pid for processes we may not be the parent of (a run left by a dead harness).
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Alive and not a zombie. */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** True only if the pid runs a command line that mentions `marker` (guards against pid reuse). */
export function pidMatches(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(marker);
  } catch {
    return false;
  }
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** SIGTERM (after SIGCONT, in case it is paused), then SIGKILL after `graceMs`; resolves once gone. */
export async function terminate(pid: number, graceMs = 5000, sig: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  signal(pid, sig);
  signal(pid, 'SIGCONT');
  const start = Date.now();
  while (pidAlive(pid)) {
    if (Date.now() - start > graceMs) signal(pid, 'SIGKILL');
    if (Date.now() - start > graceMs + 5000) throw new Error(`pid ${pid} still alive ${graceMs + 5000}ms after ${sig}`);
    await sleep(50);
  }
}
