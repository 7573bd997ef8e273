// rollout.json on disk: written through a temp file of the writer's own; read through the schema, a
// file that is not a rollout named with its path (exit 3), never in the way of the others; an id
// that could leave runs/ refused before any file is touched.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BadInputError, EXIT, exitCodeOf } from '../../../core/errors.ts';
import { sampleRollout } from '../../../test/support/fake-rollout-service.ts';
import type { RolloutState } from '../../rollout-model/index.ts';
import { DamagedRolloutError, RolloutNotFoundError } from './rollout-service.ts';
import { ROLLOUT_FILE, RolloutStore } from './store.ts';

describe('rollout store', () => {
  let runs: string;
  let store: RolloutStore;
  const sample = (id: string, over: Partial<RolloutState> = {}) => sampleRollout(id, { runDir: path.join(runs, id), ...over });
  beforeEach(() => {
    runs = mkdtempSync(path.join(os.tmpdir(), 'brownout-rollout-store-'));
    store = new RolloutStore(runs);
  });
  afterEach(() => rmSync(runs, { recursive: true, force: true }));

  it('rollout store - save then load gives the same state; no temp file stays behind', () => {
    const s = sample('20261125T100000Z-rollout-a');
    store.save(s);
    assert.deepEqual(store.load(s.id), s);
    assert.deepEqual(readdirSync(s.runDir), [ROLLOUT_FILE]);
  });

  it('rollout store - save writes through a temp file of its own: a leftover at another writer\'s fixed temp name does not stop it', () => {
    const s = sample('20261125T100000Z-rollout-a');
    // What a crashed writer of the same pid would have left at the old fixed name `rollout.json.<pid>.tmp`.
    mkdirSync(path.join(s.runDir, `${ROLLOUT_FILE}.${process.pid}.tmp`), { recursive: true });
    store.save(s);
    assert.equal(store.load(s.id).id, s.id);
  });

  it('rollout store - a torn rollout.json is damaged: exit 3, the message names the file and the parse error', () => {
    const s = sample('20261125T100000Z-rollout-torn');
    store.save(s);
    const file = path.join(s.runDir, ROLLOUT_FILE);
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 200));
    const err = (() => { try { store.load(s.id); } catch (e) { return e; } })();
    assert.ok(err instanceof DamagedRolloutError, String(err));
    assert.equal(exitCodeOf(err), EXIT.environment);
    assert.ok(err.message.includes(file), err.message);
    assert.match(err.message, /not JSON: /);
  });

  it('rollout store - a file of the right syntax but the wrong shape is damaged too, each problem with its path', () => {
    const s = sample('20261125T100000Z-rollout-odd');
    store.save({ ...s, phase: 'sideways' as RolloutState['phase'], stages: [{ ...s.stages[0]!, servers: [{ ...s.stages[0]!.servers[0]!, step: 'flying' as never }] }] });
    const err = (() => { try { store.load(s.id); } catch (e) { return e; } })();
    assert.ok(err instanceof DamagedRolloutError, String(err));
    assert.ok(err.problems.some((p) => p.startsWith('phase: ')), err.problems.join('\n'));
    assert.ok(err.problems.some((p) => p.startsWith('stages.0.servers.0.step: ')), err.problems.join('\n'));
    // A file moved into another rollout's folder is not that rollout.
    const t = sample('20261125T100000Z-rollout-moved');
    store.save(t);
    writeFileSync(path.join(t.runDir, ROLLOUT_FILE), JSON.stringify({ ...t, id: '20261125T100000Z-rollout-elsewhere' }));
    assert.throws(() => store.load(t.id), (e: unknown) => e instanceof DamagedRolloutError && /id: "20261125T100000Z-rollout-elsewhere", but the file is in runs\/20261125T100000Z-rollout-moved/.test(e.message));
  });

  it('rollout store - scan lists every good rollout and each damaged file with its path and why', () => {
    const good = sample('20261125T100000Z-rollout-good');
    const bad = sample('20261125T100001Z-rollout-bad');
    store.save(good);
    store.save(bad);
    writeFileSync(path.join(bad.runDir, ROLLOUT_FILE), '{"format": "brownout.rollout/1" "id": 1}');
    const { states, damaged } = store.scan();
    assert.deepEqual(states.map((s) => s.id), [good.id]);
    assert.equal(damaged.length, 1);
    assert.equal(damaged[0]!.id, bad.id);
    assert.equal(damaged[0]!.path, path.join(bad.runDir, ROLLOUT_FILE));
    assert.match(damaged[0]!.error, /not JSON: .*Expected ','/);
  });

  it('rollout store - an id that could leave runs/ is bad input naming the field; an absent one is not found', () => {
    for (const id of ['../../x', '../x', '/etc', 'a/../../b', '.hidden']) {
      assert.throws(() => store.load(id), (e: unknown) => e instanceof BadInputError && !(e instanceof RolloutNotFoundError) && e.problems[0]!.startsWith('id: '), id);
    }
    assert.throws(() => store.load('20261125T100000Z-rollout-none'), RolloutNotFoundError);
  });
});
