// A harness command in a child process the test may SIGKILL (node itself, not a launcher that would
// survive the kill), with its output collected, and the waits the crash tests put on it.
import { spawn, type ChildProcess } from 'node:child_process';
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
