import assert from 'node:assert/strict';
import { serverHostConfig } from './docker-backend.ts';
import { parseTopology, presets } from './topology.ts';

describe('clusters docker backend', () => {
  it('docker backend - server HostConfig without docker resources is what it always was', () => {
    assert.deepEqual(serverHostConfig(parseTopology(presets['two-regions']), '/c.conf:/etc/nats/nats-server.conf:ro', 'net-iad'), {
      Binds: ['/c.conf:/etc/nats/nats-server.conf:ro'], NetworkMode: 'net-iad', RestartPolicy: { Name: 'no' },
    });
  });

  it('docker backend - memoryMiB limits memory with no swap on top; restart sets the policy', () => {
    const t = parseTopology({ ...presets['two-regions'], docker: { memoryMiB: 48, restart: 'on-failure' } });
    const h = serverHostConfig(t, 'b', 'n');
    assert.equal(h.Memory, 48 * 1024 * 1024);
    assert.equal(h.MemorySwap, 48 * 1024 * 1024);
    assert.deepEqual(h.RestartPolicy, { Name: 'on-failure' });
    const onlyRestart = serverHostConfig(parseTopology({ ...presets['two-regions'], docker: { restart: 'on-failure' } }), 'b', 'n');
    assert.equal('Memory' in onlyRestart, false);
  });
});
