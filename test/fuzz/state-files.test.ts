// Fuzz: state files a user's machine holds (a cluster's runs/.clusters/<id>.json, a rollout's
// runs/<id>/rollout.json), as the entries that read them see them. A corrupt file is bad input
// naming the file (exit 2 or 3), never a stack.
// A damaged file may also be exit 3 (the environment holds a broken file), as long as the message
// names it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { RolloutController } from '../../harness/rollout/controller/controller.ts';
import { sampleRollout } from '../support/fake-rollout-service.ts';
import { acceptsState, check, mutationsOf, nastyValue } from './property.ts';
import { runScript } from '../support/run-script.ts';

/** The child's verdict: it fuzzes with the runs folder in a temporary directory. */
function fuzzClusterStates(mode: 'fields' | 'anything'): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-fuzz-state-'));
  try {
    const r = runScript('test/fuzz/state-files-child.ts', [mode], { ...process.env, BROWNOUT_RUNS_DIR: dir }, 60_000);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^ok$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('fuzz state files', function () {
  this.timeout(120_000);

  it('fuzz state files - chaos --attach <id>: a cluster state file whose topology and backend hold anything plans or is bad input naming the file', () => {
    fuzzClusterStates('fields');
  });

  it('fuzz state files - chaos --attach <id>|latest: a cluster state file holding any text (null, arrays, not JSON) is bad input naming the file', () => {
    fuzzClusterStates('anything');
  });

  it('fuzz state files - rollout get and list: a rollout.json holding anything is bad input naming the file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-fuzz-rollout-'));
    try {
      const controller = new RolloutController({ runsDir: dir });
      const file = path.join(dir, 'r-1', 'rollout.json');
      mkdirSync(path.dirname(file), { recursive: true });
      const content = fc.oneof(fc.string(), nastyValue.map((v) => JSON.stringify(v) ?? ''), mutationsOf(sampleRollout('r-1', { runDir: path.dirname(file) })).map((v) => JSON.stringify(v) ?? ''));
      check(fc.property(content, (text) => {
        writeFileSync(file, text);
        const err = (() => { try { controller.get('r-1'); return undefined; } catch (e) { return e; } })();
        if (err !== undefined) assert.match(String((err as Error).message), /rollout\.json/, 'the message names the file');
        acceptsState(() => controller.get('r-1'), `rollout.json = ${text.slice(0, 300)}`, 'rollout.json');
        acceptsState(() => controller.list(false), `list with rollout.json = ${text.slice(0, 300)}`, 'rollout.json');
      }), 1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
