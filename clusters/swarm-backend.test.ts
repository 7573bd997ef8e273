import assert from 'node:assert/strict';
import { freePortBlock, placementOf, swarmName, swarmPorts, SWARM_PORT_BLOCKS } from './swarm-backend.ts';
import { engineOptions, swarmAddresses } from './swarm-engines.ts';
import { lddPaths } from './iptables-image.ts';
import { helperContainerOptions, ledgerRuleTools, lossPath } from './swarm-loss-tools.ts';
import { removeRule, type LedgerRule, type RuleTools } from './rule-ledger.ts';

describe('clusters swarm backend (pure parts)', () => {
  it('swarm - IP loss: nsenter for a local engine, the helper container for a remote one or when forced', () => {
    assert.equal(lossPath(true, {}), 'nsenter');
    assert.equal(lossPath(false, {}), 'helper');
    assert.equal(lossPath(true, { BROWNOUT_SWARM_LOSS: 'helper' }), 'helper');
    const o = helperContainerOptions('img', 'abc', ['-t', 'filter', '-A', 'INPUT'], 'r1');
    assert.deepEqual(o.HostConfig, { NetworkMode: 'container:abc', CapDrop: ['ALL'], CapAdd: ['NET_ADMIN'], Privileged: false, Binds: [], Mounts: [] });
    assert.deepEqual(o.Cmd, ['-w', '5', '-t', 'filter', '-A', 'INPUT']);
    assert.equal(o.Labels?.['brownout.run'], 'r1');
  });
  it('swarm - a crash sweep reaches a swarm task\'s rule through the engine its ledger line names: the host\'s tools for a rule without one; an engine socket that is gone took its containers (and the rule) with it', async () => {
    const host: RuleTools = { inspect: async () => { throw new Error('host engine asked'); }, iptables: async () => { throw new Error('host iptables asked'); } };
    const toolsFor = ledgerRuleTools('t', host);
    const rule = (engine?: string): LedgerRule => ({ id: '1', ns: { container: 'node1/c1', name: 'x', startedAt: 's', ...(engine ? { engine } : {}) }, table: 'filter', rule: ['INPUT', '-j', 'DROP'] });
    assert.equal(toolsFor(rule()), host);
    assert.equal(await removeRule(toolsFor(rule('unix:///run/brownout-no-such-engine.sock')), rule('unix:///run/brownout-no-such-engine.sock')), 'gone');
    assert.equal(toolsFor(rule('unix:///a.sock')), toolsFor(rule('unix:///a.sock')), 'one set of tools per engine');
  });
  it('swarm - the helper image takes every library ldd lists (not the vdso)', () => {
    const text = '\tlinux-vdso.so.1 (0x00007ff)\n\tlibxtables.so.12 => /lib/x86_64-linux-gnu/libxtables.so.12 (0x1)\n\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x2)\n\t/lib64/ld-linux-x86-64.so.2 (0x3)\n';
    assert.deepEqual(lddPaths(text), ['/lib/x86_64-linux-gnu/libxtables.so.12', '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']);
  });
  it('swarm - a labeled region is constrained to its nodes; an unlabeled one spreads', () => {
    assert.deepEqual(placementOf('iad', new Set(['iad'])), ['node.labels.brownout.region==iad']);
    assert.deepEqual(placementOf('syd', new Set(['iad'])), []);
  });
  it('swarm - port blocks: per server and per run, the first free block from the run\'s start', () => {
    const p = swarmPorts(2);
    assert.deepEqual([p.client(0), p.monitor(5), p.proxyApi(1)], [30200, 33205, 36201]);
    assert.equal(freePortBlock(new Set(), 7), 7);
    assert.equal(freePortBlock(new Set([30700, 33701]), 7), 8);
    assert.equal(freePortBlock(new Set([36000 + 100 * (SWARM_PORT_BLOCKS - 1)]), SWARM_PORT_BLOCKS - 1), 0);
    const all = new Set(Array.from({ length: SWARM_PORT_BLOCKS }, (_, b) => swarmPorts(b).client(0)));
    assert.throws(() => freePortBlock(all, 0), /in use/);
  });
  it('swarm - object names: the run id when it fits swarm\'s 63 characters, a hash of it when not', () => {
    assert.equal(swarmName('r1', 'iad-1'), 'brownout-r1-iad-1');
    const long = swarmName('20261205T045159Z-rollout-swarm-rollout', 'toxiproxy-abcdefghijklmnop-proxies');
    assert.ok(long.length <= 63 && /^brownout-[0-9a-f]{12}-toxiproxy-abcdefghijklmnop-proxies$/.test(long), long);
    assert.equal(long, swarmName('20261205T045159Z-rollout-swarm-rollout', 'toxiproxy-abcdefghijklmnop-proxies'));
  });
  it('swarm - engine addresses: manager alone by default; unix, tcp, ssh; anything else is bad input', () => {
    assert.equal(swarmAddresses({}), undefined);
    assert.deepEqual(swarmAddresses({ BROWNOUT_SWARM_HOST: 'unix:///a.sock' }), { manager: 'unix:///a.sock', engines: ['unix:///a.sock'] });
    assert.deepEqual(swarmAddresses({ BROWNOUT_SWARM_HOST: 'unix:///a.sock', BROWNOUT_SWARM_ENGINES: 'unix:///a.sock, ssh://u@b' })?.engines, ['unix:///a.sock', 'ssh://u@b']);
    assert.deepEqual(engineOptions('unix:///run/x.sock'), { socketPath: '/run/x.sock' });
    assert.deepEqual(engineOptions('ssh://ops@node-b'), { protocol: 'ssh', host: 'node-b', port: 22, username: 'ops' });
    assert.equal((engineOptions('https://node-c:2376') as { protocol: string }).protocol, 'https');
    assert.throws(() => engineOptions('ftp://x'), /swarm engine address/);
  });
});
