// The stuck gateway as the observer sees it (docs/ARCHITECTURE.md, facts: the stuck gateway, way (a)): blackhole every link into
// lhr, so iad's gateways time out and redial into a handshake whose INFO never arrives; then lift
// the blackhole by setting its toxicity to 0 (the live connection passes bytes again, nobody resends
// INFO; lhr's long gateway auth timeout stands for the lost close). The observer must report those
// outbounds as `handshake`, not `up` and not `down`: stock stays there, patched redials and is up.
import assert from 'node:assert/strict';
import { parseTopology, startCluster, waitFor, type StartedCluster } from '../clusters/index.ts';
import { linkOutages, startObserver, type StartedObserver } from '../harness/observe/index.ts';
import { MemoryTimeline, recordsOf, type LinkRecord, type TimelineRecord } from '../harness/timeline/index.ts';
import { ensureBuilt, type Built } from './support/build.ts';

const REMOTE = 'lhr';
/** ping_interval × (ping_max + 1) = 3 s is the patch's handshake deadline; 8 s leaves room to redial. */
const AFTER_HEAL_MS = 8000;

interface HandshakeRun { records: readonly TimelineRecord[]; healedAt: number; dialers: string[] }

function latest(records: readonly TimelineRecord[]): Map<string, LinkRecord> {
  const m = new Map<string, LinkRecord>();
  for (const r of recordsOf(records, 'link')) if (r.linkType === 'gateway' && r.peer === REMOTE) m.set(r.server, r);
  return m;
}

async function blackholeHandshake(variant: string): Promise<HandshakeRun> {
  const cluster: StartedCluster = await startCluster(parseTopology({
    variant, ping: { interval: '1s', max: 2 }, gatewayAuthTimeoutSec: 120,
    regions: [{ name: 'iad', servers: 2 }, { name: REMOTE, servers: 1 }],
  }), { backend: 'local', meshDeadlineMs: 60_000 });
  let observer: StartedObserver | undefined;
  try {
    const timeline = new MemoryTimeline();
    observer = await startObserver(cluster, { timeline, statszOn: `${REMOTE}-1`, intervalMs: 500 });
    const dialers = cluster.endpoints().filter((e) => e.region !== REMOTE).map((e) => e.name);
    const toxic = await cluster.links.addToxic({ to: REMOTE }, { type: 'blackhole', direction: 'both' });
    try {
      // Patched closes a stuck handshake after 3 s and redials, so dialers need not be in it at once.
      await waitFor(`every gateway into ${REMOTE} seen in handshake under the blackhole`, 30_000, async () => {
        const seen = new Set(recordsOf(observer!.records(), 'link').filter((r) => r.peer === REMOTE && r.state === 'handshake').map((r) => r.server));
        const notYet = dialers.filter((d) => !seen.has(d));
        return notYet.length === 0 ? { done: true, value: true } : { done: false, missing: notYet.map((d) => `${d}: ${latest(observer!.records()).get(d)?.state}`).join(', ') };
      }, 250);
      await toxic.update({ toxicity: 0 });
      const healedAt = Date.now();
      observer.note(`blackhole into ${REMOTE} lifted (toxicity 0)`);
      await new Promise((r) => setTimeout(r, AFTER_HEAL_MS));
      await observer.stop();
      return { records: timeline.records, healedAt, dialers };
    } finally {
      await toxic.remove().catch(() => undefined);
    }
  } finally {
    await observer?.stop();
    await cluster.stop();
  }
}

describe('observe handshake', function () {
  let built: Built;
  before(async function () {
    this.timeout(600_000);
    built = await ensureBuilt();
  });

  it('observe handshake - stock: an outbound gateway stuck in handshake stays `handshake` after the network heals', async function () {
    this.timeout(120_000);
    const run = await blackholeHandshake(built.stock);
    const now = latest(run.records);
    const stuck = run.dialers.filter((d) => now.get(d)?.state === 'handshake' && now.get(d)!.since <= run.healedAt);
    console.log(`      stock after ${AFTER_HEAL_MS / 1000}s healed: ${run.dialers.map((d) => `${d}→${REMOTE} ${now.get(d)?.state}`).join(', ')}`);
    assert.ok(stuck.length > 0, `no gateway stayed in handshake: ${[...now.values()].map((l) => `${l.server} ${l.state}`).join(', ')}`);
    const open = linkOutages(run.records).filter((o) => o.linkType === 'gateway' && o.peer === REMOTE && o.upAt === null);
    assert.ok(open.every((o) => o.sawHandshake), 'the open outages are handshakes');
  });

  it('observe handshake - patched: the stuck handshake is closed and the gateway is up, with its recovery time', async function () {
    this.timeout(120_000);
    const run = await blackholeHandshake(built.patched);
    const now = latest(run.records);
    console.log(`      patched after ${AFTER_HEAL_MS / 1000}s healed: ${run.dialers.map((d) => `${d}→${REMOTE} ${now.get(d)?.state}`).join(', ')}`);
    assert.deepEqual(run.dialers.map((d) => now.get(d)?.state), run.dialers.map(() => 'up'));
    const healed = linkOutages(run.records).filter((o) => o.linkType === 'gateway' && o.peer === REMOTE && o.sawHandshake);
    assert.ok(healed.length >= run.dialers.length, `${healed.length} handshake outages`);
    for (const o of healed) {
      assert.notEqual(o.upAt, null);
      assert.ok(o.upAt! - run.healedAt < AFTER_HEAL_MS, `${o.server}→${REMOTE} up ${o.upAt! - run.healedAt} ms after the heal`);
    }
  });
});
