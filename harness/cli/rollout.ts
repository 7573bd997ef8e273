// npm run rollout -- serve [--host H --port N --metrics-port N|0|off --idle-exit-minutes N]   the controller, in the foreground
//                         [--tls-cert F --tls-key F --tls-ca F | --insecure]                  TLS (required off loopback)
// npm run rollout -- start <playbook> [--seed N] [--detach]             validate here, start, watch to the end
//                         [--dry-run]                                     print the plan and every hook command; start nothing
// npm run rollout -- status [id] [--json] | list [--active] | watch [id]
// npm run rollout -- promote|abort|resume [id] [--reason TEXT]
// Every command but serve talks to the controller over gRPC (runs/.controller.json says where);
// start, promote, abort and resume start one in the background when none answers and the request
// passes the checks the controller would make (so a refused one leaves nothing running); that one
// exits after 10 min with no rollout to drive. Exit codes:
// 0 succeeded, 1 rolled back / rollback failed / paused, 2 bad input, 3 environment, 4 harness.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { EXIT } from '../../core/errors.ts';
import { commandLine, controllerFile } from '../../core/layout.ts';
import { checkRunId } from '../../core/run-id.ts';
import { createProgress } from '../../core/progress.ts';
import { checkDecision, checkStart } from '../rollout/controller/controller.ts';
import { RolloutStore } from '../rollout/controller/store.ts';
import { connectController, type RolloutApi } from '../rollout/grpc/client.ts';
import type { RolloutView } from '../rollout/grpc/convert.ts';
import { loadPlaybook } from '../rollout/playbook.ts';
import { parseSeed } from './chaos.ts';
import { metricsPortOption, parseMetricsPort } from './metrics-port.ts';
import { parseMinutes, parsePort, rolloutServe, untilSignal } from './rollout-serve.ts';
import { rolloutDryRun } from './rollout-dry-run.ts';
import { eventLine, exitCodeForPhase, pausedHint, renderDamaged, renderList, renderRollout, rolloutHeader } from './rollout-render.ts';

export { rolloutServe, type ServeArgs } from './rollout-serve.ts';

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

/** `start`: when no controller answers, check the request with `start` and, if it passes, start one in the background. */
async function connect(a: ClientArgs, start: false | (() => void)): Promise<RolloutApi> {
  return connectController({
    startIfMissing: start !== false, ...(start ? { beforeStart: start } : {}), file: a.controllerFile, serveArgs: a.serveArgs, progress: createProgress('rollout'),
  });
}

async function using<T>(a: ClientArgs, start: false | (() => void), fn: (api: RolloutApi) => Promise<T>): Promise<T> {
  const api = await connect(a, start);
  try {
    return await fn(api);
  } finally {
    api.close();
  }
}

/** A rollout id argument: '' (the newest) or a run id; anything else is exit 2 before anything is contacted. */
function idArg(id: string | undefined): string {
  return id ? checkRunId(id, '[id]') : '';
}

// ---- start / watch ----

export interface StartArgs extends ClientArgs {
  playbook: string;
  seed?: number;
  detach?: boolean;
  /** Print the plan and every hook command in order (the rollback's too), run nothing, contact no controller. */
  dryRun?: boolean;
  signal?: AbortSignal;
}

export async function rolloutStart(a: StartArgs): Promise<number> {
  const write = a.write ?? stdout;
  if (a.dryRun) return rolloutDryRun({ playbook: a.playbook, ...(a.seed === undefined ? {} : { seed: a.seed }), write });
  // Every problem of the file, named by its path, before anything is contacted or started.
  const pb = loadPlaybook(a.playbook);
  const text = readFileSync(a.playbook, 'utf8');
  return using(a, () => void checkStart({ playbook: text, source: a.playbook }), async (api) => {
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
  const id = idArg(a.id);
  return using(a, false, (api) => follow(api, id, a.write ?? stdout, a.signal));
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
  const id = idArg(a.id);
  return using(a, false, async (api) => {
    const r = await api.get(id);
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
    const { rollouts, damaged } = await api.list(a.active ?? false);
    const write = a.write ?? stdout;
    write(renderList(rollouts));
    for (const l of renderDamaged(damaged)) write(l);
    return rollouts;
  });
}

export interface DecideArgs extends ClientArgs {
  action: 'promote' | 'abort' | 'resume';
  id?: string;
  reason?: string;
}

export async function rolloutDecide(a: DecideArgs): Promise<RolloutView> {
  const id = idArg(a.id);
  const file = a.controllerFile ?? controllerFile();
  // Checked on the rollout's own file before a controller is started for it.
  return using(a, () => void checkDecision(new RolloutStore(path.dirname(file)), a.action, id), async (api) => {
    const reason = a.reason ?? `${a.action} from the command line`;
    const r = await api[a.action](id, reason);
    (a.write ?? stdout)(`${a.action}: ${rolloutHeader(r).join('\n')}`);
    return r;
  });
}

// ---- commander ----

export function command(): Command {
  const root = new Command('rollout').description('Staged rollouts of a nats-server variant, driven by the rollout controller over gRPC');
  root.command('serve')
    .description('Run the rollout controller in the foreground (gRPC on 127.0.0.1, token in runs/.controller.json; TLS required off loopback) until SIGINT/SIGTERM')
    .option('--host <host>', 'interface to serve on', '127.0.0.1')
    .option('--port <n>', 'gRPC port; 0 picks a free one', '0')
    .addOption(metricsPortOption())
    .option('--tls-cert <file>', 'serve TLS with this PEM certificate (chain); required with --host off loopback')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option('--tls-ca <file>', 'the CA that signed --tls-cert; recorded in runs/.controller.json for clients to trust')
    .option('--insecure', 'serve plain text on a non-loopback --host anyway (the token crosses the network unencrypted)')
    .option('--idle-exit-minutes <n>', 'stop after this long with no rollout to drive; 0 never (a controller a client starts in the background: 10, or BROWNOUT_CONTROLLER_IDLE_MINUTES)', '0')
    .action(async (o: { host: string; port: string; metricsPort: string; idleExitMinutes: string; tlsCert?: string; tlsKey?: string; tlsCa?: string; insecure?: boolean }) => {
      const code = await rolloutServe({
        host: o.host, port: parsePort(o.port), metricsPort: parseMetricsPort(o.metricsPort), idleExitMinutes: parseMinutes(o.idleExitMinutes),
        tlsCert: o.tlsCert, tlsKey: o.tlsKey, tlsCa: o.tlsCa, insecure: o.insecure,
      });
      // Everything it started is stopped by now; exit rather than wait for the event loop to drain: a
      // NATS client still redialing a removed container (SYN-SENT, no RST on docker) kept a SIGTERMed
      // controller alive for minutes (seen by the rollout crash matrix, about 1 run in 3 on docker).
      process.exit(code);
    });
  root.command('start')
    .description('Validate a playbook (YAML or JSON), start the rollout and watch it to its end')
    .argument('<playbook>', 'playbook file, e.g. examples/rollout-story.yaml')
    .option('--seed <n>', 'chooses the canary when the playbook names none and has no seed')
    .option('--detach', 'return once it started; follow it with watch')
    .option('--dry-run', 'print the stages, batches and every hook command with its arguments, in order, then the rollback\'s; run nothing')
    .action(async (playbook: string, o: { seed?: string; detach?: boolean; dryRun?: boolean }) => {
      process.exitCode = await rolloutStart({ playbook, seed: parseSeed(o.seed), detach: o.detach, dryRun: o.dryRun });
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
