// Runs the user's upgrade hooks (ServerHooks, clusters/external-hooks.ts) for servers brownout did
// not start: each hook an argv filled per server (no shell unless the user writes one), in its own
// process group, with a timeout after which the whole group is killed; its output appended to a
// file of its own in the run folder. A non-zero exit or a timeout rejects, naming the hook, the
// server, the exit (or the timeout) and that file. We add nothing to a hook's argv or environment
// but what its template says: the cluster's credentials are never passed (the variables a cluster
// file names for them are taken out of the environment a hook inherits).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { HarnessError } from '../core/errors.ts';
import type { Progress } from '../core/progress.ts';
import type { ExternalServerRef, HookSteps, ServerHooks } from './external-hooks.ts';
import { expectedVersionOf, hookArgv, shellQuote, type HookName, type HooksConfig } from './hook-templates.ts';

export interface HookRunnerOptions {
  /** Where each hook's output goes: `<logDir>/<server>.<hook>.<n>.log`. */
  logDir: string;
  progress?: Progress;
  /** Environment variables a hook must not inherit (the cluster file's credential variables). */
  withoutEnv?: readonly string[];
  /** A line every this many ms while a hook runs (default 5000). */
  progressEveryMs?: number;
  /** After the timeout's SIGTERM to the group, SIGKILL after this many ms (default 2000). */
  killAfterMs?: number;
}

/** The hooks of `config` as ServerHooks for the external backend. */
export function createHookRunner(config: HooksConfig, opts: HookRunnerOptions): ServerHooks {
  const steps: HookSteps = { lameDuck: !!config.lameDuck, stop: !!config.stop, start: !!(config.start || config.upgrade), upgrade: !!config.upgrade };
  const run = (hook: HookName, server: ExternalServerRef, variant: string) => runHook(config, hook, server, variant, opts);
  return {
    steps,
    async lameDuck(server, variant) {
      if (!config.lameDuck) throw new HarnessError(`no lameDuck hook for ${server.name}: the playbook's hooks have none (add hooks.lameDuck or disable lame duck)`);
      await run('lameDuck', server, variant);
    },
    async stop(server, variant) {
      if (config.upgrade && !config.stop) return;
      await run('stop', server, variant);
    },
    async start(server, variant) {
      await run(config.upgrade ? 'upgrade' : 'start', server, variant);
    },
    expectedVersion: (variant) => expectedVersionOf(config, variant),
  };
}

/** Process groups of hooks running now: killed if this process exits under them. */
const running = new Set<number>();
function killRunningOnExit(): void {
  for (const pgid of running) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

function nextLogFile(dir: string, server: string, hook: HookName): string {
  mkdirSync(dir, { recursive: true });
  // Numbered per server and hook: a rollback, a retry or a resumed controller adds a file, never overwrites one.
  for (let n = 1; ; n++) {
    const f = path.join(dir, `${server}.${hook}.${n}.log`);
    if (!existsSync(f)) return f;
  }
}

/** The last non-empty line of a hook's output so far (for progress and failure messages), cut short. */
function lastLine(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('# brownout:'));
    const l = lines.at(-1) ?? '';
    return l.length > 160 ? `${l.slice(0, 160)}…` : l;
  } catch {
    return '';
  }
}

async function runHook(config: HooksConfig, hook: HookName, server: ExternalServerRef, variant: string, opts: HookRunnerOptions): Promise<void> {
  const argv = hookArgv(config, hook, server, variant);
  const cmd = config[hook];
  if (!argv || !cmd || !argv.length) throw new HarnessError(`no ${hook} hook in the playbook for ${server.name}`);
  const log = nextLogFile(opts.logDir, server.name, hook);
  const fd = openSync(log, 'a', 0o600);
  const t0 = Date.now();
  const label = `hook ${hook} for ${server.name}`;
  writeSync(fd, `# brownout: ${new Date(t0).toISOString()} ${label} (${variant}), timeout ${cmd.timeoutSeconds} s, in ${config.workDir}: ${shellQuote(argv)}\n`);
  const env = { ...process.env };
  for (const k of opts.withoutEnv ?? []) delete env[k];
  opts.progress?.info(`${label}: ${shellQuote(argv)}`);

  let outcome: { code: number | null; signal: NodeJS.Signals | null; error?: Error; timedOut: boolean };
  try {
    outcome = await new Promise((resolve) => {
      let timedOut = false;
      let settled = false;
      // Its own process group (detached), so a timeout kills everything it started in that group;
      // output straight into the file (no pipe a backgrounded child could hold open).
      const child = spawn(argv[0]!, argv.slice(1), { cwd: config.workDir, env, detached: true, stdio: ['ignore', fd, fd] });
      const pgid = child.pid;
      if (pgid !== undefined) {
        if (running.size === 0) process.on('exit', killRunningOnExit);
        running.add(pgid);
      }
      const killGroup = (sig: NodeJS.Signals) => {
        if (pgid === undefined) return;
        try {
          process.kill(-pgid, sig);
        } catch {
          // The group is gone already.
        }
      };
      let killTimer: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup('SIGTERM');
        killTimer = setTimeout(() => killGroup('SIGKILL'), opts.killAfterMs ?? 2000);
      }, cmd.timeoutSeconds * 1000);
      const every = opts.progressEveryMs ?? 5000;
      const beat = setInterval(() => {
        const last = lastLine(log);
        opts.progress?.info(`${label}: still running (${((Date.now() - t0) / 1000).toFixed(0)} s of ${cmd.timeoutSeconds} s)${last ? `; last output: ${last}` : ''}`);
      }, every);
      const finish = (o: Omit<typeof outcome, 'timedOut'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(beat);
        if (timedOut) {
          // What it left in its group goes with it, at once: a timed-out hook leaves nothing running.
          killGroup('SIGKILL');
          clearTimeout(killTimer);
        }
        if (pgid !== undefined) {
          running.delete(pgid);
          if (running.size === 0) process.removeListener('exit', killRunningOnExit);
        }
        resolve({ ...o, timedOut });
      };
      child.once('error', (error) => finish({ code: null, signal: null, error }));
      child.once('exit', (code, signal) => finish({ code, signal }));
    });
  } finally {
    // The child has its own copy of the descriptor; ours is closed once it is started or failed.
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    try {
      writeSync(fd, `# brownout: ended after ${secs} s\n`);
    } finally {
      closeSync(fd);
    }
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (!outcome.error && !outcome.timedOut && outcome.code === 0) {
    opts.progress?.info(`${label}: done in ${secs} s`);
    return;
  }
  const why = outcome.error
    ? `could not be started (${(outcome.error as NodeJS.ErrnoException).code ?? outcome.error.message}: ${argv[0]})`
    : outcome.timedOut
      ? `timed out after ${cmd.timeoutSeconds} s (its process group was killed)`
      : outcome.code !== null
        ? `exited with code ${outcome.code} after ${secs} s`
        : `was killed by ${outcome.signal} after ${secs} s`;
  const last = lastLine(log);
  throw new HarnessError(`hook ${hook} failed for ${server.name}: ${why}${last ? `; last output: ${last}` : ''} (output in ${log})`, {
    hint: `the hook ran: ${shellQuote(argv)} (in ${config.workDir})`,
  });
}
