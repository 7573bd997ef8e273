// One run of the leak soak, in a process of its own so the soak can SIGKILL it: a short scenario
// that owns something at every phase (a booted cluster, a Toxiproxy partition, IP-level loss rules
// on docker), started with `node --import tsx` so the pid the soak kills is the harness itself.
import { executePlan, planRun } from '../harness/run/index.ts';
import { createProgress } from '../core/progress.ts';

export const LEAK_SCENARIO = {
  name: 'leak-soak',
  description: 'boot 2 x 2, lossy links into lhr, partition lhr, heal',
  topology: { regions: [{ name: 'iad', servers: 2 }, { name: 'lhr', servers: 2 }] },
  steps: [
    { name: 'baseline', holdSeconds: 1 },
    { name: 'lossy links into lhr', fault: { type: 'packet-loss', to: 'lhr', probability: 0.5, flapEverySeconds: 2, flapDownMs: 200, stallSeconds: 1 }, holdSeconds: 4 },
    { name: 'partition lhr', fault: { type: 'partition', region: 'lhr' }, holdSeconds: 2 },
  ],
  settleSeconds: 2,
  detectors: ['recovery.maxSeconds'],
  thresholds: {},
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const [backend, seed] = [process.argv[2] as 'local' | 'docker', Number(process.argv[3])];
  const plan = planRun({ scenario: { input: LEAK_SCENARIO, source: 'leak-soak' }, backend, seed });
  const r = await executePlan(plan, { progress: createProgress('leak-run') });
  process.stdout.write(`run ${r.runDir}: ${r.verdict.pass ? 'pass' : 'fail'}\n`);
  process.exit(0);
}
