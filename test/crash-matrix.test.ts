// The crash matrix: the harness SIGKILLed at every phase of a run that owns something (servers
// starting, lossy links applied (iptables rules on docker), a partition applied, the teardown), on
// both backends; then `clean`, as a user would. Nothing of the killed run may be left (processes,
// containers, networks, volumes, iptables rules in any namespace, ports, temp files, state files),
// while a cluster whose owner lives (detached, as the rollout controller keeps it) and a stranger's
// `tail -f` on that cluster's folder are untouched, and every state file still reads.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { exited, startBystanders, stopBystanders, tsx, unhealthy, waitFor, type Child } from './support/child-harness.ts';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { leaks, snapshot } from '../bench/leftovers.ts';
import { ensureBuilt } from './support/build.ts';
import { requireDockerEngine } from './support/docker-engine.ts';

interface Phase { name: string; marker: RegExp; afterMs?: number }
const PHASES: Phase[] = [
  { name: 'servers starting', marker: /starting \d+ server/ },
  { name: 'lossy links applied', marker: /packet-loss f1 on/, afterMs: 500 },
  { name: 'partition applied', marker: /partition f2 on/ },
  { name: 'teardown', marker: /settle: watching recovery/, afterMs: 2300 },
];

for (const backend of ['local', 'docker'] as const) {
  describe(`crash matrix (${backend})`, function () {
    this.timeout(300_000);
    let runsDir: string;
    let tmpDir: string;
    let env: NodeJS.ProcessEnv;
    let holder: Child;
    let holderUrls: string[];
    let tail: ChildProcess;

    before(async function () {
      this.timeout(600_000);
      if (backend === 'docker') await requireDockerEngine(this);
      await ensureBuilt();
      ({ runsDir, tmpDir, env, holder, holderUrls, tail } = await startBystanders(backend, 'brownout-crash-runs-'));
    });

    after(async function () {
      this.timeout(180_000);
      await stopBystanders({ tail, holder, env, runsDir });
    });

    PHASES.forEach((phase, i) => {
      it(`crash matrix - SIGKILL at ${phase.name} (${backend}): clean leaves nothing of the run, the live owner's cluster and a stranger's tail untouched`, async () => {
        const before = await snapshot(runsDir, tmpDir);
        const run = tsx(['bench/leaks-child.ts', backend, String(7000 + i)], env);
        await waitFor(run, phase.marker, 240_000, `the run reaching "${phase.name}"`);
        if (phase.afterMs) await new Promise((r) => setTimeout(r, phase.afterMs));
        run.kill('SIGKILL');
        await exited(run, 10_000);
        const clean = tsx(['scripts/clean.ts'], env);
        const cleanExit = await exited(clean, 120_000);
        assert.equal(cleanExit, 0, `clean exited ${cleanExit}:\n${clean.output()}`);
        assert.deepEqual(leaks(before, await snapshot(runsDir, tmpDir)), {}, `left after clean:\n${clean.output()}`);
        assert.equal(tail.exitCode ?? tail.signalCode, null, 'the stranger\'s tail -f was signalled');
        assert.equal(holder.exitCode ?? holder.signalCode, null, 'the live owner exited');
        for (const f of readdirSync(path.join(runsDir, '.clusters')).filter((n) => n.endsWith('.json'))) {
          assert.doesNotThrow(() => JSON.parse(readFileSync(path.join(runsDir, '.clusters', f), 'utf8')), `state file ${f} does not read`);
        }
        assert.deepEqual(await unhealthy(holderUrls), [], `the live owner's servers stopped answering; clean said:\n${clean.output()}`);
      });
    });
  });
}
