import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { BrownoutMetrics } from '../metrics/brownout-metrics.ts';
import { statszAt, T0 } from '../../test/support/timeline-fixtures.ts';
import { statszPerServer } from './summary.ts';

const at = (s: number) => T0 + s * 1000;

// A burst of six STATSZ straddling a second boundary: three in the last 150 ms of one second, three
// in the first 100 ms of the next. Per wall-clock second that is 3 and 3; in one second it is 6.
const straddling = [statszAt(10, 'iad-1', 'A', [850, 900, 999]), statszAt(11, 'iad-1', 'A', [0, 50, 100]), statszAt(14, 'iad-1', 'A', [500])];

describe('observe summary', () => {
  it('summary - the STATSZ peak per server is counted over a sliding 1 s, as the verdict counts it', () => {
    const [s] = statszPerServer(straddling);
    assert.equal(s?.peakPerSecond, 6);
    assert.equal(s?.peakFrom, at(10) + 850);
    assert.equal(s?.msgs, 7);
  });

  it('summary - the live peak metric counts the same sliding second', async () => {
    const registry = new Registry();
    const m = new BrownoutMetrics(registry);
    for (const r of straddling) m.observe(r);
    assert.match(await registry.metrics(), /brownout_statsz_peak_per_second\{server="iad-1"\} 6/);
  });
});
