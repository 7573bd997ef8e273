import assert from 'node:assert/strict';
import { TeardownStack } from './teardown-stack.ts';

describe('teardown stack', () => {
  it('teardown - undoes newest first, runs every step past a failure and returns the failures', async () => {
    const done: string[] = [];
    const stack = new TeardownStack();
    stack.defer('a', () => { done.push('a'); });
    stack.defer('b', () => { throw new Error('b broke'); });
    stack.defer('c', async () => { done.push('c'); });
    assert.deepEqual(await stack.dispose(), ['b: b broke']);
    assert.deepEqual(done, ['c', 'a']);
    assert.deepEqual(await stack.dispose(), [], 'twice is safe');
    assert.throws(() => stack.defer('late', () => {}), /already disposed/);
  });

  it('teardown - a scope is undone when its owner disposes it, or with its parent, never twice', async () => {
    const done: string[] = [];
    const parent = new TeardownStack();
    parent.defer('cluster', () => { done.push('cluster'); });
    const run = parent.scope();
    run.defer('faults', () => { done.push('faults'); });
    run.defer('observer', () => { done.push('observer'); });
    assert.deepEqual(await run.dispose(), []);
    done.push('judged');
    assert.deepEqual(await parent.dispose(), []);
    assert.deepEqual(done, ['observer', 'faults', 'judged', 'cluster']);

    const p2 = new TeardownStack();
    const s2 = p2.scope();
    s2.defer('x', () => { throw new Error('x broke'); });
    assert.deepEqual(await p2.dispose(), ['nested scope: x: x broke'], 'a scope left undisposed goes with its parent');
  });
});
