import assert from 'node:assert/strict';
import { isLoopback, serveSecurity } from './serve-security.ts';

describe('rollout serve security', () => {
  const loopback: [string, boolean][] = [
    ['127.0.0.1', true], ['127.1.2.3', true], ['localhost', true], ['::1', true], ['[::1]', true], ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false], ['::', false], ['10.0.0.5', false], ['192.168.1.2', false], ['example.org', false], ['128.0.0.1', false],
  ];
  for (const [host, want] of loopback) it(`rollout serve security - ${host} is ${want ? '' : 'not '}loopback`, () => assert.equal(isLoopback(host), want));

  const table: { host: string; tls: boolean; insecure: boolean; refused: boolean; warned: boolean }[] = [
    { host: '127.0.0.1', tls: false, insecure: false, refused: false, warned: false },
    { host: '127.0.0.1', tls: true, insecure: false, refused: false, warned: false },
    { host: '0.0.0.0', tls: false, insecure: false, refused: true, warned: false },
    { host: '0.0.0.0', tls: true, insecure: false, refused: false, warned: false },
    { host: '0.0.0.0', tls: false, insecure: true, refused: false, warned: true },
    { host: '10.0.0.5', tls: false, insecure: false, refused: true, warned: false },
  ];
  for (const t of table) {
    it(`rollout serve security - ${t.host}, tls ${t.tls}, insecure ${t.insecure}: ${t.refused ? 'refused' : t.warned ? 'served with a warning' : 'served'}`, () => {
      const r = serveSecurity(t);
      assert.equal(r.problems.length > 0, t.refused);
      assert.equal(r.warning !== undefined, t.warned);
      if (t.refused) assert.match(r.problems[0]!, /^--host .*plain text; give --tls-cert <file> and --tls-key <file>.*or --insecure/);
      if (t.warned) assert.match(r.warning!, /without TLS \(--insecure\).*plain text/);
    });
  }
});
