// Run by state-files.test.ts in a process of its own whose BROWNOUT_RUNS_DIR is a temporary folder
// (the runs folder is fixed when core/layout.ts loads): fuzzed cluster state files under
// runs/.clusters/, read through what `chaos --attach` calls. Prints `ok <cases>` or the failure.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parseTopology, statesDir } from '../../clusters/index.ts';
import { planChaos } from '../../harness/cli/chaos.ts';
import { acceptsState, check, mutationsOf, nastyValue, RUNS } from './property.ts';

const mode = process.argv[2] ?? 'fields';
const valid = {
  runId: 'c1', backend: 'local', runDir: '/nonexistent/brownout-fuzz', createdAt: '2026-12-05T00:00:00.000Z', ownerPid: 1, detached: true,
  topology: parseTopology({ regions: [{ name: 'iad', servers: 3 }, { name: 'lhr', servers: 3 }, { name: 'syd', servers: 3 }], ping: { interval: '1s', max: 2 }, gatewayAuthTimeoutSec: 600 }),
  secrets: { systemPassword: 'x', gatewayPassword: 'y' }, endpoints: [],
};
mkdirSync(statesDir(), { recursive: true });
const file = path.join(statesDir(), 'c1.json');
// fields: a file whose topology and backend (what a plan takes from it) hold anything, read by id;
// anything: any text, and `latest` too (reaches readState and listStates, see state-files.test.ts).
const content = mode === 'fields'
  ? fc.tuple(fc.oneof(nastyValue, mutationsOf(valid.topology)), fc.oneof(fc.constantFrom('local', 'docker'), nastyValue)).map(([topology, backend]) => JSON.stringify({ ...valid, topology, backend }))
  : fc.oneof(fc.string(), nastyValue.map((v) => JSON.stringify(v) ?? ''), mutationsOf(valid).map((v) => JSON.stringify(v) ?? ''));
const ids = mode === 'fields' ? fc.constant('c1') : fc.constantFrom('c1', 'latest');
try {
  check(fc.property(content, ids, (text, id) => {
    writeFileSync(file, text);
    acceptsState(() => planChaos({ scenario: 'partition', attach: id, seed: 1 }), `--attach ${id} with ${file} = ${text.slice(0, 300)}`, 'c1.json');
  }), Math.min(RUNS, 1000));
  process.stdout.write('ok\n');
} catch (err) {
  const cause = err instanceof Error && err.cause instanceof Error ? `\ncaused by: ${err.cause.message}` : '';
  process.stdout.write(`${err instanceof Error ? err.message : String(err)}${cause}\n`);
  process.exitCode = 1;
}
