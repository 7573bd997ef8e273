// Bounded concurrency for booting and polling many servers on a small machine: 96 nats-servers
// started at once on 2 cores starve each other (and the harness) of CPU, their monitors stop
// answering and, with a 1 s ping interval, their routes go stale and reconnect in a loop.

/**
 * Run `fn` over `items` with at most `limit` in flight. After the first failure no new item
 * starts; the ones in flight finish, then the first error is thrown. Results keep input order.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!, i);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.err;
  return results;
}

/**
 * Servers started at once by the local backend. Measured at 96 patched servers (6 × 16, one run
 * each, a noisy shared machine): all at once 19 s to start / 30 s to full mesh, 24 at a time
 * 27 / 42 s, 8 at a time 24 / 38 s; so a bound that rarely binds, kept for the stock cold-start
 * storm, which with everything at once left monitors unanswered for 15 s. BROWNOUT_START_CONCURRENCY
 * overrides it.
 */
export const START_CONCURRENCY = Number(process.env.BROWNOUT_START_CONCURRENCY) || 32;
/** Monitoring requests in flight at once when the harness reads every server (mesh checks, benches). */
export const POLL_CONCURRENCY = 16;
