// npm run cluster -- up|status|down|discover: boot a super-cluster and leave it running, show its mesh per
// region, tear it down; or write a cluster file for one brownout did not start (discover). `up` records pids, ports, run label and system password in the state file
// (runs/.clusters/<runId>.json) that `status`, `down` and `npm run clean` read.
import Table from 'cli-table3';
import { Command, Option } from 'commander';
import ora from 'ora';
import { mib } from '../../core/units.ts';
import { silentProgress } from '../../core/progress.ts';
import {
  listStates, readState, reapRun, scanStates, snapshotMesh, startCluster, topologyFromFlags,
  type BackendChoice, type ClusterState, type MeshReport, type ProcessIdentity, type Topology, type TopologyFlags,
} from '../../clusters/index.ts';
import { statesDir } from '../../clusters/state-file.ts';
import { Registry } from 'prom-client';
import { metricsPortOption, parseMetricsPort, serveMetrics, type MetricsPort } from './metrics-port.ts';
import { BadInputError, HarnessError } from '../../core/errors.ts';
import { checkRunId } from '../../core/run-id.ts';
import { sameProcess } from '../../core/process-identity.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { ourRunProcesses, ownerStatus, reapDecision, terminate } from '../../clusters/index.ts';
import { discoverCluster, hasTodo, renderClusterFile, type SystemRef } from '../../clusters/external-discover.ts';
import { loadClusterFile } from '../../clusters/external-file.ts';
import type { SystemUser } from '../../clusters/view.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resolveVariantAlias } from '../variants/aliases.ts';

type Write = (line: string) => void;
const stdout: Write = (l) => process.stdout.write(l + '\n');

export interface UpArgs extends TopologyFlags {
  backend?: BackendChoice;
  runId?: string;
  meshDeadlineMs?: number;
  /** Serve /metrics while booting; default here: off (the CLI's default is 9477). */
  metricsPort?: MetricsPort;
}

/** Boot, wait for the full mesh, detach: the cluster outlives this process. */
export async function clusterUp(a: UpArgs, write: Write = stdout): Promise<ClusterState> {
  if (a.runId !== undefined) checkRunId(a.runId, '--run-id');
  // `--variant stock|patched|latest|v2.15|...`: harness/variants/aliases.ts.
  const topology = topologyFromFlags({ ...a, variant: a.variant === undefined ? undefined : resolveVariantAlias(a.variant) });
  const metrics = await serveMetrics(a.metricsPort ?? 'off', new Registry(), write);
  try {
    return await bootDetached(topology, a, write);
  } finally {
    await metrics?.stop();
  }
}

async function bootDetached(topology: Topology, a: UpArgs, write: Write): Promise<ClusterState> {
  const spinner = ora({ text: 'starting cluster', stream: process.stderr }).start();
  const t0 = Date.now();
  try {
    const c = await startCluster(topology, {
      backend: a.backend ?? 'auto', runId: a.runId, meshDeadlineMs: a.meshDeadlineMs,
      progress: { ...silentProgress, info: (m) => { spinner.text = m; if (!process.stderr.isTTY) process.stderr.write(`[cluster] ${m}\n`); } },
    });
    c.detach();
    spinner.succeed(`${c.endpoints().length} servers fully meshed on ${c.backend} in ${((Date.now() - t0) / 1000).toFixed(1)}s (run ${c.runId})`);
    const state = readState(c.runId)!;
    write(renderEndpoints(state));
    write(`system user: ${state.secrets.system.user} / ${state.secrets.system.password}`);
    write(`state: ${statesDir()}/${c.runId}.json — npm run cluster -- status | down`);
    return state;
  } catch (err) {
    spinner.fail('cluster did not start');
    throw err;
  }
}

/**
 * The run to act on: the given one, else the newest. For removal (`down`), the newest whose owner
 * is gone (or is this process): a cluster another live harness owns is in use; what was passed over
 * is said in the error, or written.
 */
