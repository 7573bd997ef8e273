import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { docker, LABEL_RUN } from '../clusters/docker-resources.ts';
import { attachCluster, parseTopology, reapLeftovers, startCluster, type StartedCluster } from '../clusters/index.ts';
import { RuleLedger, ruleLedgersDir } from '../clusters/rule-ledger.ts';
import { DEFAULT_NATS_TAG, REPO_ROOT } from '../core/layout.ts';
import { requireDockerEngine } from './support/docker-engine.ts';

// iptables rules in a docker cluster that outlives the run that placed them (`cluster up`, the
// compose stack): a run that lets go of the cluster takes its loss and its firewall out; after a
// SIGKILL, the next start's reaper (and `clean`, the same sweep) takes out what the ledger says is
// left; a delete that fails is reported, and the ledger kept. Checked in the namespaces themselves.

/** Every brownout rule in the run's containers' namespaces, as `container: rule`. */
async function brownoutRules(runId: string): Promise<string[]> {
  const out: string[] = [];
  for (const c of await docker().listContainers({ filters: JSON.stringify({ label: [`${LABEL_RUN}=${runId}`] }) })) {
    const pid = (await docker().getContainer(c.Id).inspect()).State.Pid;
    const rules = execFileSync('nsenter', ['-t', String(pid), '-n', 'iptables', '-w', '5', '-S'], { encoding: 'utf8' });
    out.push(...rules.split('\n').filter((l) => l.includes('brownout-')).map((l) => `${c.Names[0]!.replace(/^\//, '')}: ${l}`));
  }
  return out;
}

const ledgersOf = (runId: string) => (existsSync(ruleLedgersDir()) ? readdirSync(ruleLedgersDir()) : []).filter((f) => f.startsWith(`${runId}.`) && f.endsWith('.rules.ndjson'));

async function until<T>(what: string, deadlineMs: number, get: () => T | undefined): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what} not seen after ${deadlineMs}ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('rule ledger on docker: iptables rules in a cluster that outlives its run', function () {
  this.timeout(300_000);
  let cluster: StartedCluster | undefined;
  let runId = '';

  before(async function () {
    await requireDockerEngine(this);
    cluster = await startCluster(parseTopology({ variant: DEFAULT_NATS_TAG, regions: [{ name: 'iad', servers: 1 }, { name: 'lhr', servers: 1 }] }), { backend: 'docker' });
    runId = cluster.runId;
    // Left up as by `cluster up`, so that other processes attach to it.
    cluster.detach();
  });

  after(async () => {
    await cluster?.stop();
    for (const f of ledgersOf(runId)) rmSync(path.join(ruleLedgersDir(), f), { force: true });
  });

  it('rule ledger docker - a run that lets go of the attached cluster takes out its loss and its firewall, and its ledger', async () => {
    const a = await attachCluster(runId, { meshDeadlineMs: 0 });
    const loss = await a.links.packetLoss({ to: 'lhr' }, 0.3, { at: 'proxy' });
    await a.links.dropUnknownConnections(['lhr-1']);
    const placed = await brownoutRules(runId);
    assert.equal(placed.filter((r) => r.includes('brownout-loss')).length, 2, placed.join('\n'));
    assert.equal(placed.filter((r) => r.includes('brownout-firewall')).length, 1, placed.join('\n'));
    const ledgersWhileIn = ledgersOf(runId).length;
    await loss.revert();
    assert.deepEqual((await brownoutRules(runId)).map((r) => r.replace(/:.*/, '')), [`brownout-${runId}-lhr-1`], 'the heal leaves the firewall');
    await a.stop();
    assert.deepEqual(await brownoutRules(runId), [], 'rules left after the run let go of the cluster');
    assert.equal(ledgersWhileIn, 1, 'a ledger while rules were in');
    assert.deepEqual(ledgersOf(runId), [], 'the ledger goes with the last rule');
  });

  it('rule ledger docker - after a SIGKILL, the start-of-run reaper takes out what the killed run left, and leaves the cluster up', async () => {
    // node itself, not the tsx wrapper: the pid killed is the harness's own.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test', 'rule-ledger-fixture.ts'), runId], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = new Promise((r) => child.once('exit', r));
    try {
      await until('READY from the harness that places the rules', 120_000, () => (out.includes('READY') ? true : child.exitCode !== null ? (() => { throw new Error(`the harness exited: ${out}`); })() : undefined));
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
    child.kill('SIGKILL');
    await exited;
    const left = await brownoutRules(runId);
    assert.equal(left.length, 3, `the killed run left its 2 loss rules and its firewall: ${left.join('\n')}`);
    assert.equal(ledgersOf(runId).length, 1, 'the killed run left its ledger');
    const reaped = await reapLeftovers();
    assert.deepEqual(reaped.failed, []);
    assert.equal(reaped.removed.filter((r) => r.startsWith(`${runId}: iptables rule`) && r.endsWith('(deleted)')).length, 3, reaped.removed.join('\n'));
    assert.deepEqual(await brownoutRules(runId), [], 'rules left after the sweep');
    assert.deepEqual(ledgersOf(runId), [], 'the ledger goes once every rule is out');
    // Its owner is this process (alive): the reaper leaves the cluster and says nothing of it.
    assert.deepEqual(reaped.removed.filter((r) => r.startsWith(`${runId}:`) && !r.includes('iptables rule')), [], 'the cluster itself, left up on purpose, is not reaped');
    await cluster!.waitForMesh(30_000);
  });

  it('rule ledger docker - a delete that fails is reported with iptables\' reason, and the ledger kept for the next sweep', async () => {
    const c = (await docker().listContainers({ filters: JSON.stringify({ label: [`${LABEL_RUN}=${runId}`] }) })).find((x) => x.Names[0]!.endsWith('toxiproxy-iad'))!;
    const st = await docker().getContainer(c.Id).inspect();
    // A dead owner's ledger naming a table this kernel does not have: iptables refuses for real.
    const ledger = new RuleLedger(runId, { pid: 2 ** 22 + 11, startTime: 1, exe: '/usr/bin/node' });
    ledger.record({ id: 'x.1', ns: { container: st.Id, name: st.Name.slice(1), startedAt: st.State.StartedAt }, table: 'brownoutnosuch', rule: ['INPUT', '-j', 'DROP'] });
    const reaped = await reapLeftovers();
    const failed = reaped.failed.filter((f) => f.startsWith(`${runId}:`));
    assert.equal(failed.length, 1, reaped.failed.join('\n'));
    assert.match(failed[0]!, /iptables -C brownoutnosuch INPUT -j DROP in .*toxiproxy-iad failed \(exit 3: .*does not exist/);
    assert.ok(existsSync(ledger.file), 'the ledger stays for the next sweep');
    rmSync(ledger.file);
  });
});
