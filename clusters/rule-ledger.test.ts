import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appendLineDurable } from '../core/atomic-file.ts';
import { selfIdentity } from '../core/process-identity.ts';
import { IptablesLoss } from './iptables-loss.ts';
import type { ProxyRef } from './links.ts';
import { replayLedger, RuleLedger, sweepRuleLedgers, type LedgerRule, type NamespaceNow, type RuleTools } from './rule-ledger.ts';

/** iptables in containers' namespaces, kept in memory: a rule is its `-t table` and its arguments. */
class FakeNamespaces {
  readonly #ns = new Map<string, { pid: number; startedAt: string; rules: string[] }>();
  failDeletes = false;
  beforeInsert?: (rule: string[]) => void;
  #pid = 100;

  constructor(containers: string[]) {
    for (const c of containers) this.#ns.set(c, { pid: ++this.#pid, startedAt: 't0', rules: [] });
  }

  readonly tools: RuleTools = {
    inspect: async (c): Promise<NamespaceNow | undefined> => {
      const n = this.#ns.get(c);
      return n && { id: c, name: c, running: true, pid: n.pid, startedAt: n.startedAt };
    },
    iptables: async (pid, args) => {
      const n = [...this.#ns.values()].find((x) => x.pid === pid);
      if (!n) throw Object.assign(new Error('nsenter: no such process'), { code: 1 });
      const [, table, op, ...rule] = args;
      const text = `${table} ${rule.join(' ')}`;
      if (op === '-A') {
        this.beforeInsert?.(rule);
        n.rules.push(text);
      } else if (op === '-C') {
        if (!n.rules.includes(text)) throw Object.assign(new Error('Bad rule'), { code: 1 });
      } else if (op === '-D') {
        if (this.failDeletes) throw Object.assign(new Error('failed'), { code: 4, stderr: 'permission denied' });
        if (!n.rules.includes(text)) throw Object.assign(new Error('Bad rule'), { code: 1 });
        n.rules.splice(n.rules.indexOf(text), 1);
      }
    },
  };

  rules(c: string): string[] {
    return this.#ns.get(c)!.rules;
  }

  add(c: string, rule: string): void {
    this.#ns.get(c)!.rules.push(rule);
  }

  /** A fresh namespace: the container started again. */
  restart(c: string): void {
    this.#ns.set(c, { pid: ++this.#pid, startedAt: `t${this.#pid}`, rules: [] });
  }

  ledgerName(dir: string): string {
    return readdirSync(dir).find((f) => f.endsWith('.rules.ndjson')) ?? '';
  }
}

const backend = {
  serverInfo: (name: string) => ({ container: `c-${name}`, region: name.split('-')[0]!, ip: `10.0.1.${name.endsWith('1') ? 1 : 2}` }),
  regionProxies: new Map([['iad', { container: 'c-toxiproxy-iad', ips: { iad: '10.0.0.9', lhr: '10.0.1.9' } }]]),
};
const refs = [{ name: 'iad-to-lhr-1', from: 'iad', to: 'lhr-1', toRegion: 'lhr', listen: '', client: undefined as never }] satisfies ProxyRef[];

const rule = (id: string, container = 'c1'): LedgerRule => ({ id, ns: { container, name: container, startedAt: 't0' }, table: 'filter', rule: ['INPUT', '-s', '10.0.0.1', '-m', 'comment', '--comment', `brownout-loss:${id}`, '-j', 'DROP'] });
const deadOwner = { pid: 2 ** 22 + 7, startTime: 1, exe: '/usr/bin/node' };

describe('clusters rule ledger', () => {
  let dir = '';
  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-rules-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rule ledger - replay: an added rule stays open until its removed line; a torn last line is skipped', () => {
    const add = (id: string) => JSON.stringify({ op: 'add', runId: 'r', owner: deadOwner, at: '', ...rule(id) });
    const cases: [string, string[]][] = [
      ['', []],
      [[add('a'), add('b')].join('\n'), ['a', 'b']],
      [[add('a'), JSON.stringify({ op: 'removed', id: 'a', how: 'deleted', at: '' }), add('b')].join('\n'), ['b']],
      [[add('a'), '{"op":"add","id":"b","ns'].join('\n'), ['a']],
    ];
    for (const [text, open] of cases) assert.deepEqual(replayLedger(text).open.map((r) => r.id), open, text);
    assert.deepEqual(replayLedger(add('a')).owner, deadOwner);
  });

