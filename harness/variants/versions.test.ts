import assert from 'node:assert/strict';
import { CURRENT_MINORS, LATEST_TAG, UPSTREAM_FIXES, statszHeartbeatSeconds } from './versions.ts';
import { TAG_PATTERN } from './variant.ts';

describe('versions', () => {
  it('versions - one tag per current minor, in order, the newest last and named latest', () => {
    assert.deepEqual(CURRENT_MINORS.map((m) => m.minor), ['2.11', '2.12', '2.14', '2.15']);
    for (const m of CURRENT_MINORS) {
      assert.match(m.tag, TAG_PATTERN);
      assert.ok(m.tag.startsWith(`v${m.minor}.`), m.tag);
    }
    assert.equal(LATEST_TAG, 'v2.15.3');
  });

  it('versions - the STATSZ heartbeat is 30 s before v2.10.21 and 10 s from it on', () => {
    assert.equal(statszHeartbeatSeconds('v2.10.14'), 30);
    assert.equal(statszHeartbeatSeconds('v2.10.20'), 30);
    assert.equal(statszHeartbeatSeconds('v2.10.21'), 10);
    assert.equal(statszHeartbeatSeconds('v2.11.0'), 10);
    assert.equal(statszHeartbeatSeconds('v2.15.3+brownout'), 10);
    assert.throws(() => statszHeartbeatSeconds('latest'), /not a tag/);
  });

  it('versions - both of our patches are upstream before every current minor', () => {
    assert.deepEqual(UPSTREAM_FIXES.map((f) => f.patch), ['0001-statsz-rate-limit', '0002-gateway-stale-handshake']);
    for (const f of UPSTREAM_FIXES) assert.match(f.since, /^v2\.10\.\d+$/);
  });
});
