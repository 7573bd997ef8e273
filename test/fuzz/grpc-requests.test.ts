// Fuzz: requests to the rollout API, over a real gRPC socket on 127.0.0.1 in front of a real
// RolloutController whose runs folder is a temporary one. Any request is answered, or refused as
// the caller's mistake (INVALID_ARGUMENT, NOT_FOUND or FAILED_PRECONDITION: exit 2 at the CLI) with
// its problems; never INTERNAL (exit 4), never a hang.
// An id that breaks the run-id rule is refused as such (INVALID_ARGUMENT naming the field).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { runIdProblem } from '../../core/run-id.ts';
import { RolloutController } from '../../harness/rollout/controller/controller.ts';
import { RolloutApi } from '../../harness/rollout/grpc/client.ts';
import { sampleRollout } from '../support/fake-rollout-service.ts';
import { serveRollouts, type ServedRollouts } from '../../harness/rollout/grpc/server.ts';
import { parsePlaybookText, PLAYBOOK_MAX_BYTES, validatePlaybook } from '../../harness/rollout/playbook.ts';
import { acceptsAsync, assertBadInput, check, mutationsOf, nastyString, nastyValue } from './property.ts';

const small = { name: 'p', cluster: { preset: 'two-regions' }, baseline: 'stock', target: 'patched', stages: [{ kind: 'canary', faults: [{ type: 'latency', to: 'lhr', latencyMs: 5, atSeconds: 1 }] }, { kind: 'global' }] };

/** True when the controller would accept `text` and go on to boot or attach: never sent here. */
function wouldStart(text: string, source: string): boolean {
  try {
    validatePlaybook(parsePlaybookText(text, source), source);
    return true;
  } catch {
    return false;
  }
}

describe('fuzz grpc requests', function () {
  this.timeout(120_000);
  let dir: string;
  let controller: RolloutController;
  let served: ServedRollouts;
  let api: RolloutApi;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-fuzz-grpc-'));
    controller = new RolloutController({ runsDir: dir });
    // One ended rollout, so some ids (and '' for the newest) find something: a decision on it is refused, nothing runs.
    controller.store.save(sampleRollout('r-ended', { phase: 'succeeded', runDir: path.join(dir, 'r-ended') }));
    served = await serveRollouts(controller);
    api = new RolloutApi({ address: served.address, port: served.port, token: served.token, pid: process.pid, startedAt: '' });
  });
  after(async () => {
    api?.close();
    await served?.close();
    await controller?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fuzz grpc requests - get, promote, abort and resume with any id and reason: an answer or a refusal with problems, never INTERNAL', async () => {
    const id = fc.oneof(nastyString, fc.constantFrom('', 'r-ended', '../r-ended', 'r-ended/..', './r-ended', '/etc', 'r-ended\u0000'));
    const call = fc.constantFrom('get', 'promote', 'abort', 'resume') as fc.Arbitrary<'get' | 'promote' | 'abort' | 'resume'>;
    await check(fc.asyncProperty(call, id, nastyString, async (method, i, reason) => {
      const what = `${method} ${JSON.stringify(i).slice(0, 100)}`;
      await acceptsAsync(() => (method === 'get' ? api.get(i) : api[method](i, reason)), what);
      // An id that is not a run id ('' asks for the newest) is refused as such, before any file is read.
      if (i !== '' && runIdProblem(i)) {
        await api.get(i).then(() => assert.fail(`${what}: a bad id was answered`), (err: unknown) => {
          assertBadInput(err, what);
          assert.match([err.message, ...err.problems].join('\n'), /is not a run id/, `${what}: refused for another reason`);
        });
      }
    }), 400);
  });

  it('fuzz grpc requests - WatchRollout with any id: a snapshot, or a refusal with problems, never INTERNAL and never a hang', async () => {
    const id = fc.oneof(nastyString, fc.constantFrom('', 'r-ended', '../r-ended'));
    await check(fc.asyncProperty(id, async (i) => {
      const ac = new AbortController();
      await acceptsAsync(async () => {
        // The first event is the snapshot; an ended rollout's stream ends after it, a live one is cut here.
        for await (const e of api.watch(i, ac.signal)) {
          assert.ok('snapshot' in e, `the first event is a snapshot: ${JSON.stringify(e).slice(0, 200)}`);
          ac.abort();
        }
      }, `watch ${JSON.stringify(i).slice(0, 100)}`);
    }), 200);
  });

  it('fuzz grpc requests - StartRollout with any playbook text, source and seed: INVALID_ARGUMENT with every problem, never INTERNAL', async () => {
    const text = fc.oneof(fc.string(), nastyValue.map((v) => JSON.stringify(v) ?? ''), mutationsOf(small).map((v) => stringify(v) ?? ''));
    const source = fc.oneof(fc.constantFrom('fuzz.yaml', 'fuzz.json', ''), nastyString);
    const seed = fc.option(fc.nat(), { nil: undefined });
    await check(fc.asyncProperty(text, source, seed, async (t, s, sd) => {
      fc.pre(!wouldStart(t, s || 'playbook'));
      await acceptsAsync(() => api.start({ playbook: t, source: s, ...(sd === undefined ? {} : { seed: sd }) }), `start ${JSON.stringify(t).slice(0, 200)}`);
    }), 300);
  });

  it('fuzz grpc requests - a playbook over the size limit is INVALID_ARGUMENT naming the size, not RESOURCE_EXHAUSTED', async () => {
    const big = `name: p\ndescription: ${'x'.repeat(PLAYBOOK_MAX_BYTES + 10)}\n`;
    await assert.rejects(api.start({ playbook: big, source: 'big.yaml' }), (e: unknown) => {
      assertBadInput(e, 'start big.yaml');
      return /big\.yaml is too large: \d+ bytes/.test(e.message);
    });
  });
});
