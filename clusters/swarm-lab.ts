// The local swarm lab (clusters/swarm-lab-plan.ts lays it out): several real Docker engines on this
// machine joined into one swarm, so the swarm backend and its remote-node faults are tested on a
// real multi-node swarm. up is idempotent (what exists is kept), down removes everything the plan
// names whether or not up finished (engines and their processes, namespaces, veths, bridge, the one
// FORWARD rule, data roots), status says what is there. Needs root, dockerd, iptables, iproute2,
// util-linux (unshare, nsenter).
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, closeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { writeFileAtomic } from '../core/atomic-file.ts';
import { sameProcess, selfIdentity, type ProcessIdentity } from '../core/process-identity.ts';
import { EnvironmentError, HarnessError } from '../core/errors.ts';
import type { Progress } from '../core/progress.ts';
import { docker as hostDocker } from '../core/docker-engine.ts';
import { copyImages } from './swarm-images.ts';
import { dockerdCommand, LAB_ADDRESS_POOL, LAB_DATA_ROOT, LAB_RECORD, LAB_RUN_ROOT, labEnvironment, labPlan, MAX_LAB_NODES, type LabNode, type LabPlan } from './swarm-lab-plan.ts';
import { waitFor } from './wait.ts';

export const LABEL_REGION = 'brownout.region';

interface SwarmNode { ID: string; Version: { Index: number }; Status?: { State?: string }; Spec?: { Labels?: Record<string, string> } & Record<string, unknown> }

interface LabRecord {
  regions: string[];
  forwardRule: boolean;
  /** The process that brought the lab up for itself (a test file); absent for `swarm-lab up`, kept until `down`. */
  owner?: ProcessIdentity;
}

export interface LabStatus {
  up: boolean;
  nodes: { name: string; ip: string; region: string; engine: boolean; swarm: string; nodeId?: string }[];
  env: Record<string, string>;
  problems: string[];
}

export function nodeEngine(n: LabNode): Docker {
  return new Docker({ socketPath: n.socket });
}

/** The plan of the lab on this machine: the recorded one, else the default. */
export function currentLabPlan(): LabPlan {
  const rec = readRecord();
  return labPlan(rec?.regions);
}

/** `owned`: the lab is this process's (a test's); `npm run clean` takes it down once this process is gone. */
export async function labUp(opts: { regions?: string[]; images?: string[]; owned?: boolean; progress: Progress }): Promise<LabPlan> {
  const { progress } = opts;
  const existing = readRecord();
  if (existing && opts.regions && existing.regions.join() !== opts.regions.join()) {
    throw new HarnessError(`a lab with regions ${existing.regions.join(',')} is up; run swarm-lab down first`);
  }
  const plan = labPlan(opts.regions ?? existing?.regions);
  await preflight();
  mkdirSync(LAB_RUN_ROOT, { recursive: true });
  const owner = opts.owned ? selfIdentity() : existing ? existing.owner : undefined;
  writeRecord({ regions: plan.nodes.map((n) => n.region), forwardRule: existing?.forwardRule ?? false, ...(owner ? { owner } : {}) });
  await progress.step(`bridge ${plan.bridge} and ${plan.nodes.length} network namespaces`, () => network(plan));
  await progress.step(`${plan.nodes.length} docker engines`, async () => {
    for (const n of plan.nodes) await startEngine(n, progress);
  });
  await progress.step('swarm (1 manager, ' + (plan.nodes.length - 1) + ' workers)', () => formSwarm(plan));
  const images = opts.images ?? (await hostDocker().listImages()).flatMap((i) => i.RepoTags ?? []).filter((t) => t.startsWith('brownout/'));
  await progress.step(`images on every node (${images.length})`, async () => {
    for (const n of plan.nodes) {
      const copied = await copyImages(hostDocker(), nodeEngine(n), images);
      if (copied.length) progress.info(`${n.name}: loaded ${copied.join(', ')}`);
    }
  });
  return plan;
}

