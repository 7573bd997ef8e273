import assert from 'node:assert/strict';
import { isOrphan, runLabels, LABEL_OWNER_START, LABEL_STATE, type LabeledRun } from './docker-resources.ts';

describe('docker resources', () => {
  const run: LabeledRun = { owner: 4242, ownerStart: 7, detached: false, state: '/r/.clusters/x.json' };
  const cases: [string, LabeledRun, { known: boolean; stateExists: boolean; ownerAlive: boolean }, boolean][] = [
    ['its labeled owner is gone and its state file too: an orphan', run, { known: false, stateExists: false, ownerAlive: false }, true],
    ['its labeled owner lives: not an orphan', run, { known: false, stateExists: false, ownerAlive: true }, false],
    ['its state file exists (another runs folder; a resumed controller may own it now): not an orphan, whatever the labels say', run, { known: false, stateExists: true, ownerAlive: false }, false],
    ['known to this reaper by its state file: judged there, not here', run, { known: true, stateExists: false, ownerAlive: false }, false],
    ['left up on purpose: not an orphan', { ...run, detached: true }, { known: false, stateExists: false, ownerAlive: false }, false],
  ];
  for (const [name, r, facts, want] of cases) it(`docker resources - orphan sweep: ${name}`, () => assert.equal(isOrphan(r, facts), want));

  it('docker resources - labels name the owner with its start time and the state file', () => {
    const l = runLabels('r1');
    assert.ok(Number(l[LABEL_OWNER_START]) > 0);
    assert.match(l[LABEL_STATE]!, /\.clusters\/r1\.json$/);
  });
});
