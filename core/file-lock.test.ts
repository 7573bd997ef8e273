import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from '../test/support/temp-dir.ts';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withFileLock, withFileLockSync } from './file-lock.ts';
import { TimeoutError } from './errors.ts';
import { processIdentity } from './process-identity.ts';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'brownout-lock-'));

describe('file-lock', () => {
  it('file-lock - serializes two holders in one process and removes the lock after', async () => {
    const lock = path.join(tmp(), 'x.lock');
    const order: string[] = [];
    await Promise.all([
      withFileLock(lock, async () => { order.push('a+'); await sleep(100); order.push('a-'); }),
      (async () => { await sleep(10); await withFileLock(lock, () => { order.push('b'); }); })(),
    ]);
    assert.deepEqual(order, ['a+', 'a-', 'b']);
    assert.equal(existsSync(lock), false);
  });
  it('file-lock - a lock whose holder died is broken', () => {
    const lock = path.join(tmp(), 'x.lock');
    // pid 1's start time is not 12345: the recorded holder is gone even though pid 1 lives.
    writeFileSync(lock, JSON.stringify({ pid: 1, startTime: 12345, exe: '/nope' }));
    assert.equal(withFileLockSync(lock, () => 'got it', { timeoutMs: 500 }), 'got it');
  });
  it('file-lock - a live holder makes the waiter time out, naming the lock and the pid', async () => {
    const lock = path.join(tmp(), 'x.lock');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      await sleep(100);
      writeFileSync(lock, JSON.stringify(processIdentity(child.pid!)));
      await assert.rejects(withFileLock(lock, () => 1, { timeoutMs: 300 }),
        (e: unknown) => e instanceof TimeoutError && e.message.includes(`pid ${child.pid}`) && e.message.includes(lock));
    } finally {
      child.kill('SIGKILL');
    }
  });
});
