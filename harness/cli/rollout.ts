// npm run rollout -- serve [--host H --port N --metrics-port N|0|off]   the controller, in the foreground
// npm run rollout -- start <playbook> [--seed N] [--detach]             validate here, start, watch to the end
// npm run rollout -- status [id] [--json] | list [--active] | watch [id]
// npm run rollout -- promote|abort|resume [id] [--reason TEXT]
// Every command but serve talks to the controller over gRPC (runs/.controller.json says where);
// start, promote, abort and resume start one in the background when none answers. Exit codes:
// 0 succeeded, 1 rolled back / rollback failed / paused, 2 bad input, 3 environment, 4 harness.
import { existsSync, readFileSync } from 'node:fs';
import { Command } from 'commander';
import { Registry } from 'prom-client';
import { BadInputError, EXIT, EnvironmentError } from '../../core/errors.ts';
import { commandLine, controllerFile } from '../../core/layout.ts';
import { createProgress } from '../../core/progress.ts';
import { RolloutController } from '../rollout/controller/controller.ts';
import { connectController, findController, type RolloutApi } from '../rollout/grpc/client.ts';
import { removeControllerFile, writeControllerFile } from '../rollout/grpc/controller-file.ts';
import type { RolloutView } from '../rollout/grpc/convert.ts';
import { serveRollouts } from '../rollout/grpc/server.ts';
import { loadPlaybook } from '../rollout/playbook.ts';
import { parseSeed } from './chaos.ts';
import { metricsPortOption, parseMetricsPort, serveMetrics, type MetricsPort } from './metrics-port.ts';
import { eventLine, exitCodeForPhase, pausedHint, renderList, renderRollout, rolloutHeader } from './rollout-render.ts';

type Write = (line: string) => void;
const stdout: Write = (l) => process.stdout.write(l + '\n');

/** How the client side reaches the controller; tests pass a file of their own. */
export interface ClientArgs {
  write?: Write;
  /** runs/.controller.json by default. */
  controllerFile?: string;
  /** Flags for a controller started in the background. */
  serveArgs?: string[];
}

async function connect(a: ClientArgs, startIfMissing: boolean): Promise<RolloutApi> {
  return connectController({ startIfMissing, file: a.controllerFile, serveArgs: a.serveArgs, progress: createProgress('rollout') });
}

async function using<T>(a: ClientArgs, startIfMissing: boolean, fn: (api: RolloutApi) => Promise<T>): Promise<T> {
  const api = await connect(a, startIfMissing);
  try {
    return await fn(api);
  } finally {
    api.close();
  }
}

// ---- serve ----

export interface ServeArgs {
  host?: string;
  port?: number;
  metricsPort?: MetricsPort;
  /** The metrics port was the default, not asked for: in use, it is skipped with a warning. */
  metricsPortDefault?: boolean;
  controllerFile?: string;
  write?: Write;
  /** Stops serving when it aborts; SIGINT/SIGTERM by default. */
  signal?: AbortSignal;
}

export async function rolloutServe(a: ServeArgs): Promise<number> {
  const write = a.write ?? stdout;
  const file = a.controllerFile ?? controllerFile();
  const running = await findController(file);
  if (running) throw new EnvironmentError(`a rollout controller already runs: pid ${running.pid} on ${running.address} (${file})`, { hint: `stop it first (kill ${running.pid}), or use that one` });
  const { signal, release } = a.signal ? { signal: a.signal, release: () => {} } : untilSignal();
  const registry = new Registry();
  const metrics = await serveMetrics(a.metricsPort ?? 'off', registry, write).catch((err: unknown) => {
    if (!a.metricsPortDefault || !(err instanceof EnvironmentError)) throw err;
    write(`metrics: not served (${err.message}); pass --metrics-port 0 for a free port`);
    return undefined;
  });
  const controller = new RolloutController({ progress: createProgress('rollout'), registry });
  try {
    const served = await serveRollouts(controller, { host: a.host, port: a.port });
    try {
      writeControllerFile(file, { address: served.address, port: served.port, token: served.token, pid: process.pid, startedAt: new Date().toISOString() });
      write(`rollout controller: grpc ${served.address} (pid ${process.pid}); token in ${file} (mode 0600)`);
      const recovered = await controller.recover();
      if (recovered.length) write(`recovered ${recovered.length} rollout(s) a previous controller left running: ${recovered.join(', ')}`);
      write('serving until SIGINT or SIGTERM');
      if (!signal.aborted) await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
      write('stopping: the rollouts keep their state in runs/<id>/rollout.json; the next controller goes on with them');
    } finally {
      await served.close();
      removeControllerFile(file);
    }
  } finally {
    release();
    await controller.close();
    await metrics?.stop();
  }
  return EXIT.pass;
}

