// The machine-wide cluster lock, held around ONE run at a time so other users of the machine
// interleave between runs. Node has no flock(2): a child `flock FILE sh -c 'echo held; exec cat'`
// takes the lock and keeps it while cat reads our pipe; closing the pipe (release, or this process
// dying) ends cat and frees the lock. Nothing the run starts inherits the lock's descriptor.
import { spawn } from 'node:child_process';
import { EnvironmentError, HarnessError } from '../core/errors.ts';

export interface HeldLock {
  /** Milliseconds spent waiting for the lock. */
  waitedMs: number;
  release(): Promise<void>;
}

export function holdLock(file: string): Promise<HeldLock> {
  const started = Date.now();
  const child = spawn('flock', [file, 'sh', '-c', 'echo held; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise<HeldLock>((resolve, reject) => {
    child.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT'
      ? new EnvironmentError('flock is not installed (util-linux); it takes the cluster lock around each run', { cause: e })
      : new HarnessError(`could not take the lock ${file}: ${e.message}`, { cause: e })));
    child.once('exit', (code) => reject(new HarnessError(`flock ${file} exited (${code}) before taking the lock: ${stderr.trim()}`)));
    child.stdout.once('data', () => resolve({
      waitedMs: Date.now() - started,
      release: async () => {
        child.stdin.end();
        await exited;
      },
    }));
  });
}
