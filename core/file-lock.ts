// A lock file per shared resource (a cluster's state file, a variant's build folder): created with
// O_EXCL and holding its owner's identity, so a lock whose owner died (even by SIGKILL) is known as
// stale and broken, and a lock held by a live process is waited for with a deadline.
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TimeoutError } from './errors.ts';
import { sameProcess, selfIdentity, type ProcessIdentity } from './process-identity.ts';

export interface LockOptions {
  /** How long to wait for a live holder; default 60 s. */
  timeoutMs?: number;
  /** Called once when the lock is held by someone else and we start waiting. */
  onWait?: (holder: ProcessIdentity | undefined) => void;
}

type Attempt = { held: true; release: () => void } | { held: false; holder: ProcessIdentity | undefined };

function readHolder(lockFile: string): ProcessIdentity | undefined {
  try {
    const v = JSON.parse(readFileSync(lockFile, 'utf8')) as Partial<ProcessIdentity>;
    return typeof v.pid === 'number' && typeof v.startTime === 'number' ? { pid: v.pid, startTime: v.startTime, exe: String(v.exe ?? '') } : undefined;
  } catch {
    return undefined;
  }
}

function tryLock(lockFile: string): Attempt {
  mkdirSync(path.dirname(lockFile), { recursive: true });
  const me = selfIdentity();
  try {
    const fd = openSync(lockFile, 'wx', 0o600);
    try {
      writeSync(fd, JSON.stringify(me));
    } finally {
      closeSync(fd);
    }
    return { held: true, release: () => { if (readHolder(lockFile)?.startTime === me.startTime && readHolder(lockFile)?.pid === me.pid) rmSync(lockFile, { force: true }); } };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const holder = readHolder(lockFile);
  // A holder that is gone (or a file torn before its owner wrote it, older than a moment) is stale:
  // move it aside under a name of our own first, so two breakers never remove a fresh lock.
  if (holder === undefined ? ageMs(lockFile) > 2000 : !sameProcess(holder)) {
    const aside = `${lockFile}.stale.${process.pid}.${randomBytes(3).toString('hex')}`;
    try {
      renameSync(lockFile, aside);
      rmSync(aside, { force: true });
    } catch {
      // someone else broke it first
    }
    return tryLock(lockFile);
  }
  return { held: false, holder };
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}

/** Run `fn` while holding `lockFile`; waits for a live holder up to the deadline. */
export async function withFileLock<T>(lockFile: string, fn: () => Promise<T> | T, opts: LockOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const start = Date.now();
  let waited = false;
  for (;;) {
    const a = tryLock(lockFile);
    if (a.held) {
      try {
        return await fn();
      } finally {
        a.release();
      }
    }
    if (!waited) opts.onWait?.(a.holder);
    waited = true;
    if (Date.now() - start > timeoutMs) {
      throw new TimeoutError(`lock ${lockFile} still held by pid ${a.holder?.pid ?? '?'} after ${timeoutMs}ms`);
    }
    await sleep(50);
  }
}

/** The same for short synchronous critical sections (a read-modify-write of a state file). */
export function withFileLockSync<T>(lockFile: string, fn: () => T, opts: LockOptions = {}): T {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const start = Date.now();
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let waited = false;
  for (;;) {
    const a = tryLock(lockFile);
    if (a.held) {
      try {
        return fn();
      } finally {
        a.release();
      }
    }
    if (!waited) opts.onWait?.(a.holder);
    waited = true;
    if (Date.now() - start > timeoutMs) {
      throw new TimeoutError(`lock ${lockFile} still held by pid ${a.holder?.pid ?? '?'} after ${timeoutMs}ms`);
    }
    Atomics.wait(pause, 0, 0, 10);
  }
}
