import assert from 'node:assert/strict';
import { Counter, Registry } from 'prom-client';
import { BadInputError, EnvironmentError } from '../../core/errors.ts';
import { DEFAULT_METRICS_PORT, metricsPortOption, parseMetricsPort, serveMetrics } from './metrics-port.ts';

describe('metrics port', () => {
  const table: [string | undefined, number | 'off' | 'default' | 'bad'][] = [
    [undefined, 'off'], ['off', 'off'], ['default', 'default'], ['0', 0], [String(DEFAULT_METRICS_PORT), 9477], ['65535', 65535],
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

  it('metrics - at the default port, a port taken by another command falls back to a free one and says which; an explicit one stays exit 3', async () => {
    const registry = new Registry();
    const first = (await serveMetrics(0, registry, () => {}))!;
    const said: string[] = [];
    try {
      // `first` plays the command already holding the default port.
      const second = (await serveMetrics('default', registry, (l) => said.push(l), first.port))!;
      try {
        assert.notEqual(second.port, first.port);
        assert.deepEqual(said, [`metrics: ${second.url} (127.0.0.1:${first.port} is taken by another process, so a free port; --metrics-port <port> to choose one)`]);
        assert.equal((await fetch(second.url)).status, 200);
      } finally {
        await second.stop();
      }
      await assert.rejects(serveMetrics(first.port, registry, () => {}), (e: unknown) => e instanceof EnvironmentError && /already in use/.test(e.message));
    } finally {
      await first.stop();
    }
  });

  it('metrics - the option\'s default is the default port, not a number the user gave', () => {
    assert.equal(metricsPortOption().defaultValue, 'default');
    assert.equal(parseMetricsPort(metricsPortOption().defaultValue as string), 'default');
  });
});
