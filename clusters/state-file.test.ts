import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../core/errors.ts';
import { selfIdentity } from '../core/process-identity.ts';
import type { Backend } from './backend.ts';
import { Cluster } from './cluster.ts';
import { generateSecrets } from './secrets.ts';
import { readState, removeState, scanStates, stateFilePath, StateFileError, statesDir, updateState, writeState, type ClusterState } from './state-file.ts';
import { parseTopology, serversOf, type Topology } from './topology.ts';

const topology = parseTopology({ variant: 'v2.10.14', regions: [{ name: 'iad', servers: 2 }] });
const newId = () => `test-state-${randomBytes(4).toString('hex')}`;

function stateOf(runId: string, t: Topology = topology): ClusterState {
  const me = selfIdentity();
  return {
    runId, backend: 'local', runDir: path.join('/tmp', runId, 'cluster'), createdAt: new Date().toISOString(),
    ownerPid: me.pid, owner: me, detached: false, topology: t, secrets: generateSecrets(), endpoints: [],
    local: {
      toxiproxy: { pid: 1, apiUrl: 'http://127.0.0.1:1' },
      servers: Object.fromEntries(serversOf(t).map((s, i) => [s.name, { pid: null, variant: s.variant, ports: { client: i + 1, cluster: i + 1, gateway: i + 1, monitor: i + 1, proxy: i + 1 } }])),
    },
  };
}

/** A backend with no processes: it only keeps each server's variant, as the local backend's state would. */
function fakeBackend(s: ClusterState): Backend {
  const variants = new Map(Object.entries(s.local!.servers).map(([n, x]) => [n, x.variant]));
  const endpoint = (name: string) => ({ name, region: 'iad', variant: variants.get(name)!, clientUrl: 'nats://127.0.0.1:1', monitorUrl: 'http://127.0.0.1:1' });
  const b: Backend = {
    kind: 'local', proxies: [], endpoint,
    startServer: async (name, variant) => { variants.set(name, variant); b.onStateChange?.(); },
    stopServer: async () => {}, isRunning: async () => true, enterLameDuck: async () => {}, waitForExit: async () => true,
    pause: async () => {}, resume: async () => {}, logs: async () => '',
    stateFields: () => ({ local: { toxiproxy: s.local!.toxiproxy, servers: Object.fromEntries([...variants].map(([n, v]) => [n, { ...s.local!.servers[n]!, variant: v }])) } }),
    teardown: async () => {}, teardownSync: () => {},
  };
  return b;
}

describe('state-file', () => {
  const made: string[] = [];
  afterEach(() => { for (const id of made.splice(0)) removeState(id); });

  it('state-file - a state round-trips through the schema; writes leave no temp or lock file behind', () => {
    const id = newId();
    made.push(id);
    const s = stateOf(id);
    writeState(s);
    assert.deepEqual(readState(id), s);
    assert.deepEqual(readdirSync(statesDir()).filter((f) => f.includes(id) && f !== `${id}.json`), []);
  });

  it('state-file - a bad run id is bad input; a bad file is a StateFileError naming the file, and the others still list', () => {
    assert.throws(() => readState('../x'), (e: unknown) => e instanceof BadInputError && /run id/.test(e.problems.join()));
    const id = newId();
    made.push(id);
    writeState(stateOf(id));
    const broken = newId();
    made.push(broken);
    writeFileSync(stateFilePath(broken), '{"runId": "x"');
    assert.throws(() => readState(broken), (e: unknown) => e instanceof StateFileError && e.message.includes(stateFilePath(broken)) && e.exitCode === 3);
    writeFileSync(stateFilePath(broken), JSON.stringify({ ...stateOf(broken), runDir: 'relative', ownerPid: 'me' }));
    assert.throws(() => readState(broken), (e: unknown) => e instanceof StateFileError && /runDir: an absolute path/.test(e.message) && /ownerPid/.test(e.message));
    writeFileSync(stateFilePath(broken), JSON.stringify(stateOf(id)));
    assert.throws(() => readState(broken), /does not match the file name/);
    const scan = scanStates();
    assert.ok(scan.states.some((s) => s.runId === id));
    assert.ok(scan.bad.some((e) => e.file === stateFilePath(broken)));
  });

  it('state-file - updateState does not bring back a removed state', () => {
    const id = newId();
    assert.equal(updateState(id, (s) => s), undefined);
    assert.equal(readState(id), undefined);
  });

  it('state-file - an attached writer and the owner change different servers: both changes are kept', async () => {
    const id = newId();
    made.push(id);
    const s = stateOf(id);
    writeState(s);
    const owner = new Cluster(id, topology, s.runDir, s.secrets, fakeBackend(s));
    const attached = new Cluster(id, topology, s.runDir, s.secrets, fakeBackend(readState(id)!), {
      owned: false, createdAt: s.createdAt, ownerPid: s.ownerPid, detached: true,
    });
    try {
      // A chaos run attached to the cluster upgrades iad-1; the owner (a rollout) then upgrades iad-2.
      await attached.server('iad-1').replaceVariant('v2.10.14+brownout');
      await owner.server('iad-2').replaceVariant('v2.10.14+brownout-statsz');
      const after = readState(id)!;
      assert.deepEqual(Object.fromEntries(Object.entries(after.local!.servers).map(([n, x]) => [n, x.variant])), {
        'iad-1': 'v2.10.14+brownout', 'iad-2': 'v2.10.14+brownout-statsz',
      });
      assert.deepEqual(after.endpoints.map((e) => `${e.name} ${e.variant}`), ['iad-1 v2.10.14+brownout', 'iad-2 v2.10.14+brownout-statsz']);
      // The attached writer never takes the owner's fields.
      assert.deepEqual([after.owner, after.detached], [s.owner, false]);
      owner.detach();
      assert.equal(readState(id)!.detached, true);
    } finally {
      await attached.stop();
      await owner.stop();
    }
    assert.equal(readState(id), undefined, 'the owner removed it');
  });
});
