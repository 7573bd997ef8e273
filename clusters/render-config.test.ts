import assert from 'node:assert/strict';
import { renderConfig, type ServerAddressing } from './render-config.ts';
import { generateSecrets } from './secrets.ts';
import { parseTopology, presets, serversOf } from './topology.ts';

const addressing: ServerAddressing = {
  client: '127.0.0.1:4222', cluster: '127.0.0.1:6222', gateway: '127.0.0.1:7222', monitor: '127.0.0.1:8222',
  routes: ['127.0.0.1:6223'],
  gatewayAdvertise: '127.0.0.1:17001',
  gateways: { lhr: ['127.0.0.1:17003', '127.0.0.1:17004'] },
};

describe('clusters render-config', () => {
  const t = parseTopology({ ...presets['two-regions'], ping: { interval: '1s', max: 2 }, gatewayAuthTimeoutSec: 30 });
  const iad1 = serversOf(t)[0]!;

  it('render-config - carries name, ping, advertise, gateways and the system account', () => {
    const secrets = generateSecrets();
    const conf = renderConfig(t, iad1, addressing, secrets);
    assert.match(conf, /^server_name: "iad-1"$/m);
    assert.match(conf, /^ping_interval: "1s"$/m);
    assert.match(conf, /^ping_max: 2$/m);
    assert.match(conf, /^system_account: "SYS"$/m);
    assert.match(conf, /advertise: "127\.0\.0\.1:17001"/);
    assert.match(conf, /"nats-route:\/\/127\.0\.0\.1:6223"/);
    assert.match(conf, /name: "lhr"/);
    assert.match(conf, /"nats:\/\/127\.0\.0\.1:17004"/);
    assert.match(conf, /timeout: 30/);
    assert.ok(conf.includes(JSON.stringify(secrets.system.password)));
  });

  it('render-config - a new password per run, never a fixed one', () => {
    const a = generateSecrets();
    const b = generateSecrets();
    assert.notEqual(a.system.password, b.system.password);
    assert.ok(a.system.password.length >= 20);
  });

  it('render-config - leaves out optional blocks that are not set', () => {
    const plain = parseTopology(presets['two-regions']);
    const conf = renderConfig(plain, serversOf(plain)[0]!, addressing, generateSecrets());
    assert.doesNotMatch(conf, /authorization/);
    assert.doesNotMatch(conf, /pool_size/);
  });

  it('render-config - lame duck duration and grace from the topology, in Go duration syntax', () => {
    const ld = parseTopology({ ...presets['two-regions'], lameDuck: { durationSeconds: 30, graceSeconds: 5 } });
    const conf = renderConfig(ld, serversOf(ld)[0]!, addressing, generateSecrets());
    assert.match(conf, /^lame_duck_duration: "30s"$/m);
    assert.match(conf, /^lame_duck_grace_period: "5s"$/m);
    assert.doesNotMatch(renderConfig(t, iad1, addressing, generateSecrets()), /lame_duck/);
  });
});
