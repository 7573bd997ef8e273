// The integration suite both backends run (test/clusters-local.test.ts, test/clusters-docker.test.ts).
// Real servers, real Toxiproxy; asserts on what a user would see in /varz, /routez, /gatewayz.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  listStates, parseTopology, presets, reapLeftovers, runProcesses, startCluster, waitFor,
  type BackendName, type StartedCluster, type TopologyInput,
} from '../clusters/index.ts';
import { docker, LABEL_RUN } from '../clusters/docker-resources.ts';
import { ensureBuilt, type Built } from './support/build.ts';

const PING = { interval: '1s', max: 2 };

/** Everything a run could leave: processes mentioning its dir, containers and networks with its label. */
export async function leftovers(runId: string, runDir: string): Promise<string[]> {
  const left = runProcesses(runDir).map((p) => `process ${p}`);
  if (listStates().some((s) => s.runId === runId)) left.push(`state file ${runId}`);
  if (existsSync('/var/run/docker.sock')) {
    const filters = JSON.stringify({ label: [`${LABEL_RUN}=${runId}`] });
    left.push(...(await docker().listContainers({ all: true, filters })).map((c) => `container ${c.Names[0]}`));
    left.push(...(await docker().listNetworks({ filters })).map((n) => `network ${n.Name}`));
  }
  return left;
}

/** A separate harness process (test/clusters-orphan-fixture.ts) holding a running cluster. */
async function harnessWithCluster(backend: BackendName) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'clusters-orphan-fixture.ts'), backend], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = await new Promise<{ runId: string; runDir: string }>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\S+) (\S+)/.exec(out);
      if (m) resolve({ runId: m[1]!, runDir: m[2]! });
    });
    child.on('exit', (code) => reject(new Error(`fixture exited with ${code} before READY: ${out}`)));
  });
  return { child, ready };
}