export function pickRun(runId?: string, opts: { forRemoval?: boolean; write?: Write } = {}): ClusterState {
  if (runId !== undefined) checkRunId(runId, '--run');
  // A named run is read alone (a damaged file of another run does not block it); the newest needs every file.
  const states = runId ? scanStates().states : listStates();
  const inUse = opts.forRemoval ? states.filter((x) => ownerStatus(x) === 'alive') : [];
  const s = runId ? readState(runId) : states.filter((x) => !inUse.includes(x)).at(-1);
  if (!s) {
    const known = states.map((x) => `${x.runId}${inUse.includes(x) ? ` (in use by pid ${x.owner?.pid ?? x.ownerPid})` : ''}`);
    throw new BadInputError(runId ? `no cluster run "${runId}"` : inUse.length ? 'every cluster is in use by a running harness' : 'no cluster is running', {
      problems: known.length ? [`run: one of ${known.join(', ')}`] : [], hint: inUse.length ? 'stop its owner first (or wait for it to end)' : 'start one with npm run cluster -- up',
    });
  }
  if (opts.forRemoval && !runId) for (const x of inUse) opts.write?.(`skipped ${x.runId}: owner pid ${x.owner?.pid ?? x.ownerPid} is still running`);
  return s;
}

export async function clusterStatus(a: { run?: string }, write: Write = stdout): Promise<MeshReport> {
  const s = pickRun(a.run);
  const report = await snapshotMesh(s.endpoints);
  write(`run ${s.runId} on ${s.backend}: ${report.complete ? 'fully meshed' : `${report.missing.length} link(s) missing`}`);
  for (const region of s.topology.regions.map((r) => r.name)) {
    const table = new Table({ head: [region, 'variant', 'routes', 'gateways', 'RSS', 'uptime'], style: { head: [], border: [] } });
    for (const m of report.servers.filter((x) => x.region === region)) {
      table.push([
        m.name, m.variant,
        m.reachable ? `${m.routes.up}/${m.routes.expected}` : 'down',
        m.reachable ? `${m.gateways.up}/${m.gateways.expected}` : 'down',
        m.rssBytes === undefined ? '-' : mib(m.rssBytes),
        m.uptime ?? '-',
      ]);
    }
    write(table.toString());
  }
  if (!report.complete) for (const l of report.missing) write(`  missing: ${l}`);
  return report;
}

export async function clusterDown(a: { run?: string; all?: boolean }, write: Write = stdout): Promise<string[]> {
  const scan = a.all ? scanStates() : undefined;
  for (const bad of scan?.bad ?? []) write(`kept ${bad.message}`);
  const runs = scan ? scan.states : [pickRun(a.run, { forRemoval: true, write })];
  const removed: string[] = [];
  for (const s of runs) {
    const d = reapDecision(s, ownerStatus(s), true);
    if (!d.reap && d.why) {
      // Touch only what is ours: a cluster whose owner still runs is in use.
      if (a.all) {
        write(`skipped ${s.runId}: ${d.why}`);
        continue;
      }
      throw new BadInputError(`cluster ${s.runId} is in use: ${d.why}`, {
        problems: [`--run: a cluster whose owner is gone; ${s.runId} is owned by pid ${s.owner?.pid ?? s.ownerPid}`],
        hint: 'stop its owner first (abort the rollout, or end the run), then down it',
      });
    }
    const ours = ourRunProcesses(s);
    const gone = await reapRun(s);
    write(`run ${s.runId} (${s.backend}): removed ${gone.removed.length ? gone.removed.join(', ') : 'nothing (already gone)'}`);
    for (const f of gone.failed) write(`  could not remove ${f}`);
    removed.push(...gone.removed);
    const left = await waitGone(s, ours, downDeadlineMs(ours.length));
    if (left.length > 0) throw new HarnessError(`run ${s.runId}: ${left.length} process(es) still alive ${downDeadlineMs(ours.length)}ms after down: ${left.join(', ')}`);
  }
  if (scan?.bad[0]) throw scan.bad[0];
  return removed;
}

/** 10 s, plus 100 ms per process: a SIGTERMed nats-server closes its routes before it exits. */
const downDeadlineMs = (processes: number): number => 10_000 + 100 * processes;

/**
 * `down` returns only when nothing of the run is alive: none of the processes we found before (by
 * identity) and none started meanwhile (one started while the first sweep ran is terminated too).
 * Returns what is left.
 */
