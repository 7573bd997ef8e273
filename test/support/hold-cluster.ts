// A harness process that boots a small cluster, detaches it (as the rollout controller does, so a
// crash of its owner leaves it for a resume) and stays alive: a cluster in use by a live owner, which
// no `clean` or reaper may touch. Prints `READY <runId> <runDir>`; SIGTERM tears it down.
import { parseTopology, startCluster, type BackendName } from '../../clusters/index.ts';

const backend = (process.argv[2] ?? 'local') as BackendName;
const c = await startCluster(parseTopology({ variant: 'v2.10.14', regions: [{ name: 'iad', servers: 1 }, { name: 'lhr', servers: 1 }] }), { backend });
c.detach();
process.on('SIGTERM', () => void c.stop().finally(() => process.exit(143)));
process.stdout.write(`READY ${c.runId} ${c.runDir} ${c.endpoints().map((e) => e.monitorUrl).join(',')}\n`);
setInterval(() => {}, 60_000);
