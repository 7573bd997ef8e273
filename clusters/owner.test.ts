import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { processIdentity, selfIdentity } from '../core/process-identity.ts';
import { ownerStatus, reapDecision, type OwnerStatus } from './owner.ts';

describe('owner', () => {
  const cases: Array<{ owner: OwnerStatus; detached: boolean; all: boolean; reap: boolean; why?: RegExp }> = [
    { owner: 'alive', detached: false, all: false, reap: false, why: /owner pid 42 is still running$/ },
    { owner: 'alive', detached: false, all: true, reap: false, why: /still running/ },
    // The defect: clean (all) removed a detached cluster whose owner (a rollout controller) was alive.
    { owner: 'alive', detached: true, all: true, reap: false, why: /still running \(detached/ },
    { owner: 'alive', detached: true, all: false, reap: false, why: /still running/ },
    { owner: 'gone', detached: false, all: false, reap: true },
    { owner: 'gone', detached: false, all: true, reap: true },
    { owner: 'gone', detached: true, all: false, reap: false, why: /left running on purpose/ },
    { owner: 'gone', detached: true, all: true, reap: true },
    { owner: 'self', detached: false, all: true, reap: false },
    { owner: 'self', detached: true, all: false, reap: false },
    { owner: 'self', detached: true, all: true, reap: true },
  ];
  for (const c of cases) {
    it(`owner - owner ${c.owner}, ${c.detached ? 'detached' : 'attached'}, ${c.all ? 'clean' : 'start'}: ${c.reap ? 'reaped' : 'kept'}`, () => {
      const d = reapDecision({ ownerPid: 42, detached: c.detached }, c.owner, c.all);
      assert.equal(d.reap, c.reap);
      if (!d.reap && c.why) assert.match(d.why ?? '', c.why);
    });
  }

  it('owner - an owner is alive only while the very process recorded runs (pid reuse is not life)', async () => {
    const me = selfIdentity();
    assert.equal(ownerStatus({ ownerPid: me.pid, owner: me }), 'self');
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const id = processIdentity(child.pid!)!;
      assert.equal(ownerStatus({ ownerPid: id.pid, owner: id }), 'alive');
      assert.equal(ownerStatus({ ownerPid: id.pid, owner: { ...id, startTime: id.startTime - 1 } }), 'gone', 'same pid, another start time');
      assert.equal(ownerStatus({ ownerPid: id.pid }), 'alive', 'a file from before identities: pid only');
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    assert.equal(ownerStatus({ ownerPid: child.pid! }), 'gone');
  });
});
