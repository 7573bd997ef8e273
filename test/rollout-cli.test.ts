// `npm run rollout`: a bad playbook is refused before anything is contacted; `serve` as a real
// process (discovery file 0600 on 127.0.0.1, health, clean shutdown); a controller started in the
// background when none answers; start/watch/status/decisions in-process against a real gRPC
// server in front of an in-memory RolloutService, with the exit codes a user sees.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BadInputError, EXIT, exitCodeOf } from '../core/errors.ts';
import { REPO_ROOT } from '../core/layout.ts';
import { rolloutDecide, rolloutList, rolloutStart, rolloutStatus, rolloutWatch } from '../harness/cli/rollout.ts';
import { connectController, controllerAnswers, serveCommand } from '../harness/rollout/grpc/client.ts';
import { pidAlive } from '../clusters/index.ts';
import { readControllerFile, writeControllerFile } from '../harness/rollout/grpc/controller-file.ts';
import { FakeRolloutService, sampleRollout } from './support/fake-rollout-service.ts';
import { serveRollouts, type ServedRollouts } from '../harness/rollout/grpc/server.ts';
import { runScript } from './support/run-script.ts';

const STORY = path.join(REPO_ROOT, 'examples/rollout-story.yaml');

async function until<T>(what: string, get: () => T | undefined | false | Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('rollout cli', function () {
  this.timeout(60_000);
  let runs: string;
  const env = () => ({ ...process.env, BROWNOUT_RUNS_DIR: runs });
  const rollout = (...args: string[]) => runScript('harness/cli/main.ts', ['rollout', ...args], env(), 60_000);

  beforeEach(() => {
    runs = mkdtempSync(path.join(os.tmpdir(), 'brownout-rollout-cli-'));
  });
  afterEach(() => rmSync(runs, { recursive: true, force: true }));

  it('rollout cli - start on a bad playbook lists every problem and exits 2 before contacting any controller', () => {
    const bad = path.join(runs, 'bad.yaml');
    writeFileSync(bad, 'name: bad\ncluster: { preset: nine-regions }\nbaseline: stock\ntarget: stock\nstages:\n  - kind: everywhere\n    soakSeconds: -5\n');
    const r = rollout('start', bad);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`playbook ${bad.replace(/[.]/g, '\\.')} is invalid \\(4 problems\\)`));
    for (const p of ['target: "stock" is the baseline too', 'cluster.preset: "nine-regions" is not a preset', 'stages[0].kind:', 'stages[0].soakSeconds:']) assert.ok(r.stderr.includes(`  - ${p}`), `${p} missing:\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /    at /);
    assert.equal(existsSync(path.join(runs, '.controller.json')), false, 'no controller started');
    assert.equal(existsSync(path.join(runs, '.controller.log')), false, 'no controller started');

    const torn = path.join(runs, 'torn.yaml');
    writeFileSync(torn, 'name: torn\nstages: [\n');
    const r2 = rollout('start', torn);
    assert.equal(r2.status, 2, r2.stderr);
    assert.match(r2.stderr, /torn\.yaml:3:1/);
    const r3 = rollout('start', path.join(runs, 'nowhere.yaml'));
    assert.equal(r3.status, 2, r3.stderr);
    assert.match(r3.stderr, /cannot read playbook .*nowhere\.yaml: ENOENT/);
    assert.equal(rollout('start', '--bogus').status, 2, 'an unknown flag is bad input too');
  });

  it('rollout cli - status, list and watch with no controller running say so and exit 3 (nothing started)', () => {
    for (const cmd of ['status', 'list', 'watch']) {
      const r = rollout(cmd);
      assert.equal(r.status, 3, `${cmd}: ${r.stderr}`);
      assert.match(r.stderr, /no rollout controller answers/);
      assert.match(r.stderr, /rollout -- serve/);
    }
    assert.equal(existsSync(path.join(runs, '.controller.json')), false);
  });

  describe('serve as a process', () => {
    let child: ChildProcess | undefined;
    afterEach(async () => {
      if (child?.pid && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await new Promise((r) => child!.once('exit', r));
      }
    });

    it('rollout cli - serve writes runs/.controller.json (0600, 127.0.0.1), answers health, refuses a second serve, removes the file on SIGTERM', async () => {
      const out: string[] = [];
      child = spawn(process.execPath, [...serveCommand(), '--metrics-port', '0'], { cwd: REPO_ROOT, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
      child.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
      const file = path.join(runs, '.controller.json');
      const info = await until('the controller file', () => readControllerFile(file));
      assert.equal(info.pid, child.pid);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.match(info.address, /^127\.0\.0\.1:\d+$/);
      assert.match(info.token, /^[0-9a-f]{64}$/);
      assert.equal(await controllerAnswers(info.address), true);
      await until('serve says where the token is', () => out.join('').includes(`token in ${file}`));
      assert.ok(!out.join('').includes(info.token), 'the token itself is never printed');
      assert.match(out.join(''), /metrics: http:\/\/127\.0\.0\.1:\d+\/metrics/);

      const list = rollout('list');
      assert.equal(list.status, 0, list.stderr);
      assert.match(list.stdout, /no rollouts yet|│/);
      const second = rollout('serve', '--metrics-port', 'off');
      assert.equal(second.status, 3, second.stderr);
      assert.match(second.stderr, new RegExp(`a rollout controller already runs: pid ${child.pid}`));

      child.kill('SIGTERM');
      const code = await new Promise<number | null>((r) => child!.once('exit', (c) => r(c)));
      assert.equal(code, 0, out.join(''));
      assert.equal(existsSync(file), false, 'file removed on a clean shutdown');
    });

    it('rollout cli - a client starts serve in the background when none answers, says so, and talks to it', async () => {
      const file = path.join(runs, '.controller.json');
      writeControllerFile(file, { address: '127.0.0.1:1', port: 1, token: 'stale', pid: 2 ** 22 + 12345, startedAt: '' });
      const said: string[] = [];
      const prev = process.env.BROWNOUT_RUNS_DIR;
      const api = await connectController({ startIfMissing: true, file, say: (l) => said.push(l), serveArgs: ['--metrics-port', '0'] });
      try {
        assert.equal(said.length, 1);
        assert.match(said[0]!, new RegExp(`started the rollout controller in the background: pid ${api.info.pid}, 127\\.0\\.0\\.1:\\d+, log ${path.join(runs, '.controller.log').replace(/[.]/g, '\\.')}`));
        assert.notEqual(api.info.token, 'stale');
        assert.deepEqual(await api.list(), { rollouts: [], damaged: [] });
        assert.equal(statSync(file).mode & 0o777, 0o600);
        assert.equal(process.env.BROWNOUT_RUNS_DIR, prev);
        // A second client finds it and starts nothing.
        const again = await connectController({ startIfMissing: true, file, say: (l) => said.push(l) });
        again.close();
        assert.equal(said.length, 1);
      } finally {
        api.close();
        process.kill(api.info.pid, 'SIGTERM');
        await until('the background controller exits', () => !pidAlive(api.info.pid));
      }
      assert.equal(existsSync(file), false);
      assert.match(readFileSync(path.join(runs, '.controller.log'), 'utf8'), /rollout controller: grpc 127\.0\.0\.1:\d+/);
    });
  });

  describe('a client starts nothing it does not need (issue 18: a stray controller held the metrics port)', () => {
    afterEach(async () => {
      // Had one been started anyway (the defect), it must not outlive the test holding a port.
      const stray = readControllerFile(path.join(runs, '.controller.json'));
      if (stray && pidAlive(stray.pid)) {
        process.kill(stray.pid, 'SIGTERM');
        await until('the stray controller exits', () => !pidAlive(stray.pid));
      }
    });

    it('rollout cli - promote, abort or resume of a rollout nobody has, a bad id, or a start the controller would refuse exit 2 or 3 and start no controller', () => {
      for (const args of [['promote', 'nosuch'], ['abort'], ['resume', '20261125T100000Z-rollout-none'], ['promote', '../../x']]) {
        const r = rollout(...args);
        assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.doesNotMatch(r.stderr, /started the rollout controller/);
      }
      // Valid, but for a variant nobody built: the controller would refuse it (exit 3), so nothing is started for it.
      const pb = path.join(runs, 'unbuilt.yaml');
      writeFileSync(pb, readFileSync(STORY, 'utf8').replace(/^target: .*$/m, 'target: v2.10.14+never-built'));
      const r = rollout('start', pb);
      assert.equal(r.status, 3, r.stderr);
      assert.match(r.stderr, /v2\.10\.14\+never-built not built/);
      assert.equal(existsSync(path.join(runs, '.controller.json')), false, 'no controller started');
      assert.equal(existsSync(path.join(runs, '.controller.log')), false, 'no controller started');
    });

    it('rollout cli - a controller started in the background with no rollout to drive exits by itself after --idle-exit-minutes', async () => {
      const file = path.join(runs, '.controller.json');
      const said: string[] = [];
      const api = await connectController({ startIfMissing: true, file, say: (l) => said.push(l), serveArgs: ['--metrics-port', '0', '--idle-exit-minutes', '0.05'] });
      api.close();
      assert.match(said[0]!, /it exits after 0\.05 min with no rollout to drive/);
      const pid = api.info.pid;
      try {
        await until('the idle background controller exits by itself', () => !pidAlive(pid), 30_000);
      } finally {
        if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
      }
      assert.equal(existsSync(file), false, 'it removed its discovery file');
      assert.match(readFileSync(path.join(runs, '.controller.log'), 'utf8'), /no rollout to drive for 0\.05 min: stopping/);
    });
  });

  describe('against a real gRPC server in front of an in-memory service', () => {
    let fake: FakeRolloutService;
    let served: ServedRollouts;
    let file: string;
    const lines: string[] = [];
    const write = (l: string) => lines.push(l);
    const quiet = () => new AbortController().signal;

    beforeEach(async () => {
      fake = new FakeRolloutService();
      served = await serveRollouts(fake);
      file = path.join(runs, '.controller.json');
      writeControllerFile(file, { address: served.address, port: served.port, token: served.token, pid: process.pid, startedAt: '' });
      lines.length = 0;
    });
    afterEach(() => served.close());

    /** Start the story playbook and feed these events once the CLI watches; its exit code. */
    async function startAndFeed(...events: Parameters<FakeRolloutService['emit']>[1][]): Promise<number> {
      // The previous start's watch may still be closing; count from none.
      await until('no watcher left', () => fake.watchers === 0, 10_000);
      const run = rolloutStart({ playbook: STORY, controllerFile: file, write, signal: quiet() });
      await until('the CLI watches', () => fake.watchers === 1, 10_000);
      const id = [...fake.rollouts.keys()].at(-1)!;
      for (const e of events) fake.emit(id, e);
      return run;
    }

    it('rollout cli - start watches to success: the file\'s text and path reach StartRollout, each event is one line, exit 0', async () => {
      const code = await startAndFeed(
        { stage: { index: 0, name: 'canary', phase: 'soaking' } },
        { status: { text: 'canary iad-2 soaking 12/60 s' } },
        { phase: { phase: 'succeeded', message: 'every stage passed' } },
      );
      assert.equal(code, EXIT.pass, lines.join('\n'));
      assert.deepEqual(fake.started, [{ playbook: readFileSync(STORY, 'utf8'), source: STORY }]);
      const text = lines.join('\n');
      assert.match(text, /^started rollout r-1: playbook story, v2\.10\.14 → v2\.10\.14\+brownout/m);
      assert.match(text, /#1 stage 1 canary: soaking$/m);
      assert.match(text, /#2 canary iad-2 soaking 12\/60 s$/m);
      assert.match(text, /#3 phase → SUCCEEDED: every stage passed$/m);
    });

    it('rollout cli - start exits 1 on a rollback and on a pause (with how to promote, resume or abort)', async () => {
      assert.equal(await startAndFeed({ phase: { phase: 'rolling-back', message: 'gate failed' } }, { phase: { phase: 'rolled-back', message: 'every server on v2.10.14' } }), EXIT.thresholdFailed);
      lines.length = 0;
      assert.equal(await startAndFeed({ phase: { phase: 'paused', message: 'compare inconclusive' } }), EXIT.thresholdFailed);
      assert.match(lines.join('\n'), /rollout r-2 is paused; decide:\n.*promote r-2 --reason[^\n]*\n.*resume r-2[^\n]*\n.*abort r-2/);
      lines.length = 0;
      assert.equal(await startAndFeed({ phase: { phase: 'rolling-back', message: 'gate failed' } }, { phase: { phase: 'rollback-failed', message: 'iad-2 down' } }), EXIT.thresholdFailed);
    });

    it('rollout cli - --detach returns 0 once started, without watching', async () => {
      assert.equal(await rolloutStart({ playbook: STORY, controllerFile: file, write, detach: true }), EXIT.pass);
      assert.equal(fake.watchers, 0);
      assert.match(lines.join('\n'), /watch r-1/);
    });

    it('rollout cli - a playbook the controller refuses is exit 2 with every problem it listed', async () => {
      fake.start = async () => { throw new BadInputError('playbook story is invalid (2 problems)', { problems: ['stages[1].region: "mars" is not a region', 'cluster.attach: no cluster "latest"'] }); };
      const err = await rolloutStart({ playbook: STORY, controllerFile: file, write }).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof BadInputError, String(err));
      assert.equal(exitCodeOf(err), EXIT.badInput);
      assert.deepEqual(err.problems, ['stages[1].region: "mars" is not a region', 'cluster.attach: no cluster "latest"']);
    });

    it('rollout cli - status renders stages, servers, gates, the comparison and the rollback; --json prints the state', async () => {
      fake.add(sampleRollout('r-a'));
      await rolloutStatus({ id: 'r-a', controllerFile: file, write });
      const text = lines.join('\n');
      for (const s of ['rollout r-a: playbook story', 'phase PAUSED, stage 1/2 canary paused', 'region-iad', 'iad-2 done', 'compare inconclusive', 'statsz.maxPerServerPerSecond', 'canary iad-2 vs baseline iad-1: INCONCLUSIVE, score 80', 'no-data', 'rollback (started', 'healthz 503', 'promote r-a']) {
        assert.ok(text.includes(s), `status lacks "${s}":\n${text}`);
      }
      lines.length = 0;
      await rolloutStatus({ id: 'r-a', json: true, controllerFile: file, write });
      assert.equal(JSON.parse(lines.join('\n')).stages[0].gates[1].comparison.metrics[1].class, 'no-data');
      await assert.rejects(rolloutStatus({ id: 'nope', controllerFile: file, write }), (e: unknown) => exitCodeOf(e) === EXIT.badInput && /no rollout nope/.test((e as Error).message));
    });

    it('rollout cli - list shows every rollout; watch of a paused one exits 1 at once', async () => {
      fake.add(sampleRollout('r-a', { phase: 'succeeded' }));
      fake.add(sampleRollout('r-b'));
      const rs = await rolloutList({ controllerFile: file, write });
      assert.deepEqual(rs.map((r) => r.id), ['r-b', 'r-a']);
      assert.match(lines.join('\n'), /r-b.*paused/);
      assert.equal(await rolloutWatch({ id: 'r-b', controllerFile: file, write, signal: quiet() }), EXIT.thresholdFailed);
    });

    it('rollout cli - promote, abort and resume: a paused rollout moves on; the wrong phase is exit 2', async () => {
      fake.add(sampleRollout('r-a'));
      assert.equal((await rolloutDecide({ action: 'promote', id: 'r-a', reason: 'ok by me', controllerFile: file, write })).phase, 'progressing');
      await assert.rejects(rolloutDecide({ action: 'abort', id: 'r-a', controllerFile: file, write }), (e: unknown) => exitCodeOf(e) === EXIT.badInput && /not paused/.test((e as Error).message));
    });
  });
});
