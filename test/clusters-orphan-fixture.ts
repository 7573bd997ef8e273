// A harness that boots a small cluster and waits for a signal from test/clusters-shared.ts:
// SIGTERM must tear the cluster down; after kill -9 the next reaper must remove what it left.
import { parseTopology, startCluster, type BackendName } from '../clusters/index.ts';

const backend = (process.argv[2] ?? 'local') as BackendName;
const c = await startCluster(parseTopology({ variant: 'v2.10.14', regions: [{ name: 'iad', servers: 1 }, { name: 'lhr', servers: 1 }] }), { backend });
process.stdout.write(`READY ${c.runId} ${c.runDir}\n`);
setInterval(() => {}, 60_000);
