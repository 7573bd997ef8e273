// A harness command in a child process the test may SIGKILL (node itself, not a launcher that would
// survive the kill), with its output collected, and the waits the crash tests put on it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../core/layout.ts';

export type Child = ChildProcess & { output: () => string };

export function node(args: string[], env: NodeJS.ProcessEnv): Child {
  const p = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout!.on('data', (d) => { out += d; });
  p.stderr!.on('data', (d) => { out += d; });
  return Object.assign(p, { output: () => out });
}

/** A TypeScript entry point of ours, run by node through tsx. */
export const tsx = (args: string[], env: NodeJS.ProcessEnv): Child => node(['--import', 'tsx', ...args], env);

/** Resolves with the first match of `re` in the child's output; rejects when it exits first or after `ms`. */
export function waitFor(p: Child, re: RegExp, ms: number, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = setInterval(() => {
      const m = re.exec(p.output());
      if (m) { clearInterval(tick); resolve(m); return; }
      if (p.exitCode !== null || p.signalCode !== null || Date.now() - t0 > ms) {
        clearInterval(tick);
        reject(new Error(`${what}: ${re} not seen after ${Date.now() - t0}ms (exit ${p.exitCode ?? p.signalCode}); output:\n${p.output().slice(-2000)}`));
      }
    }, 50);
  });
}

/** The child's exit code or signal, within `ms`. */
export function exited(p: ChildProcess, ms: number): Promise<number | string> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve(p.exitCode ?? p.signalCode!);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`process ${p.pid} still running after ${ms}ms`)), ms);
    p.on('exit', (code, sig) => { clearTimeout(t); resolve(code ?? sig ?? 'unknown'); });
  });
}

/** The monitoring URLs whose /healthz does not answer OK within 5 s each. */
export async function unhealthy(monitorUrls: string[]): Promise<string[]> {
  const bad: string[] = [];
  for (const u of monitorUrls) {
    const ok = await fetch(`${u}/healthz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.ok, () => false);
    if (!ok) bad.push(u);
  }
  return bad;
}

/** What the crash tests must leave alone: a live owner's cluster and a stranger reading its folder. */
export interface Bystanders {
  /** The runs folder (BROWNOUT_RUNS_DIR) and temp folder (TMPDIR) every child of the test uses. */
  runsDir: string;
  tmpDir: string;
  env: NodeJS.ProcessEnv;
  /** A harness holding a detached cluster it owns (test/support/hold-cluster.ts), and its servers' monitoring URLs. */
  holder: Child;
  holderUrls: string[];
  /** `tail -f` on a file in the holder's run folder. */
  tail: ChildProcess;
}

export async function startBystanders(backend: 'local' | 'docker', prefix: string): Promise<Bystanders> {
  const runsDir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const tmpDir = path.join(runsDir, '.tmp');
  mkdirSync(tmpDir);
  const env = { ...process.env, BROWNOUT_RUNS_DIR: runsDir, TMPDIR: tmpDir };
  const holder = tsx([path.join('test', 'support', 'hold-cluster.ts'), backend], env);
  const m = await waitFor(holder, /READY (\S+) (\S+) (\S+)/, 180_000, 'the live owner\'s cluster');
  const target = path.join(m[2]!, 'tail-target.txt');
  writeFileSync(target, 'a stranger reads this file\n');
  const tail = spawn('tail', ['-f', target], { stdio: 'ignore' });
  return { runsDir, tmpDir, env, holder, holderUrls: m[3]!.split(','), tail };
}

/** Stop what startBystanders started (whatever of it did start), clean its runs folder, remove it. */
export async function stopBystanders(b: Partial<Bystanders>): Promise<void> {
  b.tail?.kill('SIGKILL');
  if (b.holder && b.holder.exitCode === null) {
    b.holder.kill('SIGTERM');
    await exited(b.holder, 120_000).catch(() => b.holder!.kill('SIGKILL'));
  }
  if (b.env) await exited(tsx(['scripts/clean.ts'], b.env), 120_000).catch(() => undefined);
  if (b.runsDir) rmSync(b.runsDir, { recursive: true, force: true });
}
