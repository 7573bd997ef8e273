import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dockerAvailable } from '../clusters/docker-resources.ts';
import { runScenario, type RunResult } from '../harness/run/execute-plan.ts';
import { ensureBuilt } from './support/build.ts';
import { skipBecause } from './support/skip.ts';

// packet-loss on the docker backend: real IP-level loss (iptables statistic in the Toxiproxy
// namespaces), the remote region stalled and restarted behind total loss and a stateful firewall, server
// defaults otherwise (no gateway authorization timeout stand-in). Stock must stay stuck after the
// heal, patched must recover, and the timeline must show the loss that was applied.
// Both builds run at once on a small topology (3 regions × 1 server) to keep it near two minutes.

interface FaultRecord {
  kind: 'fault';
  fault: string;
  phase: string;
  attributes?: Record<string, unknown>;
}

type Rule = { namespace: string; chain: string; peer: string; peerName: string; probability: number };

function result(r: RunResult, name: string) {
  const t = r.verdict.results.find((x) => x.name === name);
  assert.ok(t, `${name} is not in the verdict of ${r.variant} (${r.verdict.results.map((x) => x.name).join(', ')})`);
  return t;
}

function appliedLoss(r: RunResult): FaultRecord[] {
  return readFileSync(path.join(r.runDir, 'timeline.ndjson'), 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as { kind: string })
    .filter((x): x is FaultRecord => x.kind === 'fault' && (x as FaultRecord).fault === 'packet-loss' && (x as FaultRecord).phase === 'applied');
}

describe('packet-loss on docker: real IP-level loss', function () {
  this.timeout(600_000);
  let stock: RunResult;
  let patched: RunResult;

  before(async function () {
    if (!(await dockerAvailable())) {
      if (process.env.CI) throw new Error('CI is set but no Docker engine answers: the docker packet-loss test cannot run');
      skipBecause(this, 'no Docker engine answers (set CI to make this a failure)');
    }
    const built = await ensureBuilt();
    const run = (variant: string) => runScenario({
      scenario: 'packet-loss', variant, backend: 'docker', seed: 1, topology: { regions: ['iad', 'lhr', 'syd'], servers: 1 },
    });
    // Run ids are stamped to the second: start the second run in the next one.
    [stock, patched] = await Promise.all([run(built.stock), sleep(1500).then(() => run(built.patched))]);
    for (const r of [stock, patched]) process.stdout.write(`      ${r.variant}: ${r.runDir}/summary.md\n`);
  });

  it('packet-loss docker - stock v2.10.14 stays stuck after the heal: recovery.noneStuck fails on gateways', () => {
    assert.equal(stock.incomplete, false, stock.error);
    assert.equal(stock.backend, 'docker');
    const t = result(stock, 'recovery.noneStuck');
    assert.equal(t.pass, false, `noneStuck passed on stock: ${t.observed}`);
    assert.ok(t.evidence.some((e) => /gateway/.test(e)), `no stuck gateway in the evidence: ${t.evidence.join(' | ')}`);
    assert.equal(stock.verdict.pass, false);
  });

  it('packet-loss docker - the patched build recovers: recovery.noneStuck, recovery.maxSeconds and every guard pass', () => {
    assert.equal(patched.incomplete, false, patched.error);
    for (const name of ['recovery.noneStuck', 'recovery.maxSeconds']) {
      const t = result(patched, name);
      assert.equal(t.pass, true, `${name} failed on patched: ${t.observed}: ${t.evidence.join(' | ')}`);
    }
    const failed = patched.verdict.results.filter((x) => !x.pass).map((x) => `${x.name}: ${x.observed}`);
    assert.deepEqual(failed, [], 'the patched build fails nothing: the restarted servers keep their addresses, so probe clients reconnect');
  });

  it('packet-loss docker - the timeline records the IP loss applied: model, probability, rules, restart behind total loss', () => {
    for (const r of [stock, patched]) {
      const faults = appliedLoss(r);
      assert.equal(faults.length, 2, `${r.variant}: ${faults.length} packet-loss faults applied`);
      for (const f of faults) {
        const a = f.attributes ?? {};
        assert.equal(a.model, 'ip-loss');
        assert.equal(a.probability, 0.5);
        assert.equal(a.flapEverySeconds, undefined, 'Toxiproxy-model attributes are left out of an ip-loss record');
        const rules = a.rules as Rule[];
        assert.ok(rules.length >= 4, `${rules.length} rules`);
        for (const rule of rules) {
          assert.equal(rule.probability, 0.5);
          assert.match(rule.namespace, /-toxiproxy-(iad|lhr|syd)$/);
          assert.match(rule.peer, /^\d+\.\d+\.\d+\.\d+$/);
        }
        assert.deepEqual(new Set(rules.map((x) => x.chain)), new Set(['INPUT', 'OUTPUT']));
        const restart = a.restart as { servers: string[]; totalLossRules: Rule[]; firewall: { rules: { server: string; rule: string }[] } };
        assert.ok(restart.servers.length > 0);
        assert.deepEqual(restart.firewall.rules.map((x) => x.server), restart.servers);
        for (const x of restart.firewall.rules) assert.match(x.rule, /! --syn -m conntrack --ctstate NEW,INVALID .*-j DROP/);
        assert.ok(restart.totalLossRules.length > 0 && restart.totalLossRules.every((x) => x.probability === 1));
      }
    }
  });
});