/** An AbortSignal for SIGINT/SIGTERM while serving. */
function untilSignal(): { signal: AbortSignal; release: () => void } {
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { signal: ac.signal, release: () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); } };
}

// ---- start / watch ----

export interface StartArgs extends ClientArgs {
  playbook: string;
  seed?: number;
  detach?: boolean;
  signal?: AbortSignal;
}

export async function rolloutStart(a: StartArgs): Promise<number> {
  const write = a.write ?? stdout;
  // Every problem of the file, named by its path, before anything is contacted or started.
  const pb = loadPlaybook(a.playbook);
  const text = readFileSync(a.playbook, 'utf8');
  return using(a, true, async (api) => {
    const r = await api.start({ playbook: text, source: a.playbook, ...(a.seed === undefined ? {} : { seed: a.seed }) });
    write(`started rollout ${r.id}: playbook ${pb.name}, ${r.baseline} → ${r.target}, ${r.stages.length} stage(s); run dir ${r.runDir}`);
    if (a.detach) {
      write(`detached; follow it with: ${commandLine('rollout')} watch ${r.id}`);
      return EXIT.pass;
    }
    return follow(api, r.id, write, a.signal);
  });
}

export interface WatchArgs extends ClientArgs {
  id?: string;
  signal?: AbortSignal;
}

export async function rolloutWatch(a: WatchArgs): Promise<number> {
  return using(a, false, (api) => follow(api, a.id ?? '', a.write ?? stdout, a.signal));
}

/** Print every event until the rollout ends or pauses; the exit code its phase stands for. */
async function follow(api: RolloutApi, id: string, write: Write, signal?: AbortSignal): Promise<number> {
  const own = signal ? undefined : untilSignal();
  const stop = signal ?? own!.signal;
  let last: RolloutView | undefined;
  let phase: RolloutView['phase'] | undefined;
  try {
    for await (const e of api.watch(id, stop)) {
      write(eventLine(e));
      if ('snapshot' in e) {
        last = e.snapshot;
        phase = e.snapshot.phase;
      } else if ('phase' in e) phase = e.phase.phase;
      const rid = last?.id ?? e.rolloutId;
      if (phase === 'paused') {
        for (const l of pausedHint(rid)) write(l);
        return EXIT.thresholdFailed;
      }
      if (phase === 'error') return EXIT.environment;
    }
  } finally {
    own?.release();
  }
  const rid = last?.id ?? id;
  if (stop.aborted) {
    write(`stopped watching; rollout ${rid} goes on (${commandLine('rollout')} watch ${rid})`);
    return EXIT.interrupted;
  }
  const final = await api.get(rid);
  write(rolloutHeader(final).join('\n'));
  return exitCodeForPhase(final.phase) ?? EXIT.harness;
}

// ---- status / list / decisions ----

export interface StatusArgs extends ClientArgs {
  id?: string;
  json?: boolean;
}

export async function rolloutStatus(a: StatusArgs): Promise<RolloutView> {
  const write = a.write ?? stdout;
  return using(a, false, async (api) => {
    const r = await api.get(a.id ?? '');
    if (a.json) {
      // The whole state when the run dir is on this machine (the controller serves 127.0.0.1); else what the API carries.
      const file = `${r.runDir}/rollout.json`;
      write(existsSync(file) ? readFileSync(file, 'utf8').trimEnd() : JSON.stringify(r, null, 2));
    } else write(renderRollout(r));
    return r;
  });
}

