// A harness that attaches to a cluster left up (argv[2]: its run id), puts IP-level loss into lhr
// and the stateful firewall on lhr-1, says READY and waits, for test/rule-ledger-docker.test.ts to
// SIGKILL it: what it placed must then be found and taken out from its rule ledger.
import { attachCluster } from '../clusters/index.ts';

const c = await attachCluster(process.argv[2]!, { meshDeadlineMs: 0 });
const loss = await c.links.packetLoss({ to: 'lhr' }, 0.3, { at: 'proxy' });
const firewall = await c.links.dropUnknownConnections(['lhr-1']);
process.stdout.write(`READY ${JSON.stringify({ loss: loss.rules.length, firewall: firewall.length })}\n`);
setInterval(() => {}, 60_000);
