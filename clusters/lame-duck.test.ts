import assert from 'node:assert/strict';
import { HarnessError } from '../core/errors.ts';
import { checkLameDuck, lameDuckExitDeadlineMs, lameDuckOf, versionOfVariant } from './lame-duck.ts';
import { parseTopology, presets } from './topology.ts';

describe('clusters lame-duck', () => {
  it('lame-duck - a topology without lameDuck runs nats-server defaults (2m, 10s)', () => {
    assert.deepEqual(lameDuckOf(parseTopology(presets['two-regions'])), { durationSeconds: 120, graceSeconds: 10 });
    assert.deepEqual(lameDuckOf(parseTopology({ ...presets['two-regions'], lameDuck: { durationSeconds: 30, graceSeconds: 5 } })), { durationSeconds: 30, graceSeconds: 5 });
  });

  it('lame-duck - asking for what the server was started with passes; anything else names both', () => {
    const started = { durationSeconds: 30, graceSeconds: 5 };
    checkLameDuck('iad-1', { durationSeconds: 30, graceSeconds: 5 }, started, true);
    for (const asked of [{ durationSeconds: 45, graceSeconds: 5 }, { durationSeconds: 30, graceSeconds: 6 }]) {
      assert.throws(() => checkLameDuck('iad-1', asked, started, true), (e: unknown) => e instanceof HarnessError
        && e.message.includes('iad-1 runs with lame_duck_duration 30s, lame_duck_grace_period 5s (topology.lameDuck)')
        && e.message.includes(`${asked.durationSeconds}s / ${asked.graceSeconds}s`) && /config reload/.test(e.message));
    }
    assert.throws(() => checkLameDuck('iad-1', started, { durationSeconds: 120, graceSeconds: 10 }, false), /nats-server defaults/);
  });

  it('lame-duck - exit deadline is duration + grace + 15 s; a variant reports its name without the v', () => {
    assert.equal(lameDuckExitDeadlineMs({ durationSeconds: 30, graceSeconds: 5 }), 50_000);
    assert.equal(versionOfVariant('v2.10.14+brownout'), '2.10.14+brownout');
    assert.equal(versionOfVariant('v2.10.14'), '2.10.14');
  });
});