  it('rule ledger - one file per run and owner; the compose stack\'s id (compose:<project>) keeps to file-name characters', () => {
    assert.equal(path.basename(new RuleLedger('compose:brownout', deadOwner, dir).file), `compose_brownout.${deadOwner.pid}-1.rules.ndjson`);
    assert.equal(path.basename(new RuleLedger('20261205T0101-abc', deadOwner, dir).file), `20261205T0101-abc.${deadOwner.pid}-1.rules.ndjson`);
  });

  it('rule ledger - a sweep leaves a live owner\'s ledger alone', async () => {
    const ns = new FakeNamespaces(['c1']);
    const mine = new RuleLedger('run-live', selfIdentity(), dir);
    mine.record(rule('x'));
    ns.add('c1', `filter ${rule('x').rule.join(' ')}`);
    const r = await sweepRuleLedgers(dir, ns.tools);
    assert.deepEqual(r.removed, []);
    assert.match(r.skipped.join(), /run-live \(owner pid \d+ alive\)/);
    assert.equal(ns.rules('c1').length, 1);
  });

  it('rule ledger - a sweep takes out what a dead owner left, counts rules gone with their container, and removes the ledger', async () => {
    const ns = new FakeNamespaces(['c1']);
    const dead = new RuleLedger('run-dead', deadOwner, dir);
    dead.record(rule('1'));
    dead.record(rule('2', 'c-gone'));
    ns.add('c1', `filter ${rule('1').rule.join(' ')}`);
    const r = await sweepRuleLedgers(dir, ns.tools);
    assert.deepEqual(r.failed, []);
    assert.equal(r.removed.length, 2);
    assert.match(r.removed.join('\n'), /run-dead: iptables rule INPUT .* in c1 \(deleted\)/);
    assert.match(r.removed.join('\n'), /in c-gone \(gone\)/);
    assert.deepEqual(ns.rules('c1'), []);
    assert.equal(existsSync(dead.file), false);
  });

  it('rule ledger - a delete that fails is reported and the ledger kept for the next sweep', async () => {
    const ns = new FakeNamespaces(['c1']);
    const dead = new RuleLedger('run-dead', deadOwner, dir);
    dead.record(rule('1'));
    ns.add('c1', `filter ${rule('1').rule.join(' ')}`);
    ns.failDeletes = true;
    const r = await sweepRuleLedgers(dir, ns.tools);
    assert.equal(r.failed.length, 1);
    assert.match(r.failed[0]!, /^run-dead: iptables -D filter INPUT .* in c1 failed \(exit 4: permission denied\)/);
    assert.ok(existsSync(dead.file));
    ns.failDeletes = false;
    assert.equal((await sweepRuleLedgers(dir, ns.tools)).removed.length, 1);
    assert.equal(existsSync(dead.file), false);
  });

  it('rule ledger - a line is appended whole, so the ledger names its owner from the first line on', () => {
    const file = path.join(dir, 'r.x.rules.ndjson');
    appendLineDurable(file, JSON.stringify({ op: 'add', runId: 'r', owner: deadOwner, at: '', ...rule('1') }));
    assert.deepEqual(replayLedger(readFileSync(file, 'utf8')).owner, deadOwner);
  });
});