async function waitGone(s: ClusterState, before: ProcessIdentity[], deadlineMs: number): Promise<string[]> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const stragglers = ourRunProcesses({ runDir: s.runDir });
    await Promise.all(stragglers.map((p) => terminate(p, 2000).catch(() => undefined)));
    const left = [...new Set([...ourRunProcesses({ runDir: s.runDir }), ...before.filter(sameProcess)].map((p) => p.pid))];
    if (left.length === 0) return [];
    if (Date.now() >= until) return left.map((p) => `pid ${p}`);
    await sleep(100);
  }
}

function renderEndpoints(s: ClusterState): string {
  const table = new Table({ head: ['server', 'variant', 'client', 'monitor'], style: { head: [], border: [] } });
  for (const e of s.endpoints) table.push([e.name, e.variant, e.clientUrl, e.monitorUrl]);
  return table.toString();
}

export interface DiscoverArgs {
  monitorUrl: string;
  systemUser?: string;
  /** Environment variable holding the system password (never the password on the command line). */
  systemPasswordEnv?: string;
  systemPasswordFile?: string;
  /** A .creds file of a system account user. */
  systemCreds?: string;
  name?: string;
  out?: string;
}

/** The system account from the flags, and how the written file names it; BadInputError for a bad combination. */
function discoverCredentials(a: DiscoverArgs): { system?: SystemUser; ref?: SystemRef } {
  const problems: string[] = [];
  const sources = [a.systemPasswordEnv && '--system-password-env', a.systemPasswordFile && '--system-password-file', a.systemCreds && '--system-creds'].filter(Boolean);
  if (sources.length > 1) problems.push(`${sources.join(', ')}: give one`);
  if ((a.systemPasswordEnv || a.systemPasswordFile) && !a.systemUser) problems.push('--system-user: missing; a password needs its user');
  if (a.systemUser && !a.systemPasswordEnv && !a.systemPasswordFile) problems.push('--system-user: needs --system-password-env VAR or --system-password-file FILE (a password is never taken on the command line)');
  if (a.systemCreds && a.systemUser) problems.push('--system-user: not with --system-creds (the JWT names the user)');
  const env = a.systemPasswordEnv ? process.env[a.systemPasswordEnv] : undefined;
  if (a.systemPasswordEnv && !env) problems.push(`--system-password-env: environment variable ${a.systemPasswordEnv} is not set`);
  const read = (f: string, flag: string): string | undefined => {
    try { return readFileSync(f, 'utf8'); } catch (e) { problems.push(`${flag}: cannot read ${f} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); return undefined; }
  };
  const file = a.systemPasswordFile ? read(a.systemPasswordFile, '--system-password-file') : undefined;
  const creds = a.systemCreds ? read(a.systemCreds, '--system-creds') : undefined;
  if (problems.length) throw new BadInputError(`cluster discover: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, { problems });
  if (a.systemCreds && creds) return { system: { creds }, ref: { credsFile: path.resolve(a.systemCreds) } };
  if (a.systemUser && env) return { system: { user: a.systemUser, password: env }, ref: { user: a.systemUser, passwordEnv: a.systemPasswordEnv! } };
  if (a.systemUser && file) return { system: { user: a.systemUser, password: file.replace(/\r?\n$/, '') }, ref: { user: a.systemUser, passwordFile: path.resolve(a.systemPasswordFile!) } };
  return {};
}

/** Discover a running cluster from one monitoring URL: print what was found, write a cluster file. */
export async function clusterDiscover(a: DiscoverArgs, write: Write = stdout): Promise<{ text: string; todo: boolean }> {
  let seed: URL | undefined;
  try { seed = new URL(a.monitorUrl); } catch { /* below */ }
  if (!seed || !/^https?:$/.test(seed.protocol)) {
    throw new BadInputError(`cluster discover: ${JSON.stringify(a.monitorUrl)} is not a monitoring URL`, { problems: ['monitorUrl: an http(s) URL of one server\'s monitoring port, e.g. http://10.0.0.1:8222'] });
  }
  const { system, ref } = discoverCredentials(a);
  const d = await discoverCluster(a.monitorUrl, system ? { system } : {});
  const text = renderClusterFile(d, { name: a.name ?? 'discovered', ...(ref ? { system: ref } : {}) });
  write(`discovered from ${d.seed}${d.viaSystemAccount ? ' (through the system account)' : ' (monitoring endpoints only; give --system-user and --system-password-env for every server)'}:`);
  for (const f of d.found) write(`  found: ${f}`);
  for (const g of d.guessed) write(`  guessed: ${g}`);
  for (const m of d.missing) write(`  missing: ${m}`);
  const table = new Table({ head: ['server', 'region', 'monitor', 'client', 'version'], style: { head: [], border: [] } });
  for (const s of d.servers) table.push([s.name, s.region ?? '?', s.monitorUrl ?? 'TODO', s.clientUrl ?? 'TODO', s.version ?? '?']);
  write(table.toString());
  const todo = hasTodo(text);
  if (a.out) {
    writeFileSync(a.out, text);
    write(`wrote ${a.out}${todo ? ': fill in every TODO before using it' : ''}`);
    // A complete file is checked as brownout will read it (secrets from where it names them).
    if (!todo) {
      try {
        loadClusterFile(a.out);
        write(`${a.out} checks: use it with --attach external:${a.out}`);
      } catch (err) {
        if (!(err instanceof BadInputError)) throw err;
        write(`${a.out} does not check yet:`);
        for (const p of err.problems) write(`  ${p}`);
      }
    }
  } else write(text);
  return { text, todo };
}

export function command(): Command {
  const cmd = new Command('cluster').description('boot, inspect and tear down a multi-region super-cluster');
  const backend = () => new Option('--backend <name>', 'where servers run').choices(['auto', 'local', 'docker', 'swarm']).default('auto');
  cmd.command('up')
    .description('boot a super-cluster, wait for the full mesh and leave it running')
    .option('--preset <name>', 'two-regions | three-regions | five-regions (default three-regions)')
    .option('--regions <list>', 'comma-separated region names, e.g. iad,lhr,syd')
    .option('--servers <n>', 'servers per region')
    .option('--variant <name>', 'variant of every server (default v2.10.14+brownout); aliases: stock, patched, latest, v2.11 … v2.15')
    .option('--ping-interval <duration>', 'ping_interval, e.g. 1s')
    .option('--ping-max <n>', 'ping_max')
    .option('--run-id <id>', 'label for everything this run creates')
    .addOption(backend())
    .addOption(metricsPortOption())
    .action(async (o: Omit<UpArgs, 'metricsPort'> & { metricsPort: string }) => { await clusterUp({ ...o, metricsPort: parseMetricsPort(o.metricsPort) }); });
  cmd.command('status')
    .description('routes, gateways, RSS and uptime per server, one table per region')
    .option('--run <id>', 'run to show (default: the newest)')
    .action(async (o: { run?: string }) => { await clusterStatus(o); });
  cmd.command('down')
    .description('remove every process, container, network and proxy of a run')
    .option('--run <id>', 'run to remove (default: the newest whose owner is gone)')
    .option('--all', 'every recorded run whose owner is gone')
    .action(async (o: { run?: string; all?: boolean }) => { await clusterDown(o); });
  cmd.command('discover')
    .description('write a cluster file for a running cluster brownout did not start, from one monitoring URL')
    .argument('<monitorUrl>', "one server's monitoring URL, e.g. http://10.0.0.1:8222")
    .option('--system-user <user>', 'system account user: every server through $SYS.REQ.SERVER.PING (else only what monitoring shows)')
    .option('--system-password-env <VAR>', 'environment variable holding its password (the file names VAR, never the password)')
    .option('--system-password-file <FILE>', 'file holding its password')
    .option('--system-creds <FILE>', 'a .creds file of a system account user instead')
    .option('--name <label>', 'the cluster\'s name in the file (default discovered)')
    .option('--out <FILE>', 'write the cluster file here (default: print it)')
    .action(async (monitorUrl: string, o: Omit<DiscoverArgs, 'monitorUrl'>) => { await clusterDiscover({ monitorUrl, ...o }); });
  return cmd;
}
