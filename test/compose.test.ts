// docker-compose.yml: generated from the topology renderer (the committed file is current), valid
// for Debian's docker-compose, and its super-cluster part comes up and meshes THROUGH the region
// proxies. Prometheus and Grafana come from public images no registry here serves: not started.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { composeFiles, composeLayout, composeTopology, GRAFANA_IMAGE, PASSWORD_ENV, PROMETHEUS_IMAGE } from '../clusters/compose.ts';
import { evaluateMesh, gatewayBypasses, waitFor, type MeshReport } from '../clusters/index.ts';
import type { ServerSnapshot } from '../clusters/mesh.ts';
import { dockerAvailable } from '../core/docker-engine.ts';
import { REPO_ROOT } from '../core/layout.ts';
import { monitorGet, type Gatewayz, type Routez, type Varz } from '../core/nats-monitoring.ts';
import { ensureBuilt } from './support/build.ts';
import { skipBecause } from './support/skip.ts';

const FILE = path.join(REPO_ROOT, 'docker-compose.yml');
const PROJECT = `brownout-compose-test-${process.pid}`;
const env = { ...process.env, [PASSWORD_ENV.system]: 'compose-test-sys', [PASSWORD_ENV.app]: 'compose-test-app' };
const compose = (args: string[], extraEnv: NodeJS.ProcessEnv = env) =>
  spawnSync('docker-compose', ['-p', PROJECT, '-f', FILE, ...args], { cwd: REPO_ROOT, env: extraEnv, encoding: 'utf8', timeout: 180_000 });
const hasCompose = () => spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;

