import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { lameDuckOf, parseTopology, startCluster, type StartedCluster } from '../clusters/index.ts';
import { docker } from '../clusters/docker-resources.ts';
import { DEFAULT_NATS_TAG, patchedName, variantImage } from '../core/layout.ts';
import { requireDockerEngine } from './support/docker-engine.ts';

// The docker backend's optional resources (topology `docker`): a memory limit and restart policy
// on-failure. A server whose process dies (here kill -9 from the host, as the OOM killer would) is
// started again by Docker; a lame duck turns the policy off first, and the upgraded server's container has it again.

describe('docker resources: memory limit and restart policy', function () {
  this.timeout(120_000);
  let c: StartedCluster | undefined;
  before(async function () {
    await requireDockerEngine(this);
  });
  after(async () => {
    await c?.stop();
  });

  it('docker resources - limit and policy on the container; a killed process comes back; an upgrade by lame duck is not undone by the policy', async () => {
    const topology = parseTopology({ variant: patchedName(DEFAULT_NATS_TAG), regions: [{ name: 'iad', servers: 1 }, { name: 'lhr', servers: 1 }], lameDuck: { durationSeconds: 30, graceSeconds: 1 }, docker: { memoryMiB: 64, restart: 'on-failure' } });
    c = await startCluster(topology, { backend: 'docker' });
    const container = docker().getContainer(`brownout-${c.runId}-iad-1`);
    const st = await container.inspect();
    assert.equal(st.HostConfig.Memory, 64 * 1024 * 1024);
    assert.equal(st.HostConfig.MemorySwap, 64 * 1024 * 1024);
    assert.equal(st.HostConfig.RestartPolicy?.Name, 'on-failure');
    const id = await c.server('iad-1').serverId();

    execFileSync('kill', ['-9', String(st.State.Pid)]);
    let after = await container.inspect();
    for (let i = 0; i < 100 && !(after.RestartCount === 1 && after.State.Running); i++) { await sleep(100); after = await container.inspect(); }
    assert.equal(after.RestartCount, 1, 'Docker started the killed server again');
    assert.equal(after.State.Running, true);
    // Same container, same address: the harness's endpoint still reaches the new process.
    let newId = id;
    for (let i = 0; i < 50 && newId === id; i++) { await sleep(200); newId = await c.server('iad-1').serverId().catch(() => id); }
    assert.notEqual(newId, id);

    // A rollout's lame duck: the server exits by itself, which on-failure would undo unless the
    // policy is off first; the upgraded server's new container has the topology's policy again.
    const other = docker().getContainer(`brownout-${c.runId}-lhr-1`);
    await c.server('lhr-1').upgrade(DEFAULT_NATS_TAG, { lameDuck: lameDuckOf(topology) });
    const upgraded = await other.inspect();
    assert.equal(upgraded.Config.Image, variantImage(DEFAULT_NATS_TAG));
    assert.equal(upgraded.RestartCount, 0, 'the old variant was not restarted by its policy');
    assert.equal(upgraded.HostConfig.RestartPolicy?.Name, 'on-failure');
    assert.equal(upgraded.HostConfig.Memory, 64 * 1024 * 1024);
  });
});
