// The machine-wide cluster lock for long benches: a bench that boots many clusters holds the lock
// per cluster, not for the whole run, so other users of the machine get turns between sizes.
// BROWNOUT_BENCH_LOCK names the lock file (e.g. /tmp/brownout-cluster.lock); unset: no lock.
// Node has no flock(2): a `flock FILE -c 'echo locked; exec cat'` child holds it until its stdin ends.
import { spawn } from 'node:child_process';
import { HarnessError } from '../core/errors.ts';

export async function withClusterLock<T>(what: string, fn: () => Promise<T>, log: (s: string) => void = () => {}): Promise<T> {
  const file = process.env.BROWNOUT_BENCH_LOCK;
  if (!file) return fn();
  const t0 = Date.now();
  const child = spawn('flock', [file, '-c', 'echo locked; exec cat'], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('locked')) resolve(); });
    child.on('error', (e) => reject(new HarnessError(`flock ${file}: ${e.message}`)));
    child.on('exit', (code) => reject(new HarnessError(`flock ${file} exited with ${code} before locking`)));
  });
  log(`${what}: lock held after ${((Date.now() - t0) / 1000).toFixed(0)}s of waiting`);
  try {
    return await fn();
  } finally {
    child.stdin.end();
    await new Promise((r) => child.once('exit', r));
  }
}