export async function rolloutList(a: ClientArgs & { active?: boolean }): Promise<RolloutView[]> {
  return using(a, false, async (api) => {
    const rs = await api.list(a.active ?? false);
    (a.write ?? stdout)(renderList(rs));
    return rs;
  });
}

export interface DecideArgs extends ClientArgs {
  action: 'promote' | 'abort' | 'resume';
  id?: string;
  reason?: string;
}

export async function rolloutDecide(a: DecideArgs): Promise<RolloutView> {
  return using(a, true, async (api) => {
    const reason = a.reason ?? `${a.action} from the command line`;
    const r = await api[a.action](a.id ?? '', reason);
    (a.write ?? stdout)(`${a.action}: ${rolloutHeader(r).join('\n')}`);
    return r;
  });
}

// ---- commander ----

export function command(): Command {
  const root = new Command('rollout').description('Staged rollouts of a nats-server variant, driven by the rollout controller over gRPC');
  root.command('serve')
    .description('Run the rollout controller in the foreground (gRPC on 127.0.0.1, token in runs/.controller.json) until SIGINT/SIGTERM')
    .option('--host <host>', 'interface to serve on', '127.0.0.1')
    .option('--port <n>', 'gRPC port; 0 picks a free one', '0')
    .addOption(metricsPortOption())
    .action(async (o: { host: string; port: string; metricsPort: string }, cmd: Command) => {
      process.exitCode = await rolloutServe({
        host: o.host, port: parsePort(o.port), metricsPort: parseMetricsPort(o.metricsPort), metricsPortDefault: cmd.getOptionValueSource('metricsPort') === 'default',
      });
    });
  root.command('start')
    .description('Validate a playbook (YAML or JSON), start the rollout and watch it to its end')
    .argument('<playbook>', 'playbook file, e.g. examples/rollout-story.yaml')
    .option('--seed <n>', 'chooses the canary when the playbook names none and has no seed')
    .option('--detach', 'return once it started; follow it with watch')
    .action(async (playbook: string, o: { seed?: string; detach?: boolean }) => {
      process.exitCode = await rolloutStart({ playbook, seed: parseSeed(o.seed), detach: o.detach });
    });
  root.command('status')
    .description('One rollout (the newest by default): stages, servers, gates')
    .argument('[id]', 'rollout id')
    .option('--json', 'print the rollout\'s state as JSON (runs/<id>/rollout.json)')
    .action(async (id: string | undefined, o: { json?: boolean }) => {
      await rolloutStatus({ id, json: o.json });
    });
  root.command('list')
    .description('Every rollout the controller knows, newest first')
    .option('--active', 'only those that have not ended')
    .action(async (o: { active?: boolean }) => {
      await rolloutList({ active: o.active });
    });
  root.command('watch')
    .description('Follow a rollout (the newest by default) until it ends or pauses')
    .argument('[id]', 'rollout id')
    .action(async (id: string | undefined) => {
      process.exitCode = await rolloutWatch({ id });
    });
  const decisions = { promote: 'Count the paused stage as passed and go on', abort: 'Roll back every upgraded server, newest first', resume: 'Soak and judge the paused stage again' } as const;
  for (const [action, description] of Object.entries(decisions) as [DecideArgs['action'], string][]) {
    root.command(action)
      .description(`${description} (the newest rollout by default)`)
      .argument('[id]', 'rollout id')
      .option('--reason <text>', 'recorded in rollout.json and the report')
      .action(async (id: string | undefined, o: { reason?: string }) => {
        await rolloutDecide({ action, id, reason: o.reason });
      });
  }
  // main.ts overrides commander's exits on the root only; a subcommand's unknown option must reach its catch too (exit 2).
  for (const c of root.commands) c.exitOverride();
  return root;
}

function parsePort(raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) throw new BadInputError(`--port ${raw} is not a port`, { problems: [`--port: "${raw}"; allowed: 0..65535 (0 picks a free one)`] });
  return n;
}

