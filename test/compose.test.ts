// docker-compose.yml: generated from the topology renderer (the committed file is current), valid
// for Debian's docker-compose, and its super-cluster part comes up and meshes THROUGH the region
// proxies. Prometheus and Grafana come from public images no registry here serves: not started.
// `chaos --attach compose` plays a scenario on that running stack and leaves it whole; with no
// stack it exits 2 with the command that starts one, with no engine 3.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { composeFiles, composeLayout, composeTopology, GRAFANA_IMAGE, PASSWORD_ENV, PROMETHEUS_IMAGE } from '../clusters/compose.ts';
import { COMPOSE_LABELS, SERVER_LABEL } from '../clusters/compose-stack.ts';
import { attachCluster, evaluateMesh, findAttachable, gatewayBypasses, waitFor, type MeshReport } from '../clusters/index.ts';
import type { ServerSnapshot } from '../clusters/mesh.ts';
import { docker, dockerAvailable } from '../core/docker-engine.ts';
import { BadInputError, EnvironmentError, EXIT } from '../core/errors.ts';
import { REPO_ROOT, RUNS_DIR } from '../core/layout.ts';
import { monitorGet, type Gatewayz, type Routez, type Varz } from '../core/nats-monitoring.ts';
import { executePlan, planRun } from '../harness/run/index.ts';
import type { TimelineRecord } from '../harness/timeline/records.ts';
import { ensureBuilt } from './support/build.ts';
import { runScript } from './support/run-script.ts';
import { skipBecause } from './support/skip.ts';

const FILE = path.join(REPO_ROOT, 'docker-compose.yml');
const PROJECT = `brownout-compose-test-${process.pid}`;
const env = { ...process.env, [PASSWORD_ENV.system]: 'compose-test-sys', [PASSWORD_ENV.app]: 'compose-test-app', [PASSWORD_ENV.grafana]: 'compose-test-grafana' };
const compose = (args: string[], extraEnv: NodeJS.ProcessEnv = env) =>
  spawnSync('docker-compose', ['-p', PROJECT, '-f', FILE, ...args], { cwd: REPO_ROOT, env: extraEnv, encoding: 'utf8', timeout: 180_000 });
const hasCompose = () => spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;
/** Compose projects with a running brownout server (ours or anyone's): --attach compose picks among these. */
const runningStacks = async () => [...new Set((await docker().listContainers({ filters: JSON.stringify({ label: [COMPOSE_LABELS.project, SERVER_LABEL] }) }))
  .map((c) => c.Labels[COMPOSE_LABELS.project]!))];
const runDirs = () => new Set(existsSync(RUNS_DIR) ? readdirSync(RUNS_DIR) : []);
/**
 * `--attach compose` as a user types it, without COMPOSE_PROJECT_NAME (one stack runs, or none).
 * A failed attach leaves no run folder behind (the folder is made once the cluster is found).
 */
