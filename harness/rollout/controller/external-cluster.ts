// A rollout on a cluster brownout did not start (cluster.external): attached through its cluster
// file with the playbook's hooks, on start and on every resume, never claimed, reaped or stopped;
// its servers move only through the hooks (server.upgrade → the external backend → the hooks).
import path from 'node:path';
import { attachExternal } from '../../../clusters/external-attach.ts';
import { createHookRunner } from '../../../clusters/hook-runner.ts';
import { expectedVersionOf } from '../../../clusters/hook-templates.ts';
import type { StartedCluster } from '../../../clusters/index.ts';
import { BadInputError, EnvironmentError, HarnessError } from '../../../core/errors.ts';
import { monitorGet, type Varz } from '../../../core/nats-monitoring.ts';
import type { Progress } from '../../../core/progress.ts';
import type { Playbook } from '../../rollout-model/playbook-types.ts';
import type { RolloutState, ServerUpgrade } from '../../rollout-model/index.ts';
import { readInputFile } from '../../../core/bounded-yaml.ts';
import { CLUSTER_FILE_MAX_BYTES } from '../../../clusters/external-file.ts';
import type { ServerHooks } from '../../../clusters/external-hooks.ts';
import { externalServerRefs } from '../playbook/external-servers.ts';

/** Where each hook's output goes: `runs/<id>/hooks/<server>.<hook>.<n>.log`. */
export function hooksLogDir(runDir: string): string {
  return path.join(runDir, 'hooks');
}

/**
 * The environment variables the cluster file reads its secrets from: taken out of what a hook
 * inherits, so no hook is handed the system account's or the probe's credentials.
 */
export function secretEnvNames(file: string): string[] {
  const raw = readInputFile({ what: 'cluster file', maxBytes: CLUSTER_FILE_MAX_BYTES, sizeHint: 'a few KB' }, file) as Record<string, unknown> | null;
  const names: string[] = [];
  for (const part of ['system', 'probe']) {
    const c = raw?.[part] as Record<string, unknown> | undefined;
    for (const k of ['passwordEnv', 'credsEnv']) if (typeof c?.[k] === 'string') names.push(c[k] as string);
  }
  return names;
}

/**
 * The external cluster of the rollout, attached with its hooks; nothing of it is ever stopped by
 * us. A controller that resumes first starts, through the start hook, any server a killed
 * controller left stopped mid-move (on the variant rollout.json says it ran), since an external
 * cluster is attached whole.
 */
export async function attachExternalCluster(s: RolloutState, progress: Progress): Promise<StartedCluster> {
  const pb = s.playbook;
  if (pb.cluster.kind !== 'external' || !pb.hooks) throw new HarnessError('not an external cluster with hooks');
  const hooks = createHookRunner(pb.hooks, { logDir: hooksLogDir(s.runDir), progress, withoutEnv: secretEnvNames(pb.cluster.file) });
  if (movesOf(s).some((u) => u.step !== 'pending')) await startLeftStopped(s, pb.cluster.file, hooks, progress);
  return attachExternal(pb.cluster.file, { hooks, meshDeadlineMs: 60_000 });
}

function movesOf(s: RolloutState): ServerUpgrade[] {
  return [...s.stages.flatMap((st) => st.servers), ...(s.rollback?.servers ?? [])];
}

/** The variant a server ran when its last recorded move stopped: before the start, the one it left; after, the one it went to. */
export function variantLeftOn(s: RolloutState, server: string): string {
  const moves = movesOf(s).filter((u) => u.server === server && u.step !== 'pending');
  const last = moves.sort((a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '')).at(-1);
  if (!last) return s.baseline;
  return last.step === 'starting' || last.step === 'waiting-mesh' || last.step === 'done' ? last.to : last.from;
}

async function startLeftStopped(s: RolloutState, file: string, hooks: ServerHooks, progress: Progress): Promise<void> {
  for (const ref of externalServerRefs(file)) {
    if (await answers(ref.monitorUrl)) continue;
    const variant = variantLeftOn(s, ref.name);
    progress.info(`rollout ${s.id}: ${ref.name} does not answer (left stopped by the last controller): starting it on ${variant} through the start hook`);
    await hooks.start(ref, variant);
    const end = Date.now() + 60_000;
    while (!(await answers(ref.monitorUrl))) {
      if (Date.now() > end) throw new HarnessError(`${ref.name} does not answer ${ref.monitorUrl}/healthz 60 s after its start hook`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function answers(monitorUrl: string): Promise<boolean> {
  // /varz answers whenever the process serves monitoring (healthz may answer 503 while it meshes).
  return (await monitorGet<unknown>(monitorUrl, 'varz', 2000).catch(() => undefined)) !== undefined;
}

/**
 * Before a rollout starts on an external cluster: every server answers and reports the baseline's
 * version (what the playbook expects of it), read from /varz; bad input naming each server that
 * does not, an environment error for one that does not answer.
 */
export async function checkExternalBaseline(pb: Playbook, source: string): Promise<void> {
  if (pb.cluster.kind !== 'external') return;
  const want = expectedVersionOf(pb.hooks, pb.baseline);
  const servers = externalServerRefs(pb.cluster.file);
  const seen = await Promise.all(servers.map(async (s) => {
    try {
      return { s, version: (await monitorGet<Varz>(s.monitorUrl, 'varz', 5000)).version };
    } catch (err) {
      return { s, error: err instanceof Error ? err.message.split('\n')[0]! : String(err) };
    }
  }));
  const down = seen.filter((x) => 'error' in x);
  if (down.length) {
    throw new EnvironmentError(`${source}: ${down.length} server(s) of ${pb.cluster.file} do not answer on their monitoring URL: ${down.map((x) => `${x.s.name} (${x.s.monitorUrl}: ${'error' in x ? x.error : ''})`).join('; ')}`, {
      hint: 'a rollout starts on a whole cluster; start the servers, or fix monitorUrl in the cluster file',
    });
  }
  const wrong = seen.filter((x) => 'version' in x && x.version !== want);
  if (wrong.length) {
    throw new BadInputError(`${source}: the servers of ${pb.cluster.file} do not all run the baseline ${pb.baseline} (/varz version ${want})`, {
      problems: wrong.map((x) => `baseline: ${x.s.name} reports version ${'version' in x ? x.version : '?'}; every server must run ${pb.baseline} (version ${want}${pb.hooks?.expectVersion?.[pb.baseline] ? ', expectVersion' : ''}) before a rollout`),
    });
  }
}
