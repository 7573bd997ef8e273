// One place that undoes what a run did, newest first (AsyncDisposableStack is not in Node 20).
// Every step runs even when an earlier one throws; failures are returned, not thrown, so a
// teardown problem never hides why the run itself stopped.
type Undo = () => Promise<unknown> | unknown;

export class TeardownStack {
  readonly #undo: { label: string; fn: Undo }[] = [];
  #disposed = false;

  /** Run `fn` at dispose time, before everything deferred earlier. */
  defer(label: string, fn: Undo): void {
    if (this.#disposed) throw new Error(`teardown stack already disposed; cannot defer "${label}"`);
    this.#undo.push({ label, fn });
  }

  /** A nested stack that its owner disposes first; disposing the parent disposes it too. */
  scope(): TeardownStack {
    const child = new TeardownStack();
    this.defer('nested scope', async () => {
      const failed = await child.dispose();
      if (failed.length) throw new Error(failed.join('; '));
    });
    return child;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Undo everything, newest first; safe to call twice. Returns `label: message` per failure. */
  async dispose(): Promise<string[]> {
    this.#disposed = true;
    const failed: string[] = [];
    while (this.#undo.length) {
      const { label, fn } = this.#undo.pop()!;
      try {
        await fn();
      } catch (err) {
        failed.push(`${label}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return failed;
  }
}
