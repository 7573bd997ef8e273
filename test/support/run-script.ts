// Run one of our npm scripts' entry files as a user would, and capture what it printed.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../core/layout.ts';

export interface ScriptRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runScript(file: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 300_000): ScriptRun {
  const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const r = spawnSync(process.execPath, [tsx, path.join(REPO_ROOT, file), ...args], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
