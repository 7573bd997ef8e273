// The end of a rollout on real servers (local backend): the final phase a client sees comes after
// the teardown (nothing of the rollout's cluster runs by then); a controller SIGTERMed during the
// teardown finishes it before it exits; the controller that boots a rollout's cluster, and the one
// that resumes it after a kill, is recorded as the cluster's owner.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readState, runProcesses, type ClusterState } from '../clusters/index.ts';
import { EXIT } from '../core/errors.ts';
import { silentProgress } from '../core/progress.ts';
import { rolloutStart } from '../harness/cli/rollout.ts';
import { RolloutController } from '../harness/rollout/controller/controller.ts';
import type { RolloutState } from '../harness/rollout-model/index.ts';
import { serveCommand } from '../harness/rollout/grpc/client.ts';
import { readControllerFile, writeControllerFile } from '../harness/rollout/grpc/controller-file.ts';
import { serveRollouts } from '../harness/rollout/grpc/server.ts';
import { ensureBuilt, type Built } from './support/build.ts';
import { runScript } from './support/run-script.ts';

async function until<T>(what: string | (() => string), get: () => T | undefined | false, ms: number, everyMs = 100): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${typeof what === 'string' ? what : what()}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const playbook = (built: Built, soakSeconds: number) => `
name: teardown
cluster:
  backend: local
  topology: { regions: [ { name: iad, servers: 1 }, { name: lhr, servers: 1 } ], ping: { interval: 1s, max: 2 } }
baseline: ${built.stock}
target: ${built.patched}
seed: 3
stages:
  - { kind: canary, server: iad-1, upgrade: { lameDuck: { enabled: false } }, soakSeconds: ${soakSeconds}, gates: [ { threshold: recovery.noneStuck } ] }
`;

describe('rollout teardown (real servers, local backend)', function () {
  this.timeout(300_000);
  let built: Built;
  let runs: string;
  const children: ChildProcess[] = [];
  before(async () => { built = await ensureBuilt(); });
  beforeEach(() => { runs = mkdtempSync(path.join(os.tmpdir(), 'brownout-rollout-teardown-')); });
  afterEach(() => {
    for (const ch of children) if (ch.exitCode === null && ch.signalCode === null) ch.kill('SIGKILL');
    for (const pid of runProcesses(runs)) process.kill(pid, 'SIGKILL');
    rmSync(runs, { recursive: true, force: true });
  });

  it('rollout teardown - `rollout start` returns on SUCCEEDED only after the rollout\'s cluster is gone', async () => {
    const c = new RolloutController({ progress: silentProgress, runsDir: runs });
    const served = await serveRollouts(c);
    const file = path.join(runs, '.controller.json');
    writeControllerFile(file, { address: served.address, port: served.port, token: served.token, pid: process.pid, startedAt: '' });
    const pb = path.join(runs, 'teardown.yaml');
    writeFileSync(pb, playbook(built, 3));
    const lines: string[] = [];
    try {
      const code = await rolloutStart({ playbook: pb, controllerFile: file, write: (l) => lines.push(l), signal: new AbortController().signal });
      // At once, before anything else can happen: what the user sees when the command returns.
      const left = runProcesses(runs);
      const dir = readdirSync(runs).find((d) => d.includes('-rollout-'))!;
      const s = JSON.parse(readFileSync(path.join(runs, dir, 'rollout.json'), 'utf8')) as RolloutState;
      assert.equal(code, EXIT.pass, lines.join('\n'));
      assert.equal(s.phase, 'succeeded', s.message);
      assert.deepEqual(left, [], `processes of the rollout's cluster still running when the client saw SUCCEEDED: ${left.join(', ')}`);
      assert.equal(readState(s.cluster.runId!), undefined, 'the cluster\'s state file is gone');
      assert.ok(existsSync(path.join(s.runDir, 'summary.md')), 'reports written');
      assert.match(readFileSync(path.join(s.runDir, 'summary.md'), 'utf8'), /SUCCEEDED/);
      assert.equal(JSON.parse(readFileSync(path.join(s.runDir, 'rollout.json'), 'utf8')).ending, undefined);
    } finally {
      await served.close();
      await c.close();
    }
  });

  it('rollout teardown - the controller owns the cluster it boots and, after a SIGKILL, the one that resumes re-owns it; SIGTERM during the teardown finishes it', async () => {
    const env = { ...process.env, BROWNOUT_RUNS_DIR: runs };
    const serve = () => {
      const ch = spawn(process.execPath, [...serveCommand(), '--metrics-port', 'off'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: string[] = [];
      ch.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
      ch.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
      children.push(ch);
      return Object.assign(ch, { out });
    };
    const file = path.join(runs, '.controller.json');
    const state = (): RolloutState | undefined => {
      const dir = readdirSync(runs).find((d) => d.includes('-rollout-'));
      const f = dir && path.join(runs, dir, 'rollout.json');
      try {
        return f ? (JSON.parse(readFileSync(f, 'utf8')) as RolloutState) : undefined;
      } catch {
        return undefined;
      }
    };
    const clusterOf = (s: RolloutState): ClusterState | undefined => {
      try {
        return JSON.parse(readFileSync(path.join(runs, '.clusters', `${s.cluster.runId}.json`), 'utf8')) as ClusterState;
      } catch {
        return undefined;
      }
    };

    const first = serve();
    await until('the first controller answers', () => readControllerFile(file)?.pid === first.pid, 30_000);
    const pb = path.join(runs, 'teardown.yaml');
    writeFileSync(pb, playbook(built, 8));
    const started = await runScript('harness/cli/main.ts', ['rollout', 'start', pb, '--detach'], env, 60_000);
    assert.equal(started.status, 0, started.stdout + started.stderr);
    const soaking = await until('the canary soaks', () => { const s = state(); return s?.stages[0]?.soakStartedAt && s.cluster.runId ? s : undefined; }, 120_000);
    assert.equal(clusterOf(soaking)?.ownerPid, first.pid, 'the booting controller owns its cluster');
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));

    const second = serve();
    await until(() => `the resuming controller (pid ${second.pid}) owns the cluster (owner: ${clusterOf(soaking)?.ownerPid ?? 'no cluster state file'}; rollout ${state()?.phase})`, () => clusterOf(soaking)?.ownerPid === second.pid, 60_000);
    // The teardown has begun (the final phase is decided, not yet shown): stop the controller now.
    const ending = await until(() => `the rollout reaches its teardown (${state()?.phase}; ${second.out.join('').slice(-400)})`, () => { const s = state(); return s?.ending ? s : undefined; }, 120_000, 20);
    assert.equal(ending.phase, 'progressing', 'the final phase is shown only after the teardown');
    second.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => second.once('exit', (c) => r(c)));
    assert.equal(code, 0, second.out.join(''));
    const end = state()!;
    assert.equal(end.phase, 'succeeded', `${end.message}\n${second.out.join('')}`);
    assert.equal(end.ending, undefined);
    assert.deepEqual(runProcesses(runs), [], 'no server or proxy of the rollout is left');
    assert.equal(existsSync(path.join(runs, '.clusters', `${soaking.cluster.runId}.json`)), false, 'the cluster state file is gone');
  });
});
