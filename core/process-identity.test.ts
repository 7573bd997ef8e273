import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { processIdentity, sameProcess, selfIdentity } from './process-identity.ts';

describe('process-identity', () => {
  it('process-identity - this process matches its own record', () => {
    const me = selfIdentity();
    assert.equal(me.pid, process.pid);
    assert.ok(me.startTime > 0);
    assert.equal(sameProcess(me), true);
  });
  it('process-identity - a different start time or executable is another process', () => {
    const me = selfIdentity();
    assert.equal(sameProcess({ ...me, startTime: me.startTime + 1 }), false);
    assert.equal(sameProcess({ ...me, exe: '/usr/bin/tail' }), false);
  });
  it('process-identity - a dead process has no identity', async () => {
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    const id = processIdentity(child.pid!);
    await once(child, 'exit');
    assert.ok(id === undefined || !sameProcess(id));
    assert.equal(processIdentity(child.pid!), undefined);
  });
});
