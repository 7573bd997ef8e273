import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import { REPO_ROOT } from '../../core/layout.ts';
import { BrownoutMetrics } from './brownout-metrics.ts';

interface Row { name: string; type: string; labels: string[] }

function documented(): Row[] {
  const text = readFileSync(path.join(REPO_ROOT, 'METRICS.md'), 'utf8');
  return text.split('\n').filter((l) => l.startsWith('| `brownout_')).map((l) => {
    const cells = l.split('|').map((c) => c.trim());
    return { name: cells[1]!.replace(/`/g, ''), type: cells[2]!, labels: [...cells[3]!.replace(/\([^)]*\)/g, '').matchAll(/`(\w+)`/g)].map((m) => m[1]!) };
  });
}

describe('metrics doc', () => {
  it('metrics doc - METRICS.md lists exactly the registered metrics, with their types and labels', async () => {
    const registry = new Registry();
    new BrownoutMetrics(registry);
    const registered = (await registry.getMetricsAsJSON()).map((m) => ({ name: m.name, type: String(m.type), labels: [] as string[] }));
    const labelsOf = (name: string) => ((registry.getSingleMetric(name) as unknown as { labelNames: string[] }).labelNames ?? []).slice().sort();
    for (const r of registered) r.labels = labelsOf(r.name);
    const docs = documented().map((d) => ({ ...d, labels: d.labels.slice().sort() }));
    assert.deepEqual(docs.map((d) => d.name).sort(), registered.map((r) => r.name).sort());
    for (const r of registered) assert.deepEqual(docs.find((d) => d.name === r.name), r);
  });

  it('metrics doc - names are brownout_*, counters and only counters end in _total', async () => {
    const registry = new Registry();
    new BrownoutMetrics(registry);
    for (const m of await registry.getMetricsAsJSON()) {
      assert.match(m.name, /^brownout_[a-z_]+$/);
      assert.equal(m.name.endsWith('_total'), String(m.type) === 'counter', m.name);
    }
  });

  it('metrics doc - records move the metrics they feed', async () => {
    const registry = new Registry();
    const m = new BrownoutMetrics(registry);
    const t = 1_764_000_000_000;
    m.observe({ t, kind: 'statsz', second: t - 1000, serverId: 'A', serverName: 'iad-1', msgs: 3, bytes: 900, observedOn: 'lhr-1' });
    m.observe({ t, kind: 'statsz', second: t, serverId: 'B', serverName: 'iad-1', msgs: 5, bytes: 1500, observedOn: 'lhr-1' });
    m.observe({ t, kind: 'link', server: 'iad-1', region: 'iad', linkType: 'gateway', peer: 'lhr', state: 'handshake', previous: 'down', since: t, downSince: t - 500 });
    m.observe({ t, kind: 'link', server: 'iad-1', region: 'iad', linkType: 'gateway', peer: 'syd', state: 'up', previous: 'down', since: t, downSince: t - 2000, recoveryMs: 2000 });
    m.observe({ t, kind: 'fault', fault: 'blackhole', phase: 'applied', targets: ['lhr'] });
    m.observe({ t, kind: 'step', scenario: 's', index: 1, name: 'cut', phase: 'start' });
    const text = await registry.metrics();
    assert.match(text, /brownout_statsz_messages_total\{server="iad-1"\} 8/);
    assert.match(text, /brownout_statsz_peak_per_second\{server="iad-1"\} 5/);
    assert.match(text, /brownout_gateway_connections_up\{server="iad-1",region="iad"\} 1/);
    assert.match(text, /brownout_gateway_connections_handshake\{server="iad-1",region="iad"\} 1/);
    assert.match(text, /brownout_handshake_recovery_seconds_sum\{link_type="gateway"\} 2/);
    assert.match(text, /brownout_faults_active\{fault="blackhole"\} 1/);
    assert.match(text, /brownout_scenario_step_info\{scenario="s",step="cut"\} 1/);
  });
});
