import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parse } from 'yaml';
import { PASSWORD_ENV } from '../clusters/compose.ts';
import { docker, LABEL_RUN } from '../clusters/docker-resources.ts';
import { parseTopology, startCluster, type StartedCluster } from '../clusters/index.ts';
import { DEFAULT_NATS_TAG, REPO_ROOT } from '../core/layout.ts';
import { requireDockerEngine } from './support/docker-engine.ts';
import { skipBecause } from './support/skip.ts';

// Least privilege (issue 18): containers get no capability beyond Docker's defaults (iptables runs
// from the host through nsenter, so Toxiproxy needs no NET_ADMIN), and the compose stack's Grafana
// has no anonymous viewers and no default admin password.

type Service = { environment?: Record<string, string>; cap_add?: string[]; privileged?: boolean };
const FILE = path.join(REPO_ROOT, 'docker-compose.yml');
/** Bit 12 of a capability set (linux/capability.h). */
const CAP_NET_ADMIN = 12n;

function services(): Record<string, Service> {
  return (parse(readFileSync(FILE, 'utf8')) as { services: Record<string, Service> }).services;
}

describe('least privilege', function () {
  this.timeout(300_000);

  it('least privilege - compose: Grafana has anonymous access off and its admin password from a required environment variable', () => {
    const g = services()['grafana']?.environment ?? {};
    assert.equal(g.GF_AUTH_ANONYMOUS_ENABLED, 'false');
    assert.equal(g.GF_AUTH_ANONYMOUS_ORG_ROLE, undefined);
    assert.equal(g.GF_SECURITY_ADMIN_PASSWORD, `\${${PASSWORD_ENV.grafana}:?set ${PASSWORD_ENV.grafana} to a password of your choice}`);
  });

  it('least privilege - compose: no service adds a capability or runs privileged', () => {
    const extra = Object.entries(services()).filter(([, s]) => s.cap_add?.length || s.privileged).map(([n, s]) => `${n}: ${JSON.stringify(s.cap_add ?? 'privileged')}`);
    assert.deepEqual(extra, []);
  });

  it('least privilege - compose: docker-compose refuses the stack without the Grafana password and passes it to Grafana with it', function () {
    if (spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status !== 0) skipBecause(this, 'docker-compose is not installed');
    const { COMPOSE_PROJECT_NAME: _p, ...base } = process.env;
    const env = { ...base, [PASSWORD_ENV.system]: 'lp-sys', [PASSWORD_ENV.app]: 'lp-app' };
    const config = (e: NodeJS.ProcessEnv) => spawnSync('docker-compose', ['-p', 'brownout-least-privilege', '-f', FILE, 'config'], { cwd: REPO_ROOT, env: e, encoding: 'utf8', timeout: 60_000 });
    const without = config(env);
    assert.notEqual(without.status, 0, 'docker-compose accepted the stack without a Grafana password');
    assert.match(without.stderr, new RegExp(`set ${PASSWORD_ENV.grafana} to a password`));
    const withIt = config({ ...env, [PASSWORD_ENV.grafana]: 'lp-grafana-secret' });
    assert.equal(withIt.status, 0, withIt.stderr);
    const g = (parse(withIt.stdout) as { services: Record<string, Service> }).services['grafana']!.environment!;
    assert.equal(g.GF_SECURITY_ADMIN_PASSWORD, 'lp-grafana-secret');
  });

  describe('docker backend', () => {
    let cluster: StartedCluster | undefined;

    before(async function () {
      await requireDockerEngine(this);
      cluster = await startCluster(parseTopology({ variant: DEFAULT_NATS_TAG, regions: [{ name: 'iad', servers: 1 }, { name: 'lhr', servers: 1 }] }), { backend: 'docker' });
    });

    after(async () => {
      await cluster?.stop();
    });

    it('least privilege - docker: no server or Toxiproxy container adds a capability; none holds NET_ADMIN', async () => {
      const list = await docker().listContainers({ all: true, filters: JSON.stringify({ label: [`${LABEL_RUN}=${cluster!.runId}`] }) });
      assert.equal(list.length, 4, `containers of the run: ${list.map((c) => c.Names[0]).join(', ')}`);
      const problems: string[] = [];
      for (const c of list) {
        const st = await docker().getContainer(c.Id).inspect();
        const name = st.Name.replace(/^\//, '');
        if (st.HostConfig.CapAdd?.length) problems.push(`${name}: CapAdd ${st.HostConfig.CapAdd.join(', ')}`);
        if (st.HostConfig.Privileged) problems.push(`${name}: privileged`);
        // What the process really holds, read from the kernel.
        const capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${st.State.Pid}/status`, 'utf8'))?.[1];
        assert.ok(capEff, `no CapEff for ${name} (pid ${st.State.Pid})`);
        if ((BigInt(`0x${capEff}`) >> CAP_NET_ADMIN) & 1n) problems.push(`${name}: effective NET_ADMIN (CapEff ${capEff})`);
      }
      assert.deepEqual(problems, []);
    });
  });
});
