// Progress lines for anything longer than a few seconds. Plain lines (not spinners) so that CI logs
// and terminals read the same; a heartbeat line every 15 s says a long step is still alive.
const HEARTBEAT_MS = 15_000;

export interface Progress {
  info(message: string): void;
  step<T>(label: string, fn: () => Promise<T>): Promise<T>;
}

export function createProgress(prefix: string, write: (line: string) => void = (l) => process.stderr.write(l + '\n')): Progress {
  const tag = prefix ? `[${prefix}] ` : '';
  return {
    info(message) {
      write(`${tag}${message}`);
    },
    async step(label, fn) {
      const started = Date.now();
      write(`${tag}${label} ...`);
      const beat = setInterval(() => write(`${tag}${label}: still running (${seconds(started)})`), HEARTBEAT_MS);
      beat.unref();
      try {
        const out = await fn();
        write(`${tag}${label}: done (${seconds(started)})`);
        return out;
      } catch (err) {
        write(`${tag}${label}: failed (${seconds(started)})`);
        throw err;
      } finally {
        clearInterval(beat);
      }
    },
  };
}

export const silentProgress: Progress = { info() {}, step: (_label, fn) => fn() };

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}
