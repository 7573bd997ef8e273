// A loopback round trip through the loaded service definition (no NATS, no cluster): what the
// generated types promise is what @grpc/grpc-js decodes with LOADER_OPTIONS, and the standard
// health service from grpc-health-check works beside it on @grpc/grpc-js 1.14.
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import type { RolloutEvent__Output } from './generated/brownout/rollout/v1/RolloutEvent.ts';
import type { Rollout__Output } from './generated/brownout/rollout/v1/Rollout.ts';
import type { RolloutsHandlers } from './generated/brownout/rollout/v1/Rollouts.ts';
import { createHealth, loadRolloutProto, ROLLOUTS_SERVICE } from './load-proto.ts';

const unimplemented = (_call: unknown, cb: grpc.sendUnaryData<never>) => cb({ code: grpc.status.UNIMPLEMENTED, details: 'not in this test' });

describe('rollout grpc service', () => {
  let server: grpc.Server;
  let address: string;
  const health = createHealth();

  before(async () => {
    const proto = loadRolloutProto();
    server = new grpc.Server();
    const handlers: RolloutsHandlers = {
      StartRollout: unimplemented, ListRollouts: unimplemented, Promote: unimplemented, Abort: unimplemented, Resume: unimplemented,
      GetRollout(call, cb) {
        if (call.request.id !== 'r1') return cb({ code: grpc.status.NOT_FOUND, details: `no rollout ${call.request.id}` });
        cb(null, { id: 'r1', playbook: 'story', baseline: 'v2.10.14', target: 'v2.10.14+brownout', phase: 'ROLLOUT_PHASE_PAUSED', stages: [{ name: 'canary', kind: 'STAGE_KIND_CANARY', phase: 'STAGE_PHASE_PAUSED', gates: [{ gate: 'compare', outcome: 'GATE_OUTCOME_INCONCLUSIVE', comparison: { score: 80, passBound: 95, marginalBound: 75, outcome: 'CANARY_OUTCOME_INCONCLUSIVE' } }] }] });
      },
      WatchRollout(call) {
        call.write({ rolloutId: 'r1', seq: 1, snapshot: { id: 'r1' } });
        call.write({ rolloutId: 'r1', seq: 2, upgrade: { server: 'iad-1', step: 'UPGRADE_STEP_LAME_DUCK' } });
        call.write({ rolloutId: 'r1', seq: 3, status: { text: 'canary iad-1 soaking 12/60 s' } });
        call.end();
      },
    };
    server.addService(proto.brownout.rollout.v1.Rollouts.service, handlers);
    health.addToServer(server);
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    address = `127.0.0.1:${port}`;
  });
  after(() => server.forceShutdown());

  it('rollout grpc - GetRollout decodes enums as names, fills defaults, keeps an optional score', async () => {
    const client = new (loadRolloutProto().brownout.rollout.v1.Rollouts)(address, grpc.credentials.createInsecure());
    try {
      const r = await new Promise<Rollout__Output>((resolve, reject) => client.GetRollout({ id: 'r1' }, (e, v) => (e ? reject(e) : resolve(v!))));
      assert.equal(r.phase, 'ROLLOUT_PHASE_PAUSED');
      assert.equal(r.message, '', 'defaults filled');
      assert.equal(r.stages[0]!.gates[0]!.comparison!.score, 80);
      assert.equal(r.stages[0]!.gates[0]!.comparison!.outcome, 'CANARY_OUTCOME_INCONCLUSIVE');
      const missing = await new Promise<grpc.ServiceError>((resolve) => client.GetRollout({ id: 'nope' }, (e) => resolve(e!)));
      assert.equal(missing.code, grpc.status.NOT_FOUND);
    } finally {
      client.close();
    }
  });

  it('rollout grpc - WatchRollout streams a snapshot then changes, each naming its oneof', async () => {
    const client = new (loadRolloutProto().brownout.rollout.v1.Rollouts)(address, grpc.credentials.createInsecure());
    try {
      const events: RolloutEvent__Output[] = [];
      await new Promise<void>((resolve, reject) => {
        const call = client.WatchRollout({ id: 'r1' });
        call.on('data', (e: RolloutEvent__Output) => events.push(e));
        call.on('end', resolve);
        call.on('error', reject);
      });
      assert.deepEqual(events.map((e) => [e.seq, e.event]), [['1', 'snapshot'], ['2', 'upgrade'], ['3', 'status']]);
      assert.equal(events[1]!.upgrade!.step, 'UPGRADE_STEP_LAME_DUCK');
    } finally {
      client.close();
    }
  });

  it('rollout grpc - the standard health service answers for the server and for Rollouts', async () => {
    const def = grpc.loadPackageDefinition(protoLoader.loadSync(healthProtoPath, { enums: String })) as any;
    const client = new def.grpc.health.v1.Health(address, grpc.credentials.createInsecure());
    const check = (service: string) => new Promise<{ status?: string; code?: number }>((resolve) => client.check({ service }, (e: grpc.ServiceError | null, r: { status: string }) => resolve(e ? { code: e.code } : { status: r.status })));
    try {
      assert.deepEqual(await check(ROLLOUTS_SERVICE), { status: 'NOT_SERVING' });
      health.setStatus(ROLLOUTS_SERVICE, 'SERVING');
      assert.deepEqual(await check(ROLLOUTS_SERVICE), { status: 'SERVING' });
      assert.deepEqual(await check('no.such.Service'), { code: grpc.status.NOT_FOUND });
    } finally {
      client.close();
    }
  });
});
