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
import { externalServerRefs } from '../playbook/external-servers.ts';

/** Where each hook's output goes: `runs/<id>/hooks/<server>.<hook>.<n>.log`. */
export function hooksLogDir(runDir: string): string {
  return path.join(runDir, 'hooks');
}

/** The external cluster of `pb`, attached with its hooks; nothing of it is ever stopped by us. */
export async function attachExternalCluster(pb: Playbook, runDir: string, progress: Progress): Promise<StartedCluster> {
  if (pb.cluster.kind !== 'external' || !pb.hooks) throw new HarnessError('not an external cluster with hooks');
  const hooks = createHookRunner(pb.hooks, { logDir: hooksLogDir(runDir), progress });
  return attachExternal(pb.cluster.file, { hooks, meshDeadlineMs: 60_000 });
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