const chaosAttachCompose = (extraEnv: NodeJS.ProcessEnv = {}) => {
  const { COMPOSE_PROJECT_NAME: _p, ...base } = process.env;
  const before = runDirs();
  const r = runScript('harness/cli/main.ts', ['chaos', 'partition', '--attach', 'compose', '--metrics-port', 'off'], { ...base, ...extraEnv }, 60_000);
  return { ...r, newRunDirs: [...runDirs()].filter((x) => !before.has(x) && /-partition(-\d+)?$/.test(x)) };
};

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

  it('compose attach - a plan on the stack takes its topology, refuses an upgrade, and says whose topology a step missed', () => {
    const target = findAttachable('compose');
    assert.deepEqual([target.runId, target.backend], ['compose', 'docker']);
    assert.deepEqual(target.topology, composeTopology());
    const plan = planRun({ scenario: 'partition', seed: 1, attached: target });
    assert.equal(plan.attachTo, 'compose');
    assert.equal(plan.backend, 'docker');
    const err = (() => {
      try {
        planRun({
          scenario: { source: 'test', input: { name: 'misfit', description: 'misfit', topology: { regions: [{ name: 'fra', servers: 1 }] },
            steps: [{ name: 'up', fault: { type: 'upgrade', region: 'lhr', count: 1, variant: 'v2.10.14' }, holdSeconds: 1 },
              { name: 'cut', fault: { type: 'partition', region: 'fra' }, holdSeconds: 1 }],
            settleSeconds: 1, detectors: ['recovery.noneStuck'] } },
          seed: 1, attached: target,
        });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof BadInputError, String(err));
    const text = err.problems.join('\n');
    assert.match(text, /^steps\[0\]\.fault\.type: "upgrade" cannot run on the compose stack: .*docker-compose/m);
    assert.match(text, /^steps\[1\]\.fault\.region: "fra" is not a region/m);
    assert.match(text, /^topology: with --attach the scenario runs on the compose stack's topology \(iad×3, lhr×3, syd×3\)/m);
  });

  describe('compose attach with no stack', function () {
    before(async function () {
      if (!(await dockerAvailable())) {
        if (process.env.CI) throw new Error('no Docker engine answers; CI must have one');
        skipBecause(this, 'no Docker engine answers');
      }
    });

    it('compose attach - with no compose stack running, chaos --attach compose exits 2 with the command that starts one', async function () {
      this.timeout(60_000);
      assert.deepEqual(await runningStacks(), [], 'precondition: no compose stack with brownout servers runs on this engine');
      const r = chaosAttachCompose();
      assert.equal(r.status, EXIT.badInput, r.stdout + r.stderr);
      assert.match(r.stderr, /bad input: no compose stack is running/);
      assert.match(r.stderr, /hint: docker-compose up -d /);
      assert.deepEqual(r.newRunDirs, [], 'a failed attach leaves no run folder');
    });

    it('compose attach - with no Docker engine answering, chaos --attach compose exits 3', function () {
      this.timeout(60_000);
      const r = chaosAttachCompose({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
      assert.equal(r.status, EXIT.environment, r.stdout + r.stderr);
      assert.match(r.stderr, /environment: no Docker engine answers/);
    });
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

    after(async function () {
      this.timeout(120_000);
      if (up) {
        const res = compose(['down', '-v', '--remove-orphans']);
        if (res.status !== 0) console.log(`      docker-compose down: ${res.stderr}`);
        const filters = JSON.stringify({ label: [`${COMPOSE_LABELS.project}=${PROJECT}`] });
        const left = [
          ...(await docker().listContainers({ all: true, filters })).map((c) => `container ${c.Names[0]}`),
          ...(await docker().listNetworks({ filters })).map((n) => `network ${n.Name}`),
        ];
        assert.deepEqual(left, [], 'docker-compose down -v left these behind');
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

    it('compose attach - a scenario attached to the stack is judged, hears every server, and leaves every container running and the mesh whole', async function () {
      this.timeout(240_000);
      assert.deepEqual(await runningStacks(), [PROJECT], 'precondition: ours is the only compose stack running (--attach compose takes the one that runs)');
      const plan = planRun({
        scenario: { source: 'test', input: {
          name: 'compose-attach', description: 'a link fault, a restart and IP-level loss on the compose stack', topology: composeTopology(),
          steps: [
            { name: 'baseline', holdSeconds: 2 },
            // Gaps: recovery is judged between a heal and the next fault.
            { name: 'partition syd', fault: { type: 'partition', region: 'syd' }, holdSeconds: 4, gapSeconds: 5 },
            { name: 'restart one in lhr', fault: { type: 'restart', region: 'lhr', count: 1 }, holdSeconds: 4, gapSeconds: 5 },
            { name: 'ip loss into syd-2', fault: { type: 'packet-loss', to: 'syd-2', probability: 0.2, stallSeconds: 1, firewallRestarted: false }, holdSeconds: 4 },
          ],
          settleSeconds: 8, detectors: ['recovery.noneStuck'],
        } },
        attached: findAttachable('compose'), seed: 11,
      });
      const r = await executePlan(plan);
      assert.equal(r.error, undefined);
      assert.equal(r.incomplete, false);
      assert.equal(r.attachedTo, 'compose');
      // The stack runs the patched variant: every gateway redials after each fault, so the verdict
      // passes, and its detector judged real data (a detector with nothing to judge fails anyway).
      const judged = r.verdict.results.map((x) => `${x.name} (${x.role}) ${x.status}: ${x.observed}${x.status === 'pass' ? '' : ` ${x.evidence.slice(0, 3).join('; ')}`}`);
      assert.equal(r.verdict.pass, true, `the patched stack failed: ${judged.join(' | ')}`);
      assert.equal(r.verdict.incomplete, false);
      const detector = r.verdict.results.find((x) => x.name === 'recovery.noneStuck');
      assert.equal(detector?.role, 'detector', judged.join(' | '));
      assert.equal(detector?.status, 'pass', judged.join(' | '));
      assert.notEqual(detector?.observedValue, null, `the detector saw links to judge: ${judged.join(' | ')}`);
      const timeline = readFileSync(path.join(r.runDir, 'timeline.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TimelineRecord);
      const names = composeLayout(composeTopology()).servers.map((s) => s.spec.name);
      for (const kind of ['varz', 'link'] as const) {
        const heard = new Set(timeline.flatMap((x) => (x.kind === kind ? [x.server] : [])));
        assert.deepEqual(names.filter((n) => !heard.has(n)), [], `${kind} records from every server`);
      }
      const faults = timeline.flatMap((x) => (x.kind === 'fault' ? [`${x.fault} ${x.phase}`] : []));
      assert.deepEqual(faults, ['partition applied', 'partition reverted', 'restart applied', 'restart reverted', 'packet-loss applied', 'packet-loss reverted']);
      console.log(`      ${r.scenario} on the compose stack: ${r.verdict.pass ? 'PASS' : `FAIL (${[...r.verdict.detectorsFailed, ...r.verdict.guardsFailed].join(', ')})`}`);
      const notRunning = (await docker().listContainers({ all: true, filters: JSON.stringify({ label: [`${COMPOSE_LABELS.project}=${PROJECT}`] }) }))
        .filter((c) => c.State !== 'running').map((c) => `${c.Labels[COMPOSE_LABELS.service]} (${c.State})`);
      assert.deepEqual(notRunning, [], 'every container of the stack still runs');
      const again = await attachCluster('compose', { meshDeadlineMs: 30_000 });
      assert.equal((await again.meshStatus()).complete, true, 'the mesh is whole');
      assert.deepEqual(await again.gatewayBypasses(), []);
      await again.stop();
    });

    it('compose attach - a stack with a server container down is not whole: an environment error names it', async function () {
      this.timeout(120_000);
      const iad2 = compose(['ps', '-q', 'iad-2']).stdout.trim();
      execFileSync('docker', ['stop', '-t', '2', iad2]);
      try {
        const err = await attachCluster('compose').then(() => undefined, (e: unknown) => e);
        assert.ok(err instanceof EnvironmentError, String(err));
        assert.match(err.message, new RegExp(`compose stack ${PROJECT} is not whole: iad-2 \\(exited\\)$`));
        assert.match(err.hint ?? '', /docker-compose up -d/);
      } finally {
        execFileSync('docker', ['start', iad2]);
      }
      const back = await attachCluster('compose', { meshDeadlineMs: 60_000 });
      await back.stop();
    });
  });
});
