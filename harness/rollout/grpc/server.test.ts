// The rollout API over a real socket on 127.0.0.1, in front of an in-memory RolloutService: the
// token check (both ways), the error → status map, watch streaming and cancellation, health.
import assert from 'node:assert/strict';
import net from 'node:net';
import os from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { BadInputError, EnvironmentError, HarnessError } from '../../../core/errors.ts';
import { RolloutNotFoundError, RolloutPreconditionError } from '../controller/rollout-service.ts';
import { controllerAnswers, RolloutApi } from './client.ts';
import type { RolloutEventView } from './convert.ts';
import { FakeRolloutService, sampleRollout } from '../../../test/support/fake-rollout-service.ts';
import type { Rollout__Output } from './generated/brownout/rollout/v1/Rollout.ts';
import { loadRolloutProto } from './load-proto.ts';
import { serveRollouts, type ServedRollouts } from './server.ts';

async function until(what: string, ok: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('rollout grpc server', () => {
  let fake: FakeRolloutService;
  let served: ServedRollouts;
  let api: RolloutApi;
  let raw: InstanceType<ReturnType<typeof loadRolloutProto>['brownout']['rollout']['v1']['Rollouts']>;

  beforeEach(async () => {
    fake = new FakeRolloutService();
    fake.add(sampleRollout('r-paused'));
    fake.add(sampleRollout('r-running', { phase: 'progressing' }));
    served = await serveRollouts(fake);
    api = new RolloutApi({ address: served.address, port: served.port, token: served.token, pid: process.pid, startedAt: '' });
    raw = new (loadRolloutProto().brownout.rollout.v1.Rollouts)(served.address, grpc.credentials.createInsecure());
  });
  afterEach(async () => {
    api.close();
    raw.close();
    await served.close();
  });

  const get = (md: grpc.Metadata) => new Promise<{ code: number; r?: Rollout__Output; details?: string }>((resolve) =>
    raw.GetRollout({ id: 'r-paused' }, md, (e, r) => resolve(e ? { code: e.code, details: e.details } : { code: grpc.status.OK, r: r! })));
  const bearer = (t: string) => {
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${t}`);
    return md;
  };

  it('rollout grpc server - binds 127.0.0.1 by default with a fresh 64-hex-digit token', async () => {
    assert.match(served.address, /^127\.0\.0\.1:\d+$/);
    assert.match(served.token, /^[0-9a-f]{64}$/);
    const other = await serveRollouts(fake);
    try {
      assert.notEqual(other.token, served.token);
    } finally {
      await other.close();
    }
    const outside = Object.values(os.networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (outside) {
      const refused = await new Promise<boolean>((resolve) => {
        const s = net.connect(served.port, outside);
        s.once('connect', () => { s.destroy(); resolve(false); });
        s.once('error', () => resolve(true));
      });
      assert.ok(refused, `reachable on ${outside}:${served.port}`);
    }
  });

  it('rollout grpc server - a missing or wrong token is UNAUTHENTICATED; the right one passes', async () => {
    const none = await get(new grpc.Metadata());
    assert.equal(none.code, grpc.status.UNAUTHENTICATED, 'no token');
    assert.match(none.details!, /authorization/);
    assert.equal((await get(bearer('0'.repeat(64)))).code, grpc.status.UNAUTHENTICATED, 'wrong token');
    assert.equal((await get(bearer(served.token.slice(0, -1)))).code, grpc.status.UNAUTHENTICATED, 'a prefix of the token');
    const noScheme = new grpc.Metadata();
    noScheme.set('authorization', served.token);
    assert.equal((await get(noScheme)).code, grpc.status.UNAUTHENTICATED, 'token without Bearer');
    const ok = await get(bearer(served.token));
    assert.equal(ok.code, grpc.status.OK);
    assert.equal(ok.r!.phase, 'ROLLOUT_PHASE_PAUSED');
    // The stream is guarded too.
    const stream = raw.WatchRollout({ id: 'r-paused' }, new grpc.Metadata());
    const err = await new Promise<grpc.ServiceError>((resolve) => { stream.on('error', resolve); stream.on('data', () => {}); });
    assert.equal(err.code, grpc.status.UNAUTHENTICATED);
    assert.equal(fake.watchers, 0);
  });

  it('rollout grpc server - an explicit token is the one it checks', async () => {
    const other = await serveRollouts(fake, { token: 'sesame' });
    try {
      assert.equal(other.token, 'sesame');
      const c = new RolloutApi({ address: other.address, port: other.port, token: 'sesame', pid: 0, startedAt: '' });
      try {
        assert.equal((await c.get('r-paused')).id, 'r-paused');
      } finally {
        c.close();
      }
    } finally {
      await other.close();
    }
  });

  it('rollout grpc server - health answers SERVING without a token, for the server and for Rollouts', async () => {
    assert.equal(await controllerAnswers(served.address), true);
    const def = grpc.loadPackageDefinition((await import('@grpc/proto-loader')).loadSync((await import('grpc-health-check')).protoPath, { enums: String })) as any;
    const h = new def.grpc.health.v1.Health(served.address, grpc.credentials.createInsecure());
    try {
      const status = await new Promise<string>((resolve, reject) => h.check({ service: '' }, (e: Error | null, r: { status: string }) => (e ? reject(e) : resolve(r.status))));
      assert.equal(status, 'SERVING');
    } finally {
      h.close();
    }
    await served.close();
    assert.equal(await controllerAnswers(served.address, 500), false, 'a closed server does not answer');
  });

  it('rollout grpc server - unknown id is NOT_FOUND, a call in the wrong phase FAILED_PRECONDITION, each with its problems', async () => {
    const missing = await new Promise<grpc.ServiceError>((resolve) => raw.GetRollout({ id: 'nope' }, bearer(served.token), (e) => resolve(e!)));
    assert.equal(missing.code, grpc.status.NOT_FOUND);
    assert.match(missing.details, /^no rollout nope\n {2}- id: "nope" is not one of r-paused, r-running$/);
    await assert.rejects(api.get('nope'), (e: unknown) => e instanceof RolloutNotFoundError && e.problems[0] === 'id: "nope" is not one of r-paused, r-running');

    const wrong = await new Promise<grpc.ServiceError>((resolve) => raw.Promote({ id: 'r-running', reason: 'x' }, bearer(served.token), (e) => resolve(e!)));
    assert.equal(wrong.code, grpc.status.FAILED_PRECONDITION);
    await assert.rejects(api.abort('r-running', 'x'), (e: unknown) => e instanceof RolloutPreconditionError && /progressing, not paused/.test(e.message) && e.problems.length === 1);
    // and the same call in the right phase passes
    assert.equal((await api.promote('r-paused', 'looks fine')).phase, 'progressing');
  });

  it('rollout grpc server - a playbook that does not validate is INVALID_ARGUMENT listing every problem', async () => {
    const bad = await new Promise<grpc.ServiceError>((resolve) => raw.StartRollout({ playbook: 'stages: []', source: 'bad.yaml' }, bearer(served.token), (e) => resolve(e!)));
    assert.equal(bad.code, grpc.status.INVALID_ARGUMENT);
    assert.match(bad.details, /bad\.yaml: name: required/);
    assert.match(bad.details, /bad\.yaml: stages\[0\]\.kind/);
    await assert.rejects(api.start({ playbook: '{ not yaml', source: 'torn.yaml' }), (e: unknown) => e instanceof BadInputError && e.problems.length >= 1 && e.problems.every((p) => p.startsWith('torn.yaml:')));
    const ok = await api.start({ playbook: 'name: fine', source: 'fine.yaml', seed: 9 });
    assert.equal(ok.playbook, 'fine');
    assert.deepEqual(fake.started.at(-1), { playbook: 'name: fine', source: 'fine.yaml', seed: 9 });
    await api.start({ playbook: 'name: fine', source: 'fine.yaml' });
    assert.equal('seed' in fake.started.at(-1)!, false, 'an absent seed stays absent');
  });

  it('rollout grpc server - any other error is INTERNAL; an environment error keeps its kind for the exit code', async () => {
    fake.get = () => { throw new Error('disk on fire'); };
    const e1 = await new Promise<grpc.ServiceError>((resolve) => raw.GetRollout({ id: '' }, bearer(served.token), (e) => resolve(e!)));
    assert.equal(e1.code, grpc.status.INTERNAL);
    await assert.rejects(api.get(''), (e: unknown) => e instanceof HarnessError && /disk on fire/.test(e.message));
    fake.list = () => { throw new EnvironmentError('docker is not running', { hint: 'start dockerd' }); };
    await assert.rejects(api.list(), (e: unknown) => e instanceof EnvironmentError && e.message === 'docker is not running' && e.hint === 'start dockerd');
  });

  it('rollout grpc server - ListRollouts passes activeOnly and keeps the order', async () => {
    assert.deepEqual((await api.list()).rollouts.map((r) => r.id), ['r-running', 'r-paused']);
    fake.get('r-paused').phase = 'succeeded';
    assert.deepEqual((await api.list(true)).rollouts.map((r) => r.id), ['r-running']);
  });

  it('rollout grpc server - WatchRollout streams the snapshot, then each event, and ends with the rollout', async () => {
    const seen: RolloutEventView[] = [];
    const done = (async () => { for await (const e of api.watch('r-running')) seen.push(e); })();
    await until('the watch is listening', () => fake.watchers === 1);
    fake.emit('r-running', { stage: { index: 0, name: 'canary', phase: 'soaking' } });
    fake.emit('r-running', { status: { text: 'canary iad-2 soaking 12/60 s' } });
    fake.emit('r-running', { phase: { phase: 'succeeded', message: 'every stage passed' } });
    await done;
    assert.deepEqual(seen.map((e) => Object.keys(e).find((k) => !['rolloutId', 'seq', 'time'].includes(k))), ['snapshot', 'stage', 'status', 'phase']);
    assert.deepEqual(seen.map((e) => e.seq), [0, 1, 2, 3]);
    assert.ok('snapshot' in seen[0]! && seen[0].snapshot.id === 'r-running');
    assert.ok('phase' in seen[3]! && seen[3].phase.phase === 'succeeded');
    await until('the watcher is gone', () => fake.watchers === 0);
  });

  it('rollout grpc server - cancelling a watch aborts the service\'s signal', async () => {
    const ac = new AbortController();
    const seen: RolloutEventView[] = [];
    const done = (async () => { for await (const e of api.watch('r-paused', ac.signal)) seen.push(e); })();
    await until('the snapshot arrives', () => seen.length === 1);
    assert.deepEqual(fake.watchAborted, []);
    ac.abort();
    await done;
    await until('the service sees the abort', () => fake.watchAborted.includes('r-paused'));
    assert.equal(fake.watchers, 0);
  });

  it('rollout grpc server - watching an unknown rollout is NOT_FOUND', async () => {
    await assert.rejects((async () => { for await (const _ of api.watch('nope')) { /* none */ } })(), RolloutNotFoundError);
  });

  it('rollout grpc server - closing ends open watches with UNAVAILABLE and aborts their signals', async () => {
    const seen: RolloutEventView[] = [];
    const ended = (async () => { for await (const e of api.watch('r-paused')) seen.push(e); })().then(() => undefined, (e: unknown) => e);
    await until('the snapshot arrives', () => seen.length === 1);
    const t0 = Date.now();
    await served.close();
    assert.ok(Date.now() - t0 < 3_000);
    const e = await ended;
    assert.ok(e instanceof EnvironmentError && /UNAVAILABLE/.test(e.message), String(e));
    assert.deepEqual(fake.watchAborted, ['r-paused']);
  });
});