export async function labDown(progress: Progress): Promise<void> {
  const rec = readRecord();
  // Without a record (a crash before it was written) every possible node is looked for.
  const plan = labPlan(rec?.regions ?? Array.from({ length: MAX_LAB_NODES }, (_, i) => `r${i + 1}`));
  await progress.step('stopping lab engines', async () => {
    await Promise.all(plan.nodes.map((n) => stopEngine(n)));
  });
  await progress.step('removing namespaces, veths, bridge and the FORWARD rule', async () => {
    for (const n of plan.nodes) {
      if (existsSync(`/run/netns/${n.netns}`)) await run('ip', ['netns', 'del', n.netns]);
      // Deleting the namespace deletes the veth pair too, asynchronously: a link already gone is fine.
      if (await linkExists(n.veth)) await run('ip', ['link', 'del', n.veth]).catch(async (e: Error) => { if (await linkExists(n.veth)) throw e; });
    }
    if (await linkExists(plan.bridge)) await run('ip', ['link', 'del', plan.bridge]);
    // Only our rule, found by its exact text (comment included): every copy of it.
    for (let i = 0; i < 5 && (await ok('iptables', ['-C', ...plan.forwardRule])); i++) await run('iptables', ['-D', ...plan.forwardRule]);
  });
  await progress.step('removing data roots', async () => {
    // overlay2 mounts lived in the engines' own mount namespaces, gone with them.
    rmSync(LAB_DATA_ROOT, { recursive: true, force: true });
    rmSync(LAB_RUN_ROOT, { recursive: true, force: true });
  });
}

/** The BROWNOUT_SWARM_* environment of the lab recorded on this machine, or undefined when none is. */
export function labEnvironmentIfUp(): Record<string, string> | undefined {
  const rec = readRecord();
  return rec ? labEnvironment(labPlan(rec.regions)) : undefined;
}

/** A lab whose owning process is gone (a test that crashed before its after hook): `clean` takes it down. */
export function labOrphaned(): boolean {
  const rec = readRecord();
  return !!rec?.owner && !sameProcess(rec.owner);
}

export async function labStatus(): Promise<LabStatus> {
  const rec = readRecord();
  const plan = labPlan(rec?.regions);
  const problems: string[] = [];
  const nodes: LabStatus['nodes'] = [];
  for (const n of plan.nodes) {
    const info = await withTimeout(nodeEngine(n).info(), 3000).catch(() => undefined);
    nodes.push({ name: n.name, ip: n.ip, region: n.region, engine: !!info, swarm: info?.Swarm?.LocalNodeState ?? 'no engine', nodeId: info?.Swarm?.NodeID || undefined });
  }
  if (rec) {
    const mgr = nodeEngine(plan.nodes[0]!);
    const listed = await withTimeout(mgr.listNodes(), 3000).catch(() => [] as SwarmNode[]) as SwarmNode[];
    for (const n of nodes) {
      const sn = listed.find((x) => x.ID === n.nodeId);
      if (!sn) problems.push(`${n.name}: not in the swarm`);
      else if (sn.Status?.State !== 'ready') problems.push(`${n.name}: ${sn.Status?.State}`);
      else if (sn.Spec?.Labels?.[LABEL_REGION] !== n.region) problems.push(`${n.name}: label ${LABEL_REGION}=${sn.Spec?.Labels?.[LABEL_REGION] ?? '(none)'}`);
    }
  }
  return { up: !!rec && problems.length === 0 && nodes.every((n) => n.engine), nodes, env: labEnvironment(plan), problems };
}

/** What the lab leaves on this machine right now (empty after down): for tests and `status`. */
export async function labLeftovers(): Promise<string[]> {
  const out: string[] = [];
  const plan = labPlan(Array.from({ length: MAX_LAB_NODES }, (_, i) => `r${i + 1}`));
  for (const n of plan.nodes) {
    if (existsSync(`/run/netns/${n.netns}`)) out.push(`netns ${n.netns}`);
    if (await linkExists(n.veth)) out.push(`link ${n.veth}`);
  }
  if (await linkExists(plan.bridge)) out.push(`bridge ${plan.bridge}`);
  if (await ok('iptables', ['-C', ...plan.forwardRule])) out.push('iptables FORWARD rule');
  for (const d of [LAB_DATA_ROOT, LAB_RUN_ROOT]) if (existsSync(d)) out.push(`directory ${d}`);
  for (const pid of labProcesses()) out.push(`process ${pid}`);
  return out;
}