export function clusterSuite(backend: BackendName): void {
  let built: Built;
  const boot = (t: TopologyInput, meshDeadlineMs = 60_000) =>
    startCluster(parseTopology({ ping: PING, ...t }), { backend, meshDeadlineMs });

  before(async function () {
    this.timeout(600_000);
    built = await ensureBuilt();
  });

  describe('3x3 patched', () => {
    let c: StartedCluster;
    before(async function () {
      this.timeout(180_000);
      c = await boot({ ...presets['three-regions'], variant: built.patched });
    });
    after(async () => { await c?.stop(); });
    afterEach(async () => { await c?.links.reset(); });

    it('boots 3x3 fully meshed', async () => {
      const r = await c.meshStatus();
      assert.equal(r.complete, true, r.missing.join('; '));
      assert.equal(r.servers.length, 9);
      for (const s of r.servers) {
        assert.deepEqual([s.routes.up, s.routes.expected, s.gateways.up, s.gateways.expected], [2, 2, 2, 2], s.name);
        assert.equal(s.variant, built.patched);
      }
      assert.deepEqual(c.endpoints().map((e) => e.name).slice(0, 3), ['iad-1', 'iad-2', 'iad-3']);
      assert.ok('password' in c.system && c.system.password.length >= 20);
    });

    it('every outbound gateway dials a proxy', async () => {
      const r = await c.meshStatus();
      assert.deepEqual(await c.gatewayBypasses(r), []);
      assert.equal(r.servers.flatMap((s) => s.outbound).length, 9 * 2);
    });

    it('restart in place changes the server ID and the cluster re-meshes', async () => {
      const s = c.server('lhr-2');
      const before = await s.serverId();
      await s.restart();
      const after = await s.serverId();
      assert.notEqual(after, before);
      const r = await c.waitForMesh(30_000);
      assert.equal(r.servers.find((x) => x.name === 'lhr-2')?.serverId, after);
      assert.match(await s.logs(), /Server is ready/);
    });

    it('partition of one region drops exactly its gateways and heals', async () => {
      const heal = await c.links.partition('syd');
      const r = await waitFor('gateways to syd down everywhere else', 20_000, async () => {
        const m = await c.meshStatus();
        const wrong = m.servers.filter((s) => {
          const want = s.region === 'syd' ? (backend === 'docker' ? ['iad', 'lhr'] : []) : ['syd'];
          return s.routes.missing.length > 0 || s.gateways.missing.join() !== want.join();
        });
        return wrong.length === 0 ? { done: true, value: m } : { done: false, missing: wrong.map((s) => `${s.name} missing [${s.gateways.missing}]`).join('; ') };
      });
      assert.equal(r.servers.filter((s) => s.region !== 'syd').every((s) => s.gateways.up === 1), true);
      await heal.revert();
      await c.waitForMesh(30_000);
    });

    it('no gateway stays up with every proxy disabled, none bypasses them', async () => {
      await c.links.disable();
      await waitFor('every gateway down', 20_000, async () => {
        const m = await c.meshStatus();
        const up = m.servers.filter((s) => s.outbound.length > 0 || s.inbound > 0).map((s) => `${s.name} out=${s.outbound.length} in=${s.inbound}`);
        return up.length === 0 ? { done: true, value: m } : { done: false, missing: up.join('; ') };
      });
      // Gateways redial every second and learned every peer's advertised URL by gossip: watch a few
      // redial rounds; a URL that skipped the proxies would connect now.
      for (let i = 0; i < 6; i++) {
        await new Promise((r) => setTimeout(r, 500));
        const m = await c.meshStatus();
        assert.deepEqual(m.servers.filter((s) => s.outbound.length > 0 || s.inbound > 0).map((s) => s.name), []);
        assert.equal(m.servers.every((s) => s.routes.missing.length === 0), true);
      }
      await c.links.enable();
      const healed = await c.waitForMesh(30_000);
      assert.deepEqual(await c.gatewayBypasses(healed), []);
    });

    it('toxics add, update in place and remove', async () => {
      const lat = await c.links.addToxic({ to: 'iad-1' }, { type: 'latency', latencyMs: 100, jitterMs: 10, direction: 'forward' });
      const hole = await c.links.addToxic({ to: 'lhr' }, { type: 'blackhole', toxicity: 0 });
      assert.deepEqual(lat.links.length, backend === 'docker' ? 2 : 1);
      await lat.update({ attributes: { latency: 200, jitter: 0 } });
      await hole.update({ toxicity: 0 });
      const listed = await c.links.list({ to: 'lhr-1' });
      assert.equal(listed.length, backend === 'docker' ? 2 : 1);
      await lat.remove();
      await hole.remove();
      await c.waitForMesh(30_000);
    });

    it('kill -9, pause and resume', async () => {
      const s = c.server('iad-3');
      await s.pause();
      await waitFor('iad-3 monitor unresponsive while paused', 10_000, async () => {
        const m = await c.meshStatus();
        return m.servers.find((x) => x.name === 'iad-3')?.reachable === false ? { done: true, value: 0 } : { done: false, missing: 'still answers' };
      });
      await s.resume();
      await c.waitForMesh(30_000);
      const id = await s.serverId();
      await s.kill();
      await waitFor('peers drop routes to the killed iad-3', 20_000, async () => {
        const m = await c.meshStatus();
        const iad1 = m.servers.find((x) => x.name === 'iad-1')!;
        return iad1.routes.missing.includes('iad-3') ? { done: true, value: 0 } : { done: false, missing: 'iad-1 still routes to iad-3' };
      });
      await s.start();
      assert.notEqual(await s.serverId(), id);
      await c.waitForMesh(30_000);
    });

    if (backend === 'docker') {
      it('a region-pair link is faulted alone', async () => {
        await c.links.disable({ from: 'iad', to: 'lhr' });
        await waitFor('iad loses lhr, nobody else loses anything', 20_000, async () => {
          const m = await c.meshStatus();
          const wrong = m.servers.filter((s) => s.gateways.missing.join() !== (s.region === 'iad' ? 'lhr' : ''));
          return wrong.length === 0 ? { done: true, value: m } : { done: false, missing: wrong.map((s) => `${s.name} [${s.gateways.missing}]`).join('; ') };
        });
        await c.links.enable({ from: 'iad', to: 'lhr' });
        await c.waitForMesh(30_000);
      });

      it('packet loss adds iptables statistic rules and removes them on revert', async () => {
        const { execFileSync } = await import('node:child_process');
        const rules = async () => {
          const pid = (await docker().getContainer(`brownout-${c.runId}-lhr-2`).inspect()).State.Pid;
          return execFileSync('nsenter', ['-t', String(pid), '-n', 'iptables', '-S'], { encoding: 'utf8' })
            .split('\n').filter((l) => l.includes('statistic'));
        };
        const loss = await c.links.packetLoss({ from: 'iad', to: 'lhr-2' }, 0.3);
        const on = await rules();
        assert.equal(on.length, 2, on.join('\n'));
        assert.match(on[0]!, /--probability 0\.(3|29)/); // iptables rounds to steps of 2^-31
        await loss.revert();
        assert.deepEqual(await rules(), []);
      });
    }

    it('rejects link selectors that do not match', async () => {
      await assert.rejects(c.links.disable({ to: 'nowhere' }), /bad link selector/);
      if (backend === 'local') await assert.rejects(c.links.disable({ from: 'iad', to: 'lhr' }), /bad link selector/);
    });
  });

  describe('mixed variants', () => {
    it('boots a mixed-variant cluster and replaces a variant in place', async () => {
      await using c = await boot({ ...presets['two-regions'], variant: built.patched, variants: { 'lhr-2': built.stock } });
      const byName = Object.fromEntries((await c.meshStatus()).servers.map((s) => [s.name, s.variant]));
      assert.deepEqual(byName, { 'iad-1': built.patched, 'iad-2': built.patched, 'lhr-1': built.patched, 'lhr-2': built.stock });
      const s = c.server('iad-1');
      const id = await s.serverId();
      await s.replaceVariant(built.stock);
      assert.equal(s.variant, built.stock);
      assert.notEqual(await s.serverId(), id);
      await c.waitForMesh(30_000);
    });
  });

  describe('leaks', () => {
    it('leaves nothing behind after repeated runs', async function () {
      this.timeout(180_000);
      for (let i = 0; i < 3; i++) {
        const c = await boot({ regions: [{ name: 'iad', servers: 1 }, { name: 'lhr', servers: 2 }] });
        const { runId, runDir } = c;
        assert.ok((await leftovers(runId, runDir)).length > 0, 'a running cluster is visible');
        await c.stop();
        assert.deepEqual(await leftovers(runId, runDir), []);
      }
    });

    it('tears down on SIGTERM', async function () {
      this.timeout(180_000);
      const { child, ready } = await harnessWithCluster(backend);
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 143);
      assert.deepEqual(await leftovers(ready.runId, ready.runDir), []);
    });

    it('reaps what a killed harness process left', async function () {
      this.timeout(180_000);
      const { child, ready } = await harnessWithCluster(backend);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      assert.ok((await leftovers(ready.runId, ready.runDir)).length > 1, 'the killed harness left its cluster running');
      const reaped = await reapLeftovers();
      assert.ok(reaped.removed.some((r) => r.startsWith(ready.runId)), JSON.stringify(reaped));
      assert.deepEqual(await leftovers(ready.runId, ready.runDir), []);
    });
  });
}

