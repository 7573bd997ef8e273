import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import type { TimelineRecord } from '../timeline/records.ts';
import { BrownoutMetrics } from './brownout-metrics.ts';
import { rolloutMetrics } from './rollout-metrics.ts';
import { serverMetrics, slowDelta } from './server-metrics.ts';

const t = 1_764_000_000_000;
const varz = (over: Partial<Extract<TimelineRecord, { kind: 'varz' }>>): TimelineRecord => ({
  t, kind: 'varz', server: 'iad-1', region: 'iad', serverId: 'A', intervalMs: 500, outMsgs: 10, outBytes: 1000, inMsgs: 4, inBytes: 400,
  rssBytes: 1 << 24, cpuPercent: 1, connections: 3, routes: 6, healthy: true, version: '2.10.14', slowConsumers: 0, ...over,
});

describe('server metrics', () => {
  it('server metrics - slow-consumer deltas: first sample counts nothing, a restart counts from zero', () => {
    const cases: [string, string, number | undefined, number][] = [
      ['first sample of A', 'A', 5, 0], ['A grew by 2', 'A', 7, 2], ['A unchanged', 'A', 7, 0],
      ['restarted as B with 1', 'B', 1, 1], ['no field', 'B', undefined, 0], ['B grew by 3', 'B', 4, 3],
    ];
    const last = new Map<string, { id: string; total: number }>();
    for (const [what, id, total, want] of cases) assert.equal(slowDelta(last, 's', id, total), want, what);
  });

  it('server metrics - info follows the run, an upgrade fault and its revert, and the version /varz reports', async () => {
    const registry = new Registry();
    const m = new BrownoutMetrics(registry);
    m.observe({ t, kind: 'run', phase: 'start', runId: 'r', regions: ['iad'], servers: [{ name: 'iad-1', region: 'iad', variant: 'v2.10.14' }], intervalMs: 500 });
    m.observe(varz({}));
    let text = await registry.metrics();
    assert.match(text, /brownout_server_info\{server="iad-1",region="iad",variant="v2.10.14",version="2.10.14"\} 1/);
    m.observe({ t, kind: 'fault', id: 'f1', fault: 'upgrade', phase: 'applied', targets: ['iad-1'], attributes: { variant: 'v2.10.14+brownout' } });
    m.observe(varz({ serverId: 'B', version: '2.10.14+brownout' }));
    text = await registry.metrics();
    assert.match(text, /brownout_server_info\{server="iad-1",region="iad",variant="v2.10.14\+brownout",version="2.10.14\+brownout"\} 1/);
    assert.equal(text.match(/^brownout_server_info\{/gm)?.length, 1, 'the old series is gone');
    m.observe({ t, kind: 'fault', id: 'f1', fault: 'upgrade', phase: 'reverted', targets: ['iad-1'] });
    assert.match(await registry.metrics(), /brownout_server_info\{server="iad-1",region="iad",variant="v2.10.14",version="2.10.14\+brownout"\} 1/);
  });

  it('server metrics - varz deltas add up; gateways are counted per region pair in every state', async () => {
    const registry = new Registry();
    const m = new BrownoutMetrics(registry);
    m.observe(varz({}));
    m.observe(varz({ slowConsumers: 2 }));
    const link = (server: string, state: 'up' | 'down' | 'handshake'): TimelineRecord => ({ t, kind: 'link', server, region: 'iad', linkType: 'gateway', peer: 'lhr', state, previous: null, since: t });
    m.observe(link('iad-1', 'up'));
    m.observe(link('iad-2', 'up'));
    m.observe(link('iad-2', 'handshake'));
    m.observe({ t, kind: 'probe', from: 'iad', to: 'lhr', windowStart: t - 1000, windowEnd: t, sent: 1, delivered: 1, lost: 0, duplicated: 0, reordered: 0, latencyMs: null, longestGapMs: 1500, stalled: false });
    const text = await registry.metrics();
    assert.match(text, /brownout_server_out_msgs_total\{server="iad-1",region="iad"\} 20/);
    assert.match(text, /brownout_server_in_bytes_total\{server="iad-1",region="iad"\} 800/);
    assert.match(text, /brownout_server_slow_consumers_total\{server="iad-1",region="iad"\} 2/);
    assert.match(text, /brownout_server_routes\{server="iad-1",region="iad"\} 6/);
    assert.match(text, /brownout_region_gateways\{from="iad",to="lhr",state="up"\} 1/);
    assert.match(text, /brownout_region_gateways\{from="iad",to="lhr",state="handshake"\} 1/);
    assert.match(text, /brownout_region_gateways\{from="iad",to="lhr",state="down"\} 0/);
    assert.match(text, /brownout_probe_longest_gap_seconds\{from="iad",to="lhr"\} 1.5/);
  });

  it('server metrics - the rollout gets the registry\'s one instance and its setters keep label sets fixed', async () => {
    const registry = new Registry();
    const m = new BrownoutMetrics(registry);
    assert.equal(rolloutMetrics(registry), m.rollout);
    assert.equal(serverMetrics(registry), m.servers);
    const r = rolloutMetrics(registry);
    r.setRolloutPhase('r1', 'progressing');
    r.setStage('r1', 'canary', 0, 'soaking');
    r.setStage('r1', 'region', 1, 'upgrading');
    r.setServerState('iad-1', 'iad', 'lame-duck');
    r.setServerState('iad-1', 'iad', 'done');
    r.setServerRole('iad-1', 'iad', 'canary');
    r.setGate('canary', 'statsz', 'inconclusive');
    r.setGate('canary', 'statsz', 'pass');
    r.setComparison('canary', [{ metric: 'statsz.rate', shift: -2.5, pValue: 0.01 }], 100);
    const text = await registry.metrics();
    assert.doesNotMatch(text, /brownout_rollout_stage_info\{[^}]*stage="canary"/);
    assert.match(text, /brownout_rollout_stage_info\{rollout="r1",stage="region",phase="upgrading"\} 1/);
    assert.match(text, /brownout_rollout_stage_index\{rollout="r1"\} 1/);
    assert.match(text, /brownout_rollout_phase_info\{rollout="r1",phase="progressing"\} 1/);
    assert.match(text, /brownout_rollout_phase_info\{rollout="r1",phase="paused"\} 0/);
    assert.match(text, /brownout_rollout_server_state\{server="iad-1",region="iad",state="done"\} 1/);
    assert.match(text, /brownout_rollout_server_state\{server="iad-1",region="iad",state="lame-duck"\} 0/);
    assert.equal(text.match(/^brownout_rollout_server_state\{/gm)?.length, 7);
    assert.match(text, /brownout_rollout_server_role\{server="iad-1",region="iad",role="baseline"\} 0/);
    assert.match(text, /brownout_rollout_gate_status\{stage="canary",gate="statsz",outcome="pass"\} 1/);
    assert.match(text, /brownout_rollout_gate_status\{stage="canary",gate="statsz",outcome="inconclusive"\} 0/);
    assert.match(text, /brownout_rollout_gate_evaluations_total\{stage="canary",gate="statsz",outcome="inconclusive"\} 1/);
    assert.match(text, /brownout_rollout_canary_shift\{stage="canary",metric="statsz.rate"\} -2.5/);
    assert.match(text, /brownout_rollout_canary_p_value\{stage="canary",metric="statsz.rate"\} 0.01/);
    assert.match(text, /brownout_rollout_canary_score\{stage="canary"\} 100/);
  });
});
