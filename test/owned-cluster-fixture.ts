// A harness that boots a small local cluster, detaches it (as the rollout controller does: kept for
// a resume) and stays alive as its owner until killed, for test/cluster-ownership.test.ts.
import { parseTopology, startCluster } from '../clusters/index.ts';

const c = await startCluster(parseTopology({ variant: 'v2.10.14', ping: { interval: '1s', max: 2 }, regions: [{ name: 'iad', servers: 1 }, { name: 'lhr', servers: 1 }] }), { backend: 'local' });
c.detach();
process.stdout.write(`READY ${c.runId} ${c.runDir}\n`);
setInterval(() => {}, 60_000);
