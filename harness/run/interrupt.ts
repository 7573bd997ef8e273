// Ctrl-C and SIGTERM during a run: stop playing steps, let the teardown stack revert faults and
// stop what the run owns, write the partial results, then let the process exit (130 or 143).
import { setTimeout as sleep } from 'node:timers/promises';
import { registerLive, unregisterLive } from '../../clusters/signals.ts';
import type { TeardownStack } from './teardown-stack.ts';

/** How long a signal waits for the partial results before the process exits anyway. */
const WRITE_DEADLINE_MS = 60_000;

export class RunInterrupt {
  readonly #abort = new AbortController();
  #signal: NodeJS.Signals | undefined;
  #markDone: () => void = () => {};
  readonly #done = new Promise<void>((resolve) => { this.#markDone = resolve; });

  /** Aborted on SIGINT/SIGTERM (or by abort()): sleeps and the step loop stop early. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get interrupted(): NodeJS.Signals | undefined {
    return this.#signal;
  }

  abort(sig: NodeJS.Signals = 'SIGINT'): void {
    this.#signal ??= sig;
    this.#abort.abort();
  }

  /** The run is written and torn down: a pending signal may now exit the process. */
  done(): void {
    this.#markDone();
  }

  /** Listen for signals until `stack` is disposed (the un-listening is its first deferral). */
  static watch(stack: TeardownStack): RunInterrupt {
    const it = new RunInterrupt();
    const live = {
      stop: async (sig: NodeJS.Signals) => {
        it.abort(sig);
        await Promise.race([it.#done, sleep(WRITE_DEADLINE_MS)]);
      },
      teardownSync: () => {},
    };
    registerLive(live, 'run');
    stack.defer('stop listening for signals', () => unregisterLive(live));
    return it;
  }
}
