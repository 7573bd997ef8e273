import assert from 'node:assert/strict';
import path from 'node:path';
import { runScenario, type RunResult } from '../harness/run/execute-plan.ts';
import { readTimeline, recordsOf, type FaultRecord } from '../harness/timeline/index.ts';
import { ROUTE_DNS_TAGS, ensureStockTag } from './support/build.ts';
import { requireDockerEngine } from './support/docker-engine.ts';
import { result, shown } from './support/run-verdict.ts';

// routes.poolComplete on released tags, on docker (configured route names differ from the IPs the
// servers gossip; local routes are 127.0.0.1 on both sides). route-dns: lhr-2's DNS lookups are
// refused (dns-outage, an iptables rule in its container's namespace) while lhr-1's routes are
// reset, so lhr-2 redials lhr-1 by the gossiped IP; once names resolve, the configured dial upgrades
// those connections; then the lhr-2↔lhr-1 $SYS route is reset alone, and one pooled connection
// every 3 s. v2.12.14 (before nats-server PR #8454 and #8527) drops each of those reconnects without
// a word: routes.poolComplete fails while the link rule sees the route up. v2.15.3 redials each:
// every threshold passes. One seed; v2.12.15 (#8454 only: the $SYS route stays lost) and the
// test-only drop-pool-slot build on docker are measured by the detection bench's docker route cells
// (bench/results/detection.md).
const SEED = 1;

const faultRecords = async (r: RunResult, type: string): Promise<FaultRecord[]> =>
  recordsOf(await readTimeline(path.join(r.runDir, 'timeline.ndjson')), 'fault').filter((x) => x.fault === type);

describe('route detectors on docker', function () {
  this.timeout(300_000);
  before(async function () {
    await requireDockerEngine(this);
    this.timeout(1_200_000);
    await ensureStockTag(ROUTE_DNS_TAGS.affected);
    await ensureStockTag(ROUTE_DNS_TAGS.fixed);
  });

  const run = async (variant: string): Promise<RunResult> => {
    const r = await runScenario({ scenario: 'route-dns', variant, backend: 'docker', seed: SEED });
    process.stdout.write(`      route-dns on ${variant} (docker): ${r.verdict.pass ? 'PASS' : 'FAIL'}; run: ${r.runDir}\n`);
    assert.equal(r.incomplete, false, `the run completed (${r.error ?? 'no error'})`);
    // The faults acted where they say: the DNS rule in lhr-2's container, lhr-1's routes reset, then
    // one lhr-2 route socket per round.
    const dns = (await faultRecords(r, 'dns-outage')).find((x) => x.phase === 'applied');
    const rules = (dns?.attributes?.rules ?? []) as { server: string; namespace: string; rule: string }[];
    assert.deepEqual(rules.map((x) => x.server), ['lhr-2'], JSON.stringify(dns));
    assert.match(rules[0]!.namespace, /^brownout-.*-lhr-2$/);
    assert.match(rules[0]!.rule, /-d 127\.0\.0\.11 .*-j REJECT/);
    assert.ok(((dns?.attributes?.routeSocketsReset as Record<string, number>)?.['lhr-1'] ?? 0) >= 8, `lhr-1's routes reset: ${JSON.stringify(dns?.attributes)}`);
    // One socket a round: first the $SYS route alone, then one pooled connection a round.
    const resets = (await faultRecords(r, 'route-reset')).filter((x) => x.phase === 'reverted');
    assert.equal(resets.length, 2, JSON.stringify(resets));
    for (const x of resets) assert.equal((x.attributes?.destroyed as Record<string, number>)?.['lhr-2'], x.attributes?.rounds, `one socket a round: ${JSON.stringify(x.attributes)}`);
    assert.deepEqual(resets.map((x) => x.attributes?.rounds), [1, 2]);
    return r;
  };

  it(`routes - route-dns on docker: ${ROUTE_DNS_TAGS.affected} (before PR #8454/#8527) fails routes.poolComplete between lhr-2 and lhr-1 while every link is up`, async () => {
    const r = await run(ROUTE_DNS_TAGS.affected);
    const p = result(r, 'routes.poolComplete');
    assert.equal(p.status, 'fail', shown(r));
    assert.ok(p.evidence.some((e) => /^lhr-2 → lhr-1: [12] of 3 pooled routes, no route pinned to account SYS since /.test(e)), shown(r));
    assert.deepEqual(r.verdict.detectorsFailed, ['routes.poolComplete'], shown(r));
    // Silent to the link rule: a route is up between the two all along.
    assert.equal(result(r, 'recovery.noneStuck').status, 'pass', shown(r));
    // When a lost slot is the one the probe's account hashes to, the log stream between the regions
    // loses messages: the probe guards fail beside it, a consequence of the same bug. Nothing else may.
    assert.deepEqual(r.verdict.guardsFailed.filter((g) => !g.startsWith('probe.')), [], shown(r));
  });

  it(`routes - route-dns on docker: ${ROUTE_DNS_TAGS.fixed} (after both fixes) redials every reset connection and passes`, async () => {
    const r = await run(ROUTE_DNS_TAGS.fixed);
    assert.equal(result(r, 'routes.poolComplete').status, 'pass', shown(r));
    assert.equal(r.verdict.pass, true, shown(r));
  });
});
