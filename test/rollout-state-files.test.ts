// The real controller behind a real gRPC server, on state files a user or a crash may have left:
// an id that would leave runs/ is refused (INVALID_ARGUMENT naming the field) and no file outside is
// read; a damaged rollout.json is listed as damaged with its path and why, every other rollout still
// works, and `status <that id>` exits 3 naming the file.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { EXIT, exitCodeOf } from '../core/errors.ts';
import type { Progress } from '../core/progress.ts';
import { silentProgress } from '../core/progress.ts';
import { rolloutDecide, rolloutList, rolloutStatus, rolloutWatch } from '../harness/cli/rollout.ts';
import { connectController } from '../harness/rollout/grpc/client.ts';
import { RolloutController } from '../harness/rollout/controller/controller.ts';
import { ROLLOUT_FILE, RolloutStore } from '../harness/rollout/controller/store.ts';
import { writeControllerFile } from '../harness/rollout/grpc/controller-file.ts';
import { sampleRollout } from './support/fake-rollout-service.ts';
import { loadRolloutProto } from '../harness/rollout/grpc/load-proto.ts';
import { serveRollouts, type ServedRollouts } from '../harness/rollout/grpc/server.ts';

describe('rollout state files (real controller over gRPC)', () => {
  let root: string;
  let runs: string;
  let served: ServedRollouts;
  let controller: RolloutController;
  let file: string;
  const lines: string[] = [];
  const write = (l: string) => lines.push(l);
  const said: string[] = [];
  const progress = { ...silentProgress, info: (m: string) => said.push(m) } as Progress;
  const good = '20261125T100000Z-rollout-good';
  const bad = '20261125T100001Z-rollout-bad';

  beforeEach(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'brownout-rollout-files-'));
    runs = path.join(root, 'runs');
    const store = new RolloutStore(runs);
    store.save(sampleRollout(good, { runDir: path.join(runs, good), phase: 'succeeded' }));
    store.save(sampleRollout(bad, { runDir: path.join(runs, bad), phase: 'succeeded' }));
    writeFileSync(path.join(runs, bad, ROLLOUT_FILE), '{"format": "brownout.rollout/1" "id": "x"}\n');
    // A rollout-shaped file outside runs/, where `../<name>` would reach.
    mkdirSync(path.join(root, 'outside'), { recursive: true });
    writeFileSync(path.join(root, 'outside', ROLLOUT_FILE), JSON.stringify(sampleRollout('outside', { runDir: path.join(root, 'outside') })));
    said.length = 0;
    lines.length = 0;
    controller = new RolloutController({ progress, runsDir: runs });
    served = await serveRollouts(controller);
    file = path.join(runs, '.controller.json');
    writeControllerFile(file, { address: served.address, port: served.port, token: served.token, pid: process.pid, startedAt: '' });
  });
  afterEach(async () => {
    await served.close();
    await controller.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('rollout state files - GetRollout, WatchRollout, Promote with ../ ids are INVALID_ARGUMENT naming the field; nothing outside runs/ is read', async () => {
    const raw = new (loadRolloutProto().brownout.rollout.v1.Rollouts)(served.address, grpc.credentials.createInsecure());
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${served.token}`);
    try {
      for (const id of ['../outside', '../../x', '/etc/passwd', 'a/../../outside']) {
        const e = await new Promise<grpc.ServiceError | null>((resolve) => raw.GetRollout({ id }, md, (err) => resolve(err)));
        assert.equal(e?.code, grpc.status.INVALID_ARGUMENT, `GetRollout ${id}: ${e?.details ?? 'answered with a rollout'}`);
        assert.match(e!.details, /GetRolloutRequest\.id: /);
      }
      const p = await new Promise<grpc.ServiceError | null>((resolve) => raw.Promote({ id: '../outside', reason: '' }, md, (err) => resolve(err)));
      assert.equal(p?.code, grpc.status.INVALID_ARGUMENT);
      assert.match(p!.details, /PromoteRequest\.id: /);
    } finally {
      raw.close();
    }
    const api = await connectController({ startIfMissing: false, file });
    try {
      await assert.rejects((async () => { for await (const _ of api.watch('../outside')) { /* none */ } })(),
        (e: unknown) => exitCodeOf(e) === EXIT.badInput && /WatchRolloutRequest\.id/.test(String((e as { problems?: string[] }).problems)));
    } finally {
      api.close();
    }
    // The CLI refuses it itself, naming its argument.
    await assert.rejects(rolloutStatus({ id: '../outside', controllerFile: file, write }), (e: unknown) => exitCodeOf(e) === EXIT.badInput && /\[id\]/.test(String((e as { problems?: string[] }).problems)));
  });

  it('rollout state files - a damaged rollout.json is listed as damaged with its path and why; the others list and show; status of it exits 3 naming the file', async () => {
    const rs = await rolloutList({ controllerFile: file, write });
    assert.deepEqual(rs.map((r) => r.id), [good]);
    const text = lines.join('\n');
    assert.ok(text.includes(`DAMAGED ${bad}: ${path.join(runs, bad, ROLLOUT_FILE)}: not JSON: `), text);
    assert.match(text, /Expected ','/);
    lines.length = 0;
    assert.equal((await rolloutStatus({ id: good, controllerFile: file, write })).phase, 'succeeded');
    const err = await rolloutStatus({ id: bad, controllerFile: file, write }).then(() => undefined, (e: unknown) => e);
    assert.equal(exitCodeOf(err), EXIT.environment, String(err));
    assert.ok((err as Error).message.includes(path.join(runs, bad, ROLLOUT_FILE)), (err as Error).message);
    // The controller names it at start too, and resumes nothing from it.
    assert.deepEqual(await controller.recover(), []);
    assert.ok(said.some((m) => m.includes(`${path.join(runs, bad, ROLLOUT_FILE)} is damaged`)), said.join('\n'));
  });

  it('rollout state files - watch and decisions on an id nobody has are exit 2 at once', async () => {
    assert.equal(exitCodeOf(await rolloutWatch({ id: '20261125T100000Z-rollout-none', controllerFile: file, write }).then(() => undefined, (e: unknown) => e)), EXIT.badInput);
    assert.equal(exitCodeOf(await rolloutDecide({ action: 'promote', id: 'nosuch', controllerFile: file, write }).then(() => undefined, (e: unknown) => e)), EXIT.badInput);
  });
});
