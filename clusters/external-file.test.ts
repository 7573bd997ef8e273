import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FAULT_NAMES } from '../chaos/faults/registry.ts';
import { BadInputError } from '../core/errors.ts';
import { clusterDiscover } from '../harness/cli/cluster.ts';
import { planChaos } from '../harness/cli/chaos.ts';
import { planGate } from '../harness/cli/gate.ts';
import { REPO_ROOT } from '../core/layout.ts';
import { EXTERNAL_LINK_FAULTS, EXTERNAL_SERVER_FAULTS, externalRefusedFaults, externalTopology } from './external-attach.ts';
import { sameAddress } from './external-backend.ts';
import { loadClusterFile, parseClusterFile, type ClusterFileInput } from './external-file.ts';
import { serversOf } from './topology.ts';

const CREDS = `-----BEGIN NATS USER JWT-----
eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.e30.x
------END NATS USER JWT------

-----BEGIN USER NKEY SEED-----
SUAEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLE
------END USER NKEY SEED------
`;

describe('clusters external cluster file', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-extfile-'));
    writeFileSync(path.join(dir, 'sys.password'), 'file-secret-1\n');
    writeFileSync(path.join(dir, 'sys.creds'), CREDS);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const base = (): ClusterFileInput => ({
    name: 'prod',
    servers: [
      { name: 'nats-iad-a.prod', region: 'us-east-1', monitorUrl: 'http://10.1.0.11:8222/', clientUrl: 'nats://10.1.0.11:4222' },
      { name: 'nats-iad-b.prod', region: 'us-east-1', monitorUrl: 'http://10.1.0.12:8222', clientUrl: 'tls://10.1.0.12:4222', host: 'iad-b.example' },
      { name: 'nats-lhr-a.prod', region: 'eu-west-2', monitorUrl: 'https://[fd00::21]:8222', clientUrl: 'nats://[fd00::21]:4222' },
    ],
    system: { user: 'sys', passwordFile: 'sys.password' },
  });
  const file = () => path.join(dir, 'cluster.yaml');
  /** Every problem line of parsing `input`, or '' when it parses. */
  function problems(input: unknown, env: NodeJS.ProcessEnv = {}): string {
    try {
      parseClusterFile(input, file(), env);
      return '';
    } catch (e) {
      assert.ok(e instanceof BadInputError, String(e));
      assert.equal(e.exitCode, 2);
      for (const p of e.problems) assert.ok(p.startsWith(`${file()}: `), `names the file: ${p}`);
      return e.problems.map((p) => p.slice(file().length + 2)).join('\n');
    }
  }

  it('external file - real names, hosts from the monitoring URL, secret from a file relative to it, probe defaults', () => {
    const s = parseClusterFile(base(), file(), {});
    assert.deepEqual(s.regions, ['us-east-1', 'eu-west-2']);
    assert.deepEqual(s.servers.map((x) => x.host), ['10.1.0.11', 'iad-b.example', 'fd00::21']);
    assert.equal(s.servers[0]!.monitorUrl, 'http://10.1.0.11:8222');
    assert.deepEqual(s.system, { user: 'sys', password: 'file-secret-1' });
    assert.deepEqual(s.probe, { subjectPrefix: 'brownout.probe' });
    const t = externalTopology(s);
    assert.deepEqual(serversOf(t).map((x) => `${x.region}/${x.name}/${x.variant}`), ['us-east-1/nats-iad-a.prod/unknown', 'us-east-1/nats-iad-b.prod/unknown', 'eu-west-2/nats-lhr-a.prod/unknown']);
    const seen = externalTopology(s, { variants: { 'nats-iad-a.prod': 'v2.10.14', 'nats-iad-b.prod': 'v2.10.14', 'nats-lhr-a.prod': 'v2.10.14+brownout' }, ping: { interval: '1s', max: 2 } });
    assert.equal(seen.variant, 'v2.10.14');
    assert.deepEqual(seen.variants, { 'nats-lhr-a.prod': 'v2.10.14+brownout' });
    assert.deepEqual(seen.ping, { interval: '1s', max: 2 });
  });

  it('external file - secrets from an env variable or a .creds file; the probe under its own prefix and user', () => {
    const env = { SYS_PW: 'env-secret-2', PROBE_PW: 'probe-secret', CREDS_TEXT: CREDS };
    assert.deepEqual(parseClusterFile({ ...base(), system: { user: 'sys', passwordEnv: 'SYS_PW' } }, file(), env).system, { user: 'sys', password: 'env-secret-2' });
    assert.deepEqual(parseClusterFile({ ...base(), system: { credsFile: 'sys.creds' } }, file(), env).system, { creds: CREDS });
    assert.deepEqual(parseClusterFile({ ...base(), system: { credsEnv: 'CREDS_TEXT' } }, file(), env).system, { creds: CREDS });
    const p = parseClusterFile({ ...base(), probe: { subjectPrefix: 'team.canary', user: 'probe', passwordEnv: 'PROBE_PW' } }, file(), env).probe;
    assert.deepEqual(p, { subjectPrefix: 'team.canary', credentials: { user: 'probe', password: 'probe-secret' } });
  });

  it('external file - unknown fields, bad URLs and names: exit 2, every problem with its path and what is allowed', () => {
    const bad = base() as Record<string, unknown>;
    bad.regions = 3;
    (bad.servers as Record<string, unknown>[])[0]!.monitorUrl = 'ftp://10.1.0.11';
    (bad.servers as Record<string, unknown>[])[1]!.clientUrl = 'not a url';
    (bad.servers as Record<string, unknown>[])[2]!.name = 'bad name*';
    (bad.servers as Record<string, unknown>[])[2]!.port = 4222;
    const out = problems(bad);
    assert.match(out, /^regions: unknown key$/m);
    assert.match(out, /^servers\[0\]\.monitorUrl: a URL with a host, scheme http or https, got "ftp:\/\/10\.1\.0\.11"$/m);
    assert.match(out, /^servers\[1\]\.clientUrl: a URL with a host, scheme nats or tls, got "not a url"$/m);
    assert.match(out, /^servers\[2\]\.name: letters, digits, "\.", "_", ":" and "-", 1-64 chars, starting with a letter or digit, got "bad name\*"$/m);
    assert.match(out, /^servers\[2\]\.port: unknown key$/m);
  });

  it('external file - duplicates and proxies that name no region or server', () => {
    const d = base();
    d.servers[1]!.name = 'nats-iad-a.prod';
    d.servers[2]!.monitorUrl = 'http://10.1.0.11:8222';
    d.toxiproxy = { api: 'http://10.1.0.5:8474', proxies: [{ name: 'p', from: 'ap-south-1', to: 'nats-lhr-a.prod' }, { name: 'p', to: 'nobody' }, { name: 'q', from: 'eu-west-2', to: 'nats-lhr-a.prod' }] };
    const out = problems(d);
    assert.match(out, /^servers\[1\]\.name: duplicate server "nats-iad-a\.prod" \(also servers\[0\]\)$/m);
    assert.match(out, /^servers\[2\]\.monitorUrl: http:\/\/10\.1\.0\.11:8222 is also servers\[0\]'s; one monitoring URL per server$/m);
    assert.match(out, /^toxiproxy\.proxies\[0\]\.from: "ap-south-1" is not a region; one of us-east-1, eu-west-2$/m);
    assert.match(out, /^toxiproxy\.proxies\[1\]\.name: duplicate proxy "p"$/m);
    assert.match(out, /^toxiproxy\.proxies\[1\]\.to: "nobody" is not a server; one of /m);
    assert.match(out, /^toxiproxy\.proxies\[2\]\.from: "eu-west-2" is nats-lhr-a\.prod's own region: gateways cross regions$/m);
  });

  it('external file - secrets: a missing variable is named (not a value), two sources refused, an inline secret never echoed', () => {
    assert.equal(problems({ ...base(), system: { user: 'sys', passwordEnv: 'NOPE_NOT_SET' } }), 'system.passwordEnv: environment variable NOPE_NOT_SET is not set; set it to the secret before running brownout');
    const both = problems({ ...base(), system: { user: 'sys', password: 'inline-secret-3', passwordEnv: 'SYS_PW' } }, { SYS_PW: 'env-secret-4' });
    assert.equal(both, 'system: password and passwordEnv both given; allowed: exactly one secret source (user with one of password, passwordFile, passwordEnv; or one of credsFile, credsEnv)');
    assert.doesNotMatch(both, /secret-3|secret-4/);
    assert.equal(problems({ ...base(), system: {} }), 'system: no credentials; allowed: user with one of password, passwordFile, passwordEnv; or one of credsFile, credsEnv');
    assert.equal(problems({ ...base(), system: { passwordEnv: 'SYS_PW' } }, { SYS_PW: 'x' }), 'system.user: missing: passwordEnv needs a user');
    assert.equal(problems({ ...base(), system: { user: 'sys', credsFile: 'sys.creds' } }), 'system.user: not with a .creds file (the JWT names the user); remove user');
    assert.match(problems({ ...base(), system: { user: 'sys', passwordFile: 'nope.password' } }), new RegExp(`^system\\.passwordFile: cannot read ${path.join(dir, 'nope.password').replace(/[.]/g, '\\.')} \\(ENOENT\\)`));
    assert.match(problems({ ...base(), system: { credsEnv: 'C' } }, { C: '/etc/nats/sys.creds' }), /^system\.credsEnv: \$C must hold the text of a \.creds file .*not a path: use credsFile for a path$/);
    // A secret of the wrong type is refused without being shown.
    const typed = problems({ ...base(), system: { user: 'sys', password: 12345678 } });
    assert.match(typed, /^system\.password: a string; got something else \(a secret: its value is not shown\)$/m);
    assert.doesNotMatch(typed, /12345678/);
  });

  it('external file - read like a playbook: YAML syntax errors with line and column, size limit, missing file', () => {
    const f = path.join(dir, 'broken.yaml');
    writeFileSync(f, 'name: x\nservers: [\n');
    assert.throws(() => loadClusterFile(f), (e: unknown) => e instanceof BadInputError && /^cluster file .*broken\.yaml: YAML syntax error at line \d+, column \d+/.test(e.message));
    const big = path.join(dir, 'big.yaml');
    writeFileSync(big, `# ${'x'.repeat(300 * 1024)}\n`);
    assert.throws(() => loadClusterFile(big), (e: unknown) => e instanceof BadInputError && /is too large: .* the limit is 262144 bytes/.test(e.message));
    assert.throws(() => loadClusterFile(path.join(dir, 'absent.yaml')), (e: unknown) => e instanceof BadInputError && /cannot read cluster file .*absent\.yaml: ENOENT/.test(e.message));
    const ok = path.join(dir, 'ok.yaml');
    writeFileSync(ok, 'name: prod\nservers:\n  - { name: a-1, region: a, monitorUrl: "http://127.0.0.1:8222", clientUrl: "nats://127.0.0.1:4222" }\nsystem: { user: sys, passwordFile: sys.password }\n');
    assert.equal(loadClusterFile(ok).system && 'password' in loadClusterFile(ok).system ? 'ok' : 'no', 'ok');
  });

  it('external file - the examples load (placeholders are valid values)', () => {
    const env = { NATS_SYSTEM_PASSWORD: 'x', NATS_PROBE_PASSWORD: 'y', BROWNOUT_EXAMPLE_SYS_PASSWORD: 'z' };
    const ssh = loadClusterFile(path.join(REPO_ROOT, 'examples', 'external', 'cluster.yaml'), env);
    assert.equal(ssh.servers.length, 9);
    assert.equal(ssh.servers[0]!.host, 'nats-iad-a.staging.example.net');
    assert.deepEqual(ssh.probe, { subjectPrefix: 'brownout.probe', credentials: { user: 'brownout-probe', password: 'y' } });
    const local = loadClusterFile(path.join(REPO_ROOT, 'examples', 'external', 'local', 'cluster.yaml'), env);
    assert.deepEqual(local.regions, ['iad', 'lhr', 'syd']);
  });

  it('external file - every fault is either a server fault (always refused) or a link fault (only through a named Toxiproxy)', () => {
    assert.deepEqual([...EXTERNAL_SERVER_FAULTS, ...EXTERNAL_LINK_FAULTS].sort(), [...FAULT_NAMES].sort());
    const none = externalRefusedFaults({ file: '/x/c.yaml' });
    assert.deepEqual(Object.keys(none).sort(), [...FAULT_NAMES].sort());
    assert.match(none.kill!, /never signals, kills, pauses or restarts them/);
    assert.match(none.latency!, /names no toxiproxy/);
    const withProxy = externalRefusedFaults({ file: '/x/c.yaml', toxiproxy: { api: 'http://t:8474', proxies: [] } });
    assert.deepEqual(Object.keys(withProxy).sort(), [...EXTERNAL_SERVER_FAULTS].sort());
  });

  it('external file - --attach external:FILE puts the file\'s problems in the plan\'s one exit-2 list, beside the other flags\'', () => {
    const bad = path.join(dir, 'bad-for-chaos.yaml');
    writeFileSync(bad, 'name: x\nservers:\n  - { name: a-1, region: a, monitorUrl: "http://127.0.0.1:1", clientUrl: "nats://127.0.0.1:2" }\nsystem: { user: sys, passwordEnv: BROWNOUT_TEST_SURELY_UNSET }\nextra: 1\n');
    const problemsOf = (fn: () => unknown): string[] => {
      try {
        fn();
      } catch (e) {
        assert.ok(e instanceof BadInputError, String(e));
        return e.problems;
      }
      assert.fail('no problem reported');
    };
    const p = problemsOf(() => planChaos({ scenario: 'latency', attach: `external:${bad}`, threshold: ['statsz.nonsense=3'] }));
    assert.ok(p.includes(`--attach: cluster file ${bad}: 1 problem`), p.join('\n'));
    assert.ok(p.includes(`${bad}: extra: unknown key`), p.join('\n'));
    assert.ok(p.some((x) => x.startsWith('thresholds.statsz.nonsense')), p.join('\n'));
    // The schema first: the secret is read only from a file that checks.
    assert.ok(!p.some((x) => x.includes('BROWNOUT_TEST_SURELY_UNSET')), p.join('\n'));
    writeFileSync(bad, 'name: x\nservers:\n  - { name: a-1, region: a, monitorUrl: "http://127.0.0.1:1", clientUrl: "nats://127.0.0.1:2" }\nsystem: { user: sys, passwordEnv: BROWNOUT_TEST_SURELY_UNSET }\n');
    assert.ok(problemsOf(() => planChaos({ scenario: 'latency', attach: `external:${bad}` })).includes(`${bad}: system.passwordEnv: environment variable BROWNOUT_TEST_SURELY_UNSET is not set; set it to the secret before running brownout`));
    const ok = path.join(dir, 'ok-for-gate.yaml');
    writeFileSync(ok, 'name: prod\nservers:\n  - { name: a-1, region: a, monitorUrl: "http://127.0.0.1:1", clientUrl: "nats://127.0.0.1:2" }\nsystem: { user: sys, passwordFile: sys.password }\n');
    const gate = problemsOf(() => planGate({ attach: `external:${ok}`, variant: 'stock', scenarios: ['latency'] }));
    assert.ok(gate.includes(`--variant: leave it out with --attach external:${ok} (its servers are read when attached, and the gate judges what they run), or name the variant in the cluster file (variant: v2.10.14)`), gate.join('\n'));
    assert.ok(gate.some((x) => x.startsWith(`latency: steps[1].fault.type: "latency" cannot run on the external cluster ${ok}: the cluster file ${ok} names no toxiproxy`)), gate.join('\n'));
    assert.deepEqual(problemsOf(() => planChaos({ scenario: 'latency', attach: 'external:' })), ['--attach: external: names no file; allowed: external:FILE, a cluster file (YAML or JSON)']);
    assert.ok(problemsOf(() => planChaos({ scenario: 'latency', attach: `external:${path.join(dir, 'absent.yaml')}` })).some((x) => /cannot read cluster file .*absent\.yaml: ENOENT/.test(x)));
  });

  it('external file - discover refuses a password on the command line and half-given credentials before any request', async () => {
    const refused = async (a: Parameters<typeof clusterDiscover>[0], re: RegExp) => {
      await assert.rejects(clusterDiscover(a, () => undefined), (e: unknown) => e instanceof BadInputError && e.problems.some((p) => re.test(p)), JSON.stringify(a));
    };
    await refused({ monitorUrl: 'nats://127.0.0.1:1' }, /^monitorUrl: an http\(s\) URL/);
    await refused({ monitorUrl: 'http://127.0.0.1:1', systemUser: 'sys' }, /^--system-user: needs --system-password-env VAR or --system-password-file FILE \(a password is never taken on the command line\)$/);
    await refused({ monitorUrl: 'http://127.0.0.1:1', systemPasswordEnv: 'X' }, /^--system-user: missing; a password needs its user$/);
    await refused({ monitorUrl: 'http://127.0.0.1:1', systemUser: 'sys', systemPasswordEnv: 'BROWNOUT_TEST_SURELY_UNSET' }, /^--system-password-env: environment variable BROWNOUT_TEST_SURELY_UNSET is not set$/);
  });

  it('external file - a gateway dialing a proxy listening on every interface is through it', () => {
    assert.ok(sameAddress('0.0.0.0:20001', '10.0.0.5:20001'));
    assert.ok(sameAddress('[::]:20001', '10.0.0.5:20001'));
    assert.ok(sameAddress('10.0.0.5:20001', '10.0.0.5:20001'));
    assert.ok(!sameAddress('10.0.0.5:20001', '10.0.0.6:20001'));
    assert.ok(!sameAddress('0.0.0.0:20001', '10.0.0.5:7222'));
  });
});