async function preflight(): Promise<void> {
  if (process.getuid?.() !== 0) throw new EnvironmentError('the swarm lab needs root (network namespaces, veths, a bridge, dockerd)');
  const missing = [];
  for (const [cmd, pkg] of [['dockerd', 'docker.io'], ['iptables', 'iptables'], ['ip', 'iproute2'], ['unshare', 'util-linux'], ['nsenter', 'util-linux']] as const) {
    if (!(await ok('sh', ['-c', `command -v ${cmd}`]))) missing.push(`${cmd} (Debian package ${pkg})`);
  }
  if (missing.length) throw new EnvironmentError(`the swarm lab needs ${missing.join(', ')}`);
}

async function network(p: LabPlan): Promise<void> {
  if (!(await linkExists(p.bridge))) {
    await run('ip', ['link', 'add', p.bridge, 'type', 'bridge']);
    await run('ip', ['addr', 'add', `${p.hostIp}/24`, 'dev', p.bridge]);
  }
  await run('ip', ['link', 'set', p.bridge, 'up']);
  if (!(await ok('iptables', ['-C', ...p.forwardRule]))) {
    await run('iptables', ['-I', ...p.forwardRule.slice(0, 1), '1', ...p.forwardRule.slice(1)]);
    writeRecord({ ...readRecord()!, forwardRule: true });
  }
  for (const n of p.nodes) {
    if (!existsSync(`/run/netns/${n.netns}`)) await run('ip', ['netns', 'add', n.netns]);
    if (!(await linkExists(n.veth))) {
      await run('ip', ['link', 'add', n.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', n.netns]);
      await run('ip', ['-n', n.netns, 'addr', 'add', `${n.ip}/24`, 'dev', 'eth0']);
      await run('ip', ['-n', n.netns, 'link', 'set', 'eth0', 'up']);
      await run('ip', ['-n', n.netns, 'link', 'set', 'lo', 'up']);
      await run('ip', ['-n', n.netns, 'route', 'add', 'default', 'via', p.hostIp]);
    }
    await run('ip', ['link', 'set', n.veth, 'master', p.bridge, 'up']);
  }
}

async function startEngine(n: LabNode, progress: Progress): Promise<void> {
  if (await engineAnswers(n)) return;
  mkdirSync(`${n.dataRoot}/data`, { recursive: true });
  mkdirSync(`${LAB_RUN_ROOT}/${n.name}`, { recursive: true });
  rmSync(n.socket, { force: true });
  const log = openSync(n.log, 'a');
  const [cmd, ...args] = dockerdCommand(n);
  const child = spawn(cmd!, args, { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  closeSync(log);
  progress.info(`${n.name}: dockerd at ${n.socket} (${n.ip}), log ${n.log}`);
  await waitFor(`${n.name}'s dockerd at ${n.socket}`, 60_000, async () => {
    if (child.exitCode !== null) throw new HarnessError(`dockerd of ${n.name} exited (${child.exitCode}): ${tail(n.log)}`);
    return (await engineAnswers(n)) ? { done: true, value: undefined } : { done: false, missing: 'no answer yet' };
  }, 300);
}

async function formSwarm(p: LabPlan): Promise<void> {
  const [m, ...workers] = p.nodes;
  const mgr = nodeEngine(m!);
  const state = async (n: LabNode) => (await nodeEngine(n).info()).Swarm as { LocalNodeState: string; NodeID: string };
  if ((await state(m!)).LocalNodeState !== 'active') {
    await mgr.swarmInit({ ListenAddr: `${m!.ip}:2377`, AdvertiseAddr: m!.ip, DefaultAddrPool: [LAB_ADDRESS_POOL], SubnetSize: 24 });
  }
  const token = ((await mgr.swarmInspect()) as { JoinTokens: { Worker: string } }).JoinTokens.Worker;
  for (const w of workers) {
    const st = (await state(w)).LocalNodeState;
    if (st === 'active') continue;
    if (st !== 'inactive') await nodeEngine(w).swarmLeave({ force: true }).catch(() => undefined);
    await withTimeout(nodeEngine(w).swarmJoin({ RemoteAddrs: [`${m!.ip}:2377`], JoinToken: token, ListenAddr: `${w.ip}:2377`, AdvertiseAddr: w.ip }), 60_000);
  }
  for (const n of p.nodes) {
    const id = (await state(n)).NodeID;
    await waitFor(`swarm node ${n.name} ready`, 60_000, async () => {
      const node = mgr.getNode(id);
      const i = (await node.inspect()) as SwarmNode;
      if (i.Status?.State !== 'ready') return { done: false, missing: `state ${i.Status?.State}` };
      if (i.Spec?.Labels?.[LABEL_REGION] !== n.region) {
        await node.update({ _query: { version: i.Version.Index }, _body: { ...i.Spec, Labels: { ...i.Spec?.Labels, [LABEL_REGION]: n.region } } });
      }
      return { done: true, value: undefined };
    }, 300);
  }
}

async function stopEngine(n: LabNode): Promise<void> {
  // Pull our engine out of the swarm's way: stop its process, then anything else left in its netns.
  const pid = Number(readFileSafe(n.pidfile).trim());
  if (pid > 0 && isLabDockerd(pid, n)) {
    process.kill(pid, 'SIGTERM');
    const until = Date.now() + 30_000;
    while (alive(pid) && Date.now() < until) await sleep(200);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  // Stragglers: the unshare/sh wrapper, a containerd or shim of that engine. Ours by their netns.
  if (existsSync(`/run/netns/${n.netns}`)) {
    const pids = (await run('ip', ['netns', 'pids', n.netns]).catch(() => '')).split('\n').map(Number).filter((x) => x > 0);
    for (const p of pids) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
    const until = Date.now() + 10_000;
    while (pids.some(alive) && Date.now() < until) await sleep(100);
  }
}

/** A pid is our lab engine only if it is dockerd serving that node's socket. */
function isLabDockerd(pid: number, n: LabNode): boolean {
  const cmd = readFileSafe(`/proc/${pid}/cmdline`).split('\0');
  return cmd[0]?.endsWith('dockerd') === true && cmd.includes(`unix://${n.socket}`);
}

/** dockerd processes serving a lab socket, whatever the record says. */
function labProcesses(): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    const cmd = readFileSafe(`/proc/${pid}/cmdline`);
    return cmd.includes(`${LAB_RUN_ROOT}/`) && cmd.includes('dockerd');
  });
}

async function engineAnswers(n: LabNode): Promise<boolean> {
  if (!existsSync(n.socket)) return false;
  return withTimeout(nodeEngine(n).ping(), 2000).then(() => true, () => false);
}

function readRecord(): LabRecord | undefined {
  const t = readFileSafe(LAB_RECORD);
  if (!t) return undefined;
  try {
    return JSON.parse(t) as LabRecord;
  } catch {
    return undefined;
  }
}

function writeRecord(r: LabRecord): void {
  writeFileAtomic(LAB_RECORD, JSON.stringify(r, null, 2) + '\n');
}

async function linkExists(name: string): Promise<boolean> {
  return ok('ip', ['link', 'show', name]);
}

function run(cmd: string, args: string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new HarnessError(`${cmd} ${args.join(' ')}: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
  });
}

function ok(cmd: string, args: string[]): Promise<boolean> {
  return run(cmd, args, 10_000).then(() => true, () => false);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSafe(`/proc/${pid}/stat`).includes(') Z ');
  } catch {
    return false;
  }
}

function readFileSafe(f: string): string {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return '';
  }
}

function tail(file: string): string {
  return readFileSafe(file).trim().split('\n').slice(-3).join(' | ');
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new HarnessError(`no answer after ${ms}ms`)), ms).unref())]);
}
