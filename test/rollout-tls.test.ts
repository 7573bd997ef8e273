// The rollout API over TLS, with a CA and a server certificate for 127.0.0.1 made here with openssl:
// a client trusting that CA works, a plain-text client and one trusting another CA are refused; `rollout
// serve` off loopback without TLS is refused before it listens (exit 2) unless --insecure. Loopback only.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BadInputError, EnvironmentError, EXIT, exitCodeOf } from '../core/errors.ts';
import { rolloutList, rolloutServe } from '../harness/cli/rollout.ts';
import { channelCredentials, controllerAnswers, RolloutApi } from '../harness/rollout/grpc/client.ts';
import { readControllerFile } from '../harness/rollout/grpc/controller-file.ts';
import { FakeRolloutService, sampleRollout } from './support/fake-rollout-service.ts';
import { serveRollouts, type ServedRollouts } from '../harness/rollout/grpc/server.ts';
import { skipBecause } from './support/skip.ts';

async function until<T>(what: string, get: () => T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function openssl(dir: string, ...args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr || r.error?.message}`);
}

/** A CA, and a certificate for IP 127.0.0.1 it signed; `other` is a CA that signed nothing here. */
function makeCerts(dir: string): { ca: string; cert: string; key: string; other: string } {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, 'req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=brownout test CA');
  openssl(dir, 'req', '-x509', ...ec, '-keyout', 'other.key', '-out', 'other.pem', '-days', '1', '-subj', '/CN=another CA');
  openssl(dir, 'req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(dir, 'x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'san.ext');
  return { ca: path.join(dir, 'ca.pem'), cert: path.join(dir, 'server.pem'), key: path.join(dir, 'server.key'), other: path.join(dir, 'other.pem') };
}

describe('rollout api over TLS', function () {
  this.timeout(60_000);
  let dir: string;
  let certs: ReturnType<typeof makeCerts>;
  before(function () {
    if (spawnSync('openssl', ['version']).status !== 0) skipBecause(this, 'no openssl to make a test CA');
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-rollout-tls-'));
    certs = makeCerts(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('the server', () => {
    let fake: FakeRolloutService;
    let served: ServedRollouts;
    beforeEach(async () => {
      fake = new FakeRolloutService();
      fake.add(sampleRollout('r-paused'));
      served = await serveRollouts(fake, { tls: { cert: certs.cert, key: certs.key } });
    });
    afterEach(() => served.close());

    it('rollout tls - a client trusting the CA calls it; plain text and another CA are refused', async () => {
      assert.equal(served.tls, true);
      assert.match(served.address, /^127\.0\.0\.1:\d+$/);
      const info = { address: served.address, port: served.port, token: served.token, pid: process.pid, startedAt: '' };
      assert.equal(await controllerAnswers(served.address, 5_000, channelCredentials({ tls: { ca: certs.ca } })), true);
      const api = new RolloutApi({ ...info, tls: { ca: certs.ca } });
      try {
        assert.deepEqual((await api.list()).rollouts.map((r) => r.id), ['r-paused']);
      } finally {
        api.close();
      }
      assert.equal(await controllerAnswers(served.address, 2_000), false, 'a plain-text client gets no answer');
      for (const wrong of [new RolloutApi(info), new RolloutApi({ ...info, tls: { ca: certs.other } })]) {
        try {
          await assert.rejects(wrong.get('r-paused'), (e: unknown) => e instanceof EnvironmentError && /did not answer \(UNAVAILABLE/.test(e.message));
        } finally {
          wrong.close();
        }
      }
    });
  });

  it('rollout tls - serve off loopback without TLS is refused before it listens (exit 2, naming --host and the TLS flags); half the TLS flags too', async () => {
    const file = path.join(dir, 'runs', '.controller.json');
    const aborted = AbortSignal.abort();
    for (const host of ['10.255.255.1', '0.0.0.0']) {
      const err = await rolloutServe({ host, metricsPort: 'off', controllerFile: file, signal: aborted, write: () => {} }).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof BadInputError, `${host}: ${String(err)}`);
      assert.equal(exitCodeOf(err), EXIT.badInput);
      assert.match(err.problems.join('\n'), new RegExp(`--host ${host.replace(/\./g, '\\.')}: not a loopback address.*--tls-cert <file> and --tls-key <file>.*--insecure`));
    }
    const half = await rolloutServe({ tlsCert: certs.cert, metricsPort: 'off', controllerFile: file, signal: aborted, write: () => {} }).then(() => undefined, (e: unknown) => e);
    assert.ok(half instanceof BadInputError && half.problems.some((p) => p.startsWith('--tls-key: required with --tls-cert')), String(half));
  });

  it('rollout tls - `rollout serve --tls-cert --tls-key --tls-ca` records the CA in the controller file and clients use it', async () => {
    const file = path.join(dir, 'runs', '.controller.json');
    const stop = new AbortController();
    const lines: string[] = [];
    const serving = rolloutServe({ tlsCert: certs.cert, tlsKey: certs.key, tlsCa: certs.ca, metricsPort: 'off', controllerFile: file, signal: stop.signal, write: (l) => lines.push(l) });
    try {
      const info = await until('the controller file', () => readControllerFile(file));
      assert.deepEqual(info.tls, { ca: certs.ca });
      await until('serve says it serves TLS', () => lines.some((l) => /grpc over TLS 127\.0\.0\.1:\d+/.test(l)));
      const out: string[] = [];
      assert.deepEqual(await rolloutList({ controllerFile: file, write: (l) => out.push(l) }), []);
    } finally {
      stop.abort();
      assert.equal(await serving, EXIT.pass);
    }
  });
});
