// `rollout start <playbook> --dry-run`: what the rollout would do, in order, without doing any of
// it: the stages and their batches as the controller plans them (canary → region → global), every
// hook command filled for its server, then the rollback's commands toward the baseline. Reads the
// playbook and its cluster file (or a cluster's state file) only: no controller, no server, no hook;
// a secret the cluster file reads from an environment variable need not be set for it.
import { expectedVersionOf, hookArgv, moveCalls, shellQuote, type HooksConfig } from '../../clusters/hook-templates.ts';
import type { ExternalServerRef } from '../../clusters/external-hooks.ts';
import { findAttachable, readState, serversOf } from '../../clusters/index.ts';
import { BadInputError } from '../../core/errors.ts';
import { loadPlaybook, planTargets, type Playbook, type ServerRef, type Stage } from '../rollout/playbook.ts';
import { DRY_RUN_ENV, externalServerRefs } from '../rollout/playbook/external-servers.ts';

export interface DryRunArgs {
  playbook: string;
  seed?: number;
  write: (line: string) => void;
}

/** The servers the rollout would plan over, without a live cluster. */
function plannedServers(pb: Playbook, source: string): { servers: ExternalServerRef[]; where: string } {
  const ref = (s: ServerRef): ExternalServerRef => ({ ...s, host: s.name, clientUrl: '', monitorUrl: '' });
  if (pb.cluster.kind === 'external') return { servers: externalServerRefs(pb.cluster.file, DRY_RUN_ENV), where: `the external cluster of ${pb.cluster.file}` };
  if (pb.cluster.kind === 'topology') return { servers: serversOf(pb.cluster.topology).map(ref), where: `a ${pb.cluster.topology.regions.map((r) => `${r.name}×${r.servers}`).join(' ')} cluster it boots (${pb.cluster.backend})` };
  const target = findAttachable(pb.cluster.id);
  const state = readState(target.runId);
  if (!state) throw new BadInputError(`${source}: no cluster run "${target.runId}"`, { problems: ['cluster.attach: latest or the id of a cluster from npm run cluster -- up'] });
  return { servers: state.endpoints.map((e) => ref({ name: e.name, region: e.region })), where: `cluster ${state.runId} (attached)` };
}

function lameDuckWord(st: Stage): string {
  return st.upgrade.lameDuck.enabled ? `lame duck ${st.upgrade.lameDuck.durationSeconds} s / grace ${st.upgrade.lameDuck.graceSeconds} s` : 'no lame duck';
}

/** One server's move as lines: each hook command filled, or brownout's own steps when there are no hooks. */
function moveLines(hooks: HooksConfig | undefined, s: ExternalServerRef, from: string, to: string, lameDuck: boolean, indent: string): string[] {
  if (!hooks) return [`${indent}${s.name} (${s.region}): ${lameDuck ? 'lame duck, ' : ''}stop, start on ${to}, wait for the full mesh (brownout's own steps)`];
  const calls = moveCalls(hooks, s, from, to, lameDuck);
  return [
    `${indent}${s.name} (${s.region}, host ${s.host}): ${from} → ${to}`,
    ...calls.map((c) => `${indent}  ${c.hook.padEnd(8)} [timeout ${c.timeoutSeconds} s] ${shellQuote(c.argv)}`),
    `${indent}  then: /varz version ${expectedVersionOf(hooks, to)}, the full mesh`,
  ];
}

/** Prints the plan; returns 0. Nothing is contacted or started. */
export function rolloutDryRun(a: DryRunArgs): number {
  const pb = loadPlaybook(a.playbook, { clusterEnv: DRY_RUN_ENV });
  const { servers, where } = plannedServers(pb, a.playbook);
  const seed = a.seed ?? pb.seed ?? 1;
  const targets = planTargets(pb, servers, seed);
  const byName = new Map(servers.map((s) => [s.name, s]));
  const w = a.write;
  w(`dry run: playbook ${pb.name}, ${pb.baseline} → ${pb.target} on ${where}, seed ${seed}; nothing below is run`);
  if (pb.hooks) w(`hooks run in ${pb.hooks.workDir}; their output would go to runs/<id>/hooks/<server>.<hook>.<n>.log`);
  const moved: string[] = [];
  pb.stages.forEach((st, i) => {
    const t = targets[i]!;
    w('');
    w(`stage ${i + 1}/${pb.stages.length} ${st.name} (${st.kind}): ${t.batches.length} batch(es) of up to ${st.upgrade.batchSize}, ${lameDuckWord(st)}, soak ${st.soakSeconds} s, on failure ${st.onFailure}`);
    t.batches.forEach((batch, b) => {
      w(`  batch ${b + 1}/${t.batches.length}: ${batch.join(', ')} (at once)`);
      for (const n of batch) for (const l of moveLines(pb.hooks, byName.get(n)!, pb.baseline, pb.target, st.upgrade.lameDuck.enabled, '    ')) w(l);
      moved.push(...batch);
      if (b === 0 && t.baselinePeer) {
        const peer = byName.get(t.baselinePeer)!;
        w(`    baseline peer ${peer.name} restarts on ${pb.baseline} when the canary stops (the comparison's other side)${pb.hooks ? ':' : ": stop, start (brownout's own steps)"}`);
        if (pb.hooks) {
          for (const hook of pb.hooks.upgrade ? (['upgrade'] as const) : (['stop', 'start'] as const)) {
            w(`      ${hook.padEnd(8)} [timeout ${pb.hooks[hook]!.timeoutSeconds} s] ${shellQuote(hookArgv(pb.hooks, hook, peer, pb.baseline)!)}`);
          }
        }
      }
    });
  });
  const last = pb.stages.at(-1)!;
  w('');
  w(`rollback (when a stage fails with onFailure rollback, or on abort): every server moved so far goes back to ${pb.baseline}, newest first, one at a time, with the failing stage's lame duck setting; shown for all ${moved.length} (${lameDuckWord(last)}):`);
  for (const n of [...moved].reverse()) for (const l of moveLines(pb.hooks, byName.get(n)!, pb.target, pb.baseline, last.upgrade.lameDuck.enabled, '  ')) w(l);
  return 0;
}
