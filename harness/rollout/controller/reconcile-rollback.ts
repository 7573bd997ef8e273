// The rollback: every server that left the baseline goes back, newest first, one at a time; then the
// rollback is judged on its own gates (rollout/judge/rollback-gates.ts) and the rollout ends
// rolled-back or rollback-failed. The list of moves is saved before the first, and a move already
// done is skipped, so a controller that resumes here goes on with the next.
import type { GateResult } from '../../rollout-model/index.ts';
import { baselineGate, meshGate, rollbackStuckGate } from '../judge/rollback-gates.ts';
import { endRollout } from './cluster-lifecycle.ts';
import { now, ShutdownSignal, type DriveContext } from './drive-context.ts';
import { asRestartStep, moveServer } from './move-server.ts';
import { pendingUpgrade } from './plan-rollout.ts';

/** Step indexes of the rollback's moves (above any stage's). */
const ROLLBACK_STEP_BASE = 900_000;
/** Seconds the observer watches after the last move, for the no-link-stuck gate. */
const FINAL_WINDOW_SECONDS = 5;

export async function reconcileRollback(x: DriveContext): Promise<void> {
  const s = x.state;
  if (!s.rollback) {
    const moved = s.stages.flatMap((st) => st.servers).filter((u) => u.step !== 'pending')
      .sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
    s.rollback = { servers: moved.map((u) => pendingUpgrade({ name: u.server, region: u.region }, s.target, s.baseline, true)), startedAt: now(), gates: [] };
    x.save();
    x.info(`rolling back ${moved.length} server(s), newest first: ${moved.map((u) => u.server).join(', ') || '(none)'}`);
  }
  const rb = s.rollback;
  const spec = s.playbook.stages[s.currentStage]!;
  for (const [k, u] of rb.servers.entries()) {
    if (u.step === 'done') continue;
    x.checkShutdown();
    const index = ROLLBACK_STEP_BASE + k;
    await asRestartStep(x, { index, id: `r${k}-${x.session}`, label: `rollback ${u.server}`, targets: [u.server], variant: s.baseline, attributes: { rollback: true }, readySeconds: spec.upgrade.readySeconds }, async () => {
      // A failed move is judged below (servers.onBaseline); only a shutdown stops the rollback here.
      await moveServer(x, u, spec).catch((err: Error) => {
        if (err instanceof ShutdownSignal) throw err;
      });
      return (u.step as string) === 'done';
    });
  }
  rb.gates = await judgeRollback(x);
  rb.endedAt = now();
  for (const st of s.stages) if (st.servers.some((u) => u.step !== 'pending')) st.phase = 'rolled-back';
  const failed = rb.gates.filter((g) => g.outcome === 'fail');
  for (const g of rb.gates) x.deps.emit({ gate: g });
  if (failed.length) {
    endRollout(x, 'rollback-failed', `ROLLBACK FAILED: ${failed.map((g) => `${g.gate}: ${g.observed}`).join('; ')}. ${s.message}`);
  } else {
    endRollout(x, 'rolled-back', `rolled back: every server runs ${s.baseline}, fully meshed. ${s.message}`);
  }
}

/** Every server up on the baseline, the full mesh, and no link stuck through a final window. */
async function judgeRollback(x: DriveContext): Promise<GateResult[]> {
  const s = x.state;
  const running = await Promise.all(x.cluster.servers().map(async (srv) => ({ name: srv.name, up: await srv.isRunning(), variant: srv.variant })));
  const gates: GateResult[] = [baselineGate({ baseline: s.baseline, notBack: s.rollback!.servers.filter((u) => u.step !== 'done').map((u) => ({ server: u.server, step: u.step, message: u.message })), running })];
  const meshFrom = Date.now();
  const readySeconds = s.playbook.stages[s.currentStage]!.upgrade.readySeconds;
  let mesh: string;
  try {
    await x.cluster.waitForMesh(readySeconds * 1000);
    mesh = '';
  } catch (err) {
    mesh = err instanceof Error ? err.message.split('\n')[0]! : String(err);
  }
  gates.push(meshGate(mesh, readySeconds, (Date.now() - meshFrom) / 1000));
  // Let the observer see a whole final window after the last move.
  await x.sleepUntil(Date.now() + (FINAL_WINDOW_SECONDS + 1) * 1000);
  const stuck = rollbackStuckGate(x.windowOf(Date.parse(s.rollback!.startedAt), Date.now()), FINAL_WINDOW_SECONDS);
  if (stuck) gates.push(stuck);
  return gates;
}