describe('compose', function () {
  it('compose - the committed docker-compose.yml and compose/ files are what the generator makes', () => {
    for (const [file, text] of Object.entries(composeFiles())) assert.equal(readFileSync(path.join(REPO_ROOT, file), 'utf8'), text, `${file} is stale: run npm run dashboards`);
  });

  it('compose - every cross-region gateway URL is a region proxy alias, and each proxy forwards to the right server', () => {
    const t = composeTopology();
    const { servers, proxies } = composeLayout(t);
    const files = composeFiles();
    const problems: string[] = [];
    for (const s of servers) {
      const conf = files[`compose/conf/${s.spec.name}.conf`]!;
      assert.match(conf, new RegExp(`advertise: "gw-${s.spec.name}:${s.proxyPort}"`));
      assert.match(conf, new RegExp(`password: \\$${PASSWORD_ENV.system}\\n`), 'the password comes from the environment');
      for (const m of conf.matchAll(/"nats:\/\/([^"]+)"/g)) {
        const [host, port] = m[1]!.split(':');
        const target = servers.find((o) => `gw-${o.spec.name}` === host && String(o.proxyPort) === port);
        const proxy = proxies.find((x) => x.region === s.spec.region)!.proxies.find((p) => p.listen === `0.0.0.0:${port}`);
        if (!target || target.spec.region === s.spec.region) problems.push(`${s.spec.name}: ${m[1]} is not a remote server's proxy alias`);
        else if (proxy?.upstream !== `${target.spec.name}:${t.ports.gateway}`) problems.push(`${s.spec.name}: its region proxy on ${port} forwards to ${proxy?.upstream}`);
      }
    }
    assert.deepEqual(problems, []);
    assert.equal(servers.length, 9);
    assert.equal(proxies.every((x) => x.proxies.length === 6), true);
  });

  describe('compose up', function () {
    let report: MeshReport | undefined;
    let bypasses: string[] = [];
    let proxyAddresses = new Set<string>();
    let up = false;

    before(async function () {
      const missing = !hasCompose() ? 'docker-compose is not installed (apt-get install docker-compose)' : !(await dockerAvailable()) ? 'no Docker engine answers' : undefined;
      if (missing) {
        if (process.env.CI) throw new Error(`${missing}; CI must have it`);
        skipBecause(this, missing);
      }
      this.timeout(600_000);
      await ensureBuilt();
      this.timeout(300_000);
      const { servers, proxies } = composeLayout(composeTopology());
      const services = [...proxies.map((x) => x.service), ...servers.map((s) => s.service)];
      compose(['down', '-v', '--remove-orphans']);
      up = true;
      const res = compose(['up', '-d', '--no-build', ...services]);
      assert.equal(res.status, 0, `docker-compose up failed: ${res.stderr}`);
      const endpoints = servers.map((s) => ({ name: s.spec.name, region: s.spec.region, variant: s.spec.variant, clientUrl: `nats://127.0.0.1:${s.hostClientPort}`, monitorUrl: `http://127.0.0.1:${s.hostMonitorPort}` }));
      report = await waitFor(`the compose super-cluster (${servers.length} servers) to mesh`, 90_000, async () => {
        const snaps = new Map<string, ServerSnapshot | Error>();
        await Promise.all(endpoints.map(async (e) => {
          try {
            const [varz, routez, gatewayz] = await Promise.all([monitorGet<Varz>(e.monitorUrl, 'varz'), monitorGet<Routez>(e.monitorUrl, 'routez'), monitorGet<Gatewayz>(e.monitorUrl, 'gatewayz')]);
            snaps.set(e.name, { varz, routez, gatewayz });
          } catch (err) {
            snaps.set(e.name, err as Error);
          }
        }));
        const r = evaluateMesh(endpoints, snaps);
        return r.complete ? { done: true, value: r } : { done: false, missing: r.missing.slice(0, 6).join('; ') };
      }, 500);
      // Each region proxy's address on its own region's network, with the ports it listens on.
      for (const x of proxies) {
        const id = compose(['ps', '-q', x.service]).stdout.trim();
        const nets = JSON.parse(execFileSync('docker', ['inspect', '-f', '{{json .NetworkSettings.Networks}}', id], { encoding: 'utf8' })) as Record<string, { IPAddress: string }>;
        const ip = Object.entries(nets).find(([name]) => name.endsWith(`_${x.region}`))?.[1].IPAddress;
        assert.ok(ip, `${x.service} has no address on the ${x.region} network: ${Object.keys(nets).join(', ')}`);
        for (const p of x.proxies) proxyAddresses.add(`${ip}:${p.listen.split(':')[1]}`);
      }
      bypasses = gatewayBypasses(report, proxyAddresses);
    });

    after(function () {
      this.timeout(120_000);
      if (up) {
        const res = compose(['down', '-v', '--remove-orphans']);
        if (res.status !== 0) console.log(`      docker-compose down: ${res.stderr}`);
      }
      console.log(`      not started: prometheus (${PROMETHEUS_IMAGE}) and grafana (${GRAFANA_IMAGE}): public images, and no registry can be reached here`);
    });

    it('compose up - docker-compose validates the file, and refuses it without the passwords', () => {
      const ok = compose(['config', '-q']);
      assert.equal(ok.status, 0, ok.stderr);
      const { [PASSWORD_ENV.system]: _s, [PASSWORD_ENV.app]: _a, ...without } = env;
      const bad = compose(['config', '-q'], without);
      assert.notEqual(bad.status, 0);
      assert.match(bad.stderr, new RegExp(`set ${PASSWORD_ENV.system}|set ${PASSWORD_ENV.app}`));
    });

    it('compose up - the super-cluster meshes, every outbound gateway dialing its region proxy', () => {
      assert.ok(report?.complete, report?.missing.join('; '));
      const outbound = report.servers.flatMap((s) => s.outbound);
      assert.equal(outbound.length, 9 * 2);
      assert.equal(proxyAddresses.size, 3 * 6);
      assert.deepEqual(bypasses, []);
      console.log(`      9 servers meshed; ${outbound.length} outbound gateways, all through the 3 region proxies`);
    });
  });
});
