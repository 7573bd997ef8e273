import assert from 'node:assert/strict';
import { gate } from '../harness/cli/gate.ts';
import { ensureBuilt, type Built } from './support/build.ts';
import type { RunResult } from '../harness/run/run-scenario.ts';

// The detection proof: a harness that cannot tell stock from patched is broken, whatever else
// passes. Stock v2.10.14 must fail packet-loss (a gateway stuck in handshake after the heal) and
// statsz-storm (STATSZ over the bound); the patched variant must pass the whole gate.
const failedOf = (r: RunResult) => r.verdict.results.filter((t) => !t.pass).map((t) => t.name);
const lines: string[] = [];
const write = (l: string) => { lines.push(l); process.stdout.write(l.replace(/^/gm, '      ') + '\n'); };

describe('release gate detection proof', function () {
  this.timeout(900_000);
  let built: Built;
  before(async () => {
    built = await ensureBuilt();
  });

  it('gate - stock v2.10.14 fails packet-loss on a gateway stuck in handshake after the heal', async () => {
    const r = await gate({ variant: built.stock, backend: 'local', seed: 1, scenarios: ['packet-loss'], write });
    assert.equal(r.pass, false);
    const run = r.runs[0]!;
    assert.equal(run.incomplete, false);
    assert.ok(failedOf(run).includes('recovery.noneStuck'), `failed: ${failedOf(run).join(', ')}`);
  });

  it('gate - stock v2.10.14 fails statsz-storm on the STATSZ rate bound', async () => {
    const r = await gate({ variant: built.stock, backend: 'local', seed: 1, scenarios: ['statsz-storm'], write });
    assert.equal(r.pass, false);
    assert.ok(failedOf(r.runs[0]!).includes('statsz.maxPerServerPerSecond'), `failed: ${failedOf(r.runs[0]!).join(', ')}`);
  });

  it('gate - the patched variant passes the whole gate suite', async () => {
    const r = await gate({ variant: built.patched, backend: 'local', seed: 1, write });
    assert.deepEqual(r.runs.map((x) => [x.scenario, failedOf(x)]), r.runs.map((x) => [x.scenario, []]));
    assert.equal(r.pass, true);
  });
});