describe('clusters iptables loss ledger', () => {
  let dir = '';
  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-iptables-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('iptables loss - every rule is in the ledger before it goes in, and the ledger goes once every rule is out', async () => {
    const ns = new FakeNamespaces(['c-toxiproxy-iad', 'c-lhr-1']);
    const loss = new IptablesLoss(backend, 'run-a', ns.tools, dir);
    let ledger = '';
    ns.beforeInsert = (rule) => {
      ledger = readFileSync(path.join(dir, ns.ledgerName(dir)), 'utf8');
      assert.ok(ledger.includes(JSON.stringify(rule.slice(0, 3)).slice(1, -1)), `rule ${rule.join(' ')} inserted before it was in the ledger`);
    };
    const h = await loss.apply(refs, 0.3, 'proxy');
    assert.equal(ns.rules('c-toxiproxy-iad').length, 2);
    await loss.dropUnknownConnections(['lhr-1']);
    assert.equal(ns.rules('c-lhr-1').length, 1);
    await h.revert();
    assert.equal(ns.rules('c-toxiproxy-iad').length, 0);
    assert.equal(ns.rules('c-lhr-1').length, 1, 'the firewall outlives the loss it came with');
    await loss.release();
    assert.equal(ns.rules('c-lhr-1').length, 0, 'release takes the firewall out');
    assert.equal(existsSync(path.join(dir, ns.ledgerName(dir) || 'none')), false, 'the ledger is gone once every rule is out');
  });

  it('iptables loss - a DNS outage is one REJECT to the container resolver per server, in the ledger first, all out on revert', async () => {
    const ns = new FakeNamespaces(['c-lhr-1']);
    const loss = new IptablesLoss(backend, 'run-e', ns.tools, dir);
    ns.beforeInsert = (rule) => {
      assert.ok(readFileSync(path.join(dir, ns.ledgerName(dir)), 'utf8').includes(JSON.stringify(rule.slice(0, 3)).slice(1, -1)), `rule ${rule.join(' ')} inserted before it was in the ledger`);
    };
    const outage = await loss.refuseNameLookups(['lhr-1']);
    assert.deepEqual(outage.rules.map((r) => [r.server, r.namespace]), [['lhr-1', 'c-lhr-1']]);
    assert.match(outage.rules[0]!.rule, /^iptables -A OUTPUT -d 127\.0\.0\.11 -m comment --comment brownout-dns:\S+ -j REJECT$/);
    assert.equal(ns.rules('c-lhr-1').length, 1);
    await outage.revert();
    assert.deepEqual(ns.rules('c-lhr-1'), []);
    assert.equal(existsSync(path.join(dir, ns.ledgerName(dir) || 'none')), false, 'the ledger is gone once the rule is out');
  });

  it('iptables loss - a failed delete is reported, naming the rule, and the rule stays in the ledger', async () => {
    const ns = new FakeNamespaces(['c-toxiproxy-iad']);
    const loss = new IptablesLoss(backend, 'run-b', ns.tools, dir);
    const h = await loss.apply(refs, 0.3, 'proxy');
    ns.failDeletes = true;
    await assert.rejects(h.revert(), /could not remove 2 iptables rule\(s\): iptables -D filter INPUT -s 10\.0\.1\.1 .* in c-toxiproxy-iad failed \(exit 4: permission denied\)/);
    const ledger = readFileSync(path.join(dir, ns.ledgerName(dir)), 'utf8');
    assert.equal(ledger.split('\n').filter((l) => l.includes('"op":"add"')).length, 2);
    assert.equal(ledger.includes('"op":"removed"'), false);
    ns.failDeletes = false;
    await loss.release();
    assert.equal(ns.rules('c-toxiproxy-iad').length, 0, 'release retries what a revert could not remove');
  });

  it('iptables loss - a container started again since the rule went in holds nothing of ours: nothing is deleted there', async () => {
    const ns = new FakeNamespaces(['c-toxiproxy-iad']);
    const loss = new IptablesLoss(backend, 'run-c', ns.tools, dir);
    const h = await loss.apply(refs, 0.3, 'proxy');
    ns.restart('c-toxiproxy-iad');
    ns.add('c-toxiproxy-iad', 'someone-else');
    await h.revert();
    assert.deepEqual(ns.rules('c-toxiproxy-iad'), ['someone-else']);
  });

  it('iptables loss - two cluster objects of one run in one process share the ledger: one letting go keeps the other\'s rules in it', async () => {
    const ns = new FakeNamespaces(['c-toxiproxy-iad', 'c-lhr-1']);
    const first = new IptablesLoss(backend, 'run-d', ns.tools, dir);
    const second = new IptablesLoss(backend, 'run-d', ns.tools, dir);
    await first.dropUnknownConnections(['lhr-1']);
    await second.dropUnknownConnections(['lhr-1']);
    const [a, b] = ns.rules('c-lhr-1');
    assert.notEqual(a, b, 'each rule carries an id of its own');
    await first.release();
    assert.deepEqual(ns.rules('c-lhr-1'), [b]);
    const ledger = path.join(dir, ns.ledgerName(dir));
    assert.equal(replayLedger(readFileSync(ledger, 'utf8')).open.length, 1, 'the second object\'s rule is still in the ledger');
    await second.release();
    assert.equal(existsSync(ledger), false);
  });
});
