// The one bounded wait: poll until a check passes or the deadline ends with a message naming what
// was awaited, for how long, and what was last seen.
import { setTimeout as sleep } from 'node:timers/promises';
import { TimeoutError } from '../core/errors.ts';

export interface Check<T> {
  /** Returns the value when done, or a string saying what is still missing. */
  (): Promise<{ done: true; value: T } | { done: false; missing: string }>;
}

export async function waitFor<T>(what: string, deadlineMs: number, check: Check<T>, intervalMs = 200): Promise<T> {
  const start = Date.now();
  let last = 'nothing checked yet';
  for (;;) {
    try {
      const r = await check();
      if (r.done) return r.value;
      last = r.missing;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() - start >= deadlineMs) {
      throw new TimeoutError(`${what}: not reached after ${deadlineMs}ms; still missing: ${last}`);
    }
    await sleep(intervalMs);
  }
}
