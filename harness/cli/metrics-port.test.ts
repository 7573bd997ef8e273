import assert from 'node:assert/strict';
import { Counter, Registry } from 'prom-client';
import { BadInputError, EnvironmentError } from '../../core/errors.ts';
import { DEFAULT_METRICS_PORT, parseMetricsPort, serveMetrics } from './metrics-port.ts';

describe('metrics port', () => {
  const table: [string | undefined, number | 'off' | 'bad'][] = [
    [undefined, 'off'], ['off', 'off'], ['0', 0], [String(DEFAULT_METRICS_PORT), 9477], ['65535', 65535],
    ['65536', 'bad'], ['-1', 'bad'], ['http', 'bad'], ['', 'bad'], ['1.5', 'bad'],
  ];
  for (const [raw, want] of table) {
    it(`metrics - --metrics-port ${JSON.stringify(raw)} is ${want}`, () => {
      if (want === 'bad') assert.throws(() => parseMetricsPort(raw), (e: unknown) => e instanceof BadInputError && /allowed: 0\.\.65535/.test(e.problems.join()));
      else assert.equal(parseMetricsPort(raw), want);
    });
  }

  it('metrics - serves the registry at the printed address; a port in use names the port and the flag', async () => {
    const registry = new Registry();
    new Counter({ name: 'brownout_test_total', help: 'test', registers: [registry] }).inc(3);
    const said: string[] = [];
    const server = (await serveMetrics(0, registry, (l) => said.push(l)))!;
    try {
      assert.deepEqual(said, [`metrics: ${server.url}`]);
      assert.match(await (await fetch(server.url)).text(), /brownout_test_total 3/);
      await assert.rejects(serveMetrics(server.port, registry, () => {}), (e: unknown) =>
        e instanceof EnvironmentError && e.message === `--metrics-port ${server.port}: 127.0.0.1:${server.port} is already in use` && /--metrics-port <port>, 0 for a free one, or off/.test(e.hint ?? ''));
    } finally {
      await server.stop();
    }
    assert.equal(await serveMetrics('off', registry, (l) => said.push(l)), undefined);
    assert.equal(said.length, 1, 'off says nothing');
  });
});
