import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import { attachCluster, listStates, readState, type ClusterState } from '../clusters/index.ts';
import { ToxiproxyClient } from '../clusters/toxiproxy-client.ts';
import { BadInputError } from '../core/errors.ts';
import { REPO_ROOT, RUNS_DIR } from '../core/layout.ts';
import { chaos } from '../harness/cli/chaos.ts';
import { gate, planGate } from '../harness/cli/gate.ts';
import { clusterDown } from '../harness/cli/cluster.ts';
import { dockerAvailable } from '../clusters/docker-resources.ts';
import { skipBecause } from './support/skip.ts';
import { planRun, runOnCluster } from '../harness/run/index.ts';
import type { FaultRecord, TimelineRecord } from '../harness/timeline/records.ts';
import { leftovers } from './clusters-shared.ts';
import { ensureBuilt } from './support/build.ts';
import { runScript } from './support/run-script.ts';

const runDirs = () => new Set(existsSync(RUNS_DIR) ? readdirSync(RUNS_DIR) : []);
const readTimeline = (runDir: string): TimelineRecord[] =>
  readFileSync(path.join(runDir, 'timeline.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TimelineRecord);

describe('run plan', function () {
  this.timeout(300_000);

  it('plan - a bad scenario and override report every problem, with paths, before any server starts', async () => {
    const before = { dirs: runDirs(), states: listStates().map((s) => s.runId) };
    const err = await chaos({
      scenario: 'partition', backend: 'local', regions: 'iad,IAD', servers: 0, threshold: ['statsz.nonsense=1', 'recovery.maxSeconds=-3'],
      write: () => assert.fail('nothing is printed for bad input'),
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof BadInputError, String(err));
    const text = err.problems.join('\n');
    for (const p of ['topology.regions[1].name', 'topology.regions[0].servers', 'thresholds.statsz.nonsense', 'thresholds.recovery.maxSeconds']) {
      assert.ok(text.includes(`${p}: `), `no problem at ${p}:\n${text}`);
    }
    assert.deepEqual([...runDirs()].filter((d) => !before.dirs.has(d)), [], 'no run folder was made');
    assert.deepEqual(listStates().map((s) => s.runId), before.states, 'no cluster state was written');
  });

  for (const backend of ['local', 'docker'] as const) {
    describe(`on a ${backend} cluster started by npm run cluster -- up`, () => {
      const up = { state: undefined as ClusterState | undefined };
      before(async function () {
        this.timeout(600_000);
        if (backend === 'docker' && !(await dockerAvailable())) {
          if (process.env.CI) throw new Error('no Docker engine answers (CI needs one)');
          skipBecause(this, 'no Docker engine answers');
        }
        await ensureBuilt();
        up.state = clusterUp(backend);
      });
      after(async function () {
        this.timeout(120_000);
        if (!up.state) return;
        await clusterDown({ run: up.state.runId }, () => {});
        assert.deepEqual(await leftovers(up.state.runId, up.state.runDir), []);
      });
      it(`plan - runOnCluster plays a scenario on the attached ${backend} cluster, ids its faults, reverts them and leaves the cluster running`, async () => {
        await runOnAttached(up.state!);
      });
      if (backend === 'local') {
        it('plan - chaos --attach runs a scenario on it and serves /metrics at the printed address while it runs', async () => {
          await chaosAttachServesMetrics(up.state!);
        });
        it('plan - gate --attach judges the build the attached cluster runs, and refuses another variant before anything starts', async () => {
          await gateOnAttached(up.state!);
        });
      }
    });
  }
});

/** `npm run cluster -- up` as a user runs it: 3 regions × 1 server, left running. */
function clusterUp(backend: 'local' | 'docker'): ClusterState {
  const runId = `runplan-${backend}-${process.pid}`;
  const up = runScript('harness/cli/main.ts', ['cluster', 'up', '--regions', 'iad,lhr,syd', '--servers', '1', '--backend', backend,
    '--ping-interval', '1s', '--ping-max', '2', '--run-id', runId, '--metrics-port', '0'], process.env, 300_000);
  assert.equal(up.status, 0, up.stderr);
  assert.match(up.stdout, /metrics: http:\/\/127\.0\.0\.1:\d+\/metrics/, 'cluster up prints where it serves /metrics');
  const state = readState(runId);
  assert.ok(state?.detached, up.stdout + up.stderr);
  return state;
}

async function toxicsLeft(state: ClusterState): Promise<unknown[]> {
  const apis = state.local ? [state.local.toxiproxy.apiUrl] : Object.values(state.docker!.toxiproxyApis);
  const all = await Promise.all(apis.map((a) => new ToxiproxyClient(a).proxies()));
  return all.flatMap((ps) => Object.values(ps).flatMap((p) => [...p.toxics, ...(p.enabled ? [] : [`${p.name} disabled`])]));
}

async function runOnAttached(state: ClusterState): Promise<void> {
  const cluster = await attachCluster(state.runId);
  const plan = planRun({
    scenario: { source: 'test', input: {
      name: 'attach-check', description: 'latency then a restart, on an attached cluster', topology: state.topology,
      steps: [
        { name: 'baseline', holdSeconds: 2 },
        { name: 'latency into lhr', fault: { type: 'latency', to: 'lhr', latencyMs: 50 }, holdSeconds: 3 },
        { name: 'restart syd', fault: { type: 'restart', region: 'syd', count: 1 }, holdSeconds: 4 },
      ],
      settleSeconds: 4, detectors: ['recovery.noneStuck'],
    } },
    attached: { runId: state.runId, topology: state.topology, backend: state.backend }, seed: 3,
  });
  const r = await runOnCluster(plan, cluster, { registry: new Registry() });
  await cluster.stop(); // lets go: an attached cluster is not ours to stop
  assert.equal(r.incomplete, false, r.error);
  assert.equal(r.attachedTo, state.runId);
  const faults = readTimeline(r.runDir).filter((x): x is FaultRecord => x.kind === 'fault');
  assert.deepEqual(faults.map((f) => [f.id, f.step, f.fault, f.phase]), [
    ['f1', 1, 'latency', 'applied'], ['f1', 1, 'latency', 'reverted'], ['f2', 2, 'restart', 'applied'], ['f2', 2, 'restart', 'reverted'],
  ]);
  assert.ok(readState(state.runId)?.detached, 'still a cluster left running by cluster up');
  assert.deepEqual(await toxicsLeft(state), [], 'no toxic or disabled proxy left behind');
  const again = await attachCluster(state.runId);
  assert.equal((await again.meshStatus()).complete, true, 'still fully meshed');
  await again.stop();
}

async function chaosAttachServesMetrics(state: ClusterState): Promise<void> {
  const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const child = spawn(process.execPath, [tsx, 'harness/cli/main.ts', 'chaos', 'partition', '--attach', state.runId, '--seed', '5', '--metrics-port', '0'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let body = '';
  const deadline = Date.now() + 90_000;
  while (!/brownout_gateway_connections_up\{/.test(body)) {
    if (Date.now() > deadline) {
      child.kill('SIGINT');
      assert.fail(`no brownout_ series at the printed /metrics address within 90000ms; output:\n${out}\nlast body:\n${body}`);
    }
    const url = /metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(out)?.[1];
    if (url) body = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((res) => res.text(), () => '');
    await new Promise((res) => setTimeout(res, 500));
  }
  const code = await Promise.race([exited, new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), 120_000))]);
  if (code === 'timeout') child.kill('SIGINT');
  assert.equal(code, 0, out);
  assert.match(out, new RegExp(`attached to ${state.runId}`));
  assert.equal(readState(state.runId)?.detached, true, 'the attached cluster is still there');
  const left = spawnSync('pgrep', ['-af', state.runDir], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
  assert.equal(left.length, 4, `three servers and toxiproxy still run:\n${left.join('\n')}`);
}

async function gateOnAttached(state: ClusterState): Promise<void> {
  const lines: string[] = [];
  assert.throws(() => planGate({ attach: state.runId, variant: 'stock' }), (e: unknown) => e instanceof BadInputError
    && e.problems.some((p) => p.startsWith('--variant: leave it out with --attach') && /runs v2\.10\.14\+brownout/.test(p)));
  const r = await gate({ attach: state.runId, scenarios: ['partition'], seed: 2, write: (l) => lines.push(l) });
  assert.equal(r.runs.length, 1);
  assert.equal(r.runs[0]!.attachedTo, state.runId);
  assert.equal(r.runs[0]!.variant, state.topology.variant);
  assert.equal(r.pass, true, lines.join('\n'));
  assert.match(lines.join('\n'), /release gate for v2\.10\.14\+brownout: PASS/);
  assert.ok(readState(state.runId)?.detached, 'the cluster is still left running');
}
