// A harness that dies before it writes its state file: boots one swarm run (the backend alone, no
// state file, no exit handlers) and SIGKILLs itself. Its services, networks and secrets carry the run
// label and this (then dead) process as owner: `clean` must find them by label (test/swarm.test.ts).
import { generateSecrets } from '../../clusters/secrets.ts';
import { SwarmBackend } from '../../clusters/swarm-backend.ts';
import { parseTopology } from '../../clusters/topology.ts';
import { silentProgress } from '../../core/progress.ts';

const runId = process.argv[2]!;
await SwarmBackend.start(parseTopology({ regions: [{ name: 'iad', servers: 1 }, { name: 'lhr', servers: 1 }] }), runId, generateSecrets(), silentProgress);
process.stdout.write(`up ${runId}\n`);
process.kill(process.pid, 'SIGKILL');
