// What `npm run rollout` prints: a rollout as tables (stages, servers, gates, the rollback), the
// list of rollouts, one line per watch event, the exit code a rollout's phase stands for, and what
// a person can do about a paused one.
import Table from 'cli-table3';
import { EXIT } from '../../core/errors.ts';
import { commandLine } from '../../core/layout.ts';
import type { RolloutEventView, RolloutView } from '../rollout/grpc/convert.ts';
import type { DamagedRollout, GateResult, RolloutPhase, ServerUpgrade } from '../rollout-model/index.ts';

const table = (head: string[]) => new Table({ style: { head: [], border: [] }, head });

/** The exit code a rollout's phase stands for; undefined while it goes on by itself. */
export function exitCodeForPhase(phase: RolloutPhase): number | undefined {
  switch (phase) {
    case 'succeeded': return EXIT.pass;
    case 'rolled-back': case 'rollback-failed': case 'paused': return EXIT.thresholdFailed;
    case 'error': return EXIT.environment;
    default: return undefined;
  }
}

/** What to type next for a paused rollout (a gate failed or was inconclusive). */
export function pausedHint(id: string): string[] {
  const cli = commandLine('rollout');
  return [
    `rollout ${id} is paused; decide:`,
    `  ${cli} promote ${id} --reason "..."   count the stage as passed and go on`,
    `  ${cli} resume ${id} --reason "..."    soak and judge the stage again`,
    `  ${cli} abort ${id} --reason "..."     roll every upgraded server back`,
  ];
}

const ms = (n: number) => (n ? `${(n / 1000).toFixed(1)}s` : '-');

function upgradeLine(u: ServerUpgrade): string {
  const parts = u.step === 'done' ? ` (lame duck ${ms(u.lameDuckMs)}, start ${ms(u.startMs)}, mesh ${ms(u.meshMs)})` : '';
  return `${u.rollback ? 'rollback' : 'upgrade'} ${u.server} (${u.region}) ${u.from} → ${u.to}: ${u.step}${parts}${u.message ? `: ${u.message}` : ''}`;
}

function gateLine(g: GateResult): string {
  const c = g.comparison;
  // The judge's own words first; the comparison's numbers only when it gave none.
  const observed = g.observed || (c ? `score ${c.score === undefined ? 'n/a' : c.score.toFixed(0)}` : '-');
  const bound = g.bound || (c ? `pass ≥ ${c.passBound}, marginal ≥ ${c.marginalBound}` : '-');
  return `gate ${g.stage} ${g.gate}: ${g.outcome.toUpperCase()} observed ${observed}, bound ${bound}${g.evidence ? ` (${g.evidence})` : ''}`;
}

/** Header lines of a rollout: what, where, which phase and why. */
export function rolloutHeader(r: RolloutView): string[] {
  const stage = r.stages[r.currentStage];
  return [
    `rollout ${r.id}: playbook ${r.playbook}, ${r.baseline} → ${r.target}`,
    `phase ${r.phase.toUpperCase()}${stage ? `, stage ${r.currentStage + 1}/${r.stages.length} ${stage.name} ${stage.phase}` : ''}${r.message ? `: ${r.message}` : ''}`,
    `cluster ${r.cluster || '(not yet)'}, run dir ${r.runDir}`,
  ];
}

/** One line per event, as `npm run chaos` prints its live view. */
export function eventLine(e: RolloutEventView): string {
  const head = `${e.time.slice(11, 19) || '--:--:--'} #${e.seq}`;
  if ('snapshot' in e) return `${head} ${rolloutHeader(e.snapshot).join(' | ')}`;
  if ('stage' in e) return `${head} stage ${e.stage.index + 1} ${e.stage.name}: ${e.stage.phase}`;
  if ('upgrade' in e) return `${head} ${upgradeLine(e.upgrade)}`;
  if ('gate' in e) return `${head} ${gateLine(e.gate)}`;
  if ('status' in e) return `${head} ${e.status.text}`;
  return `${head} phase → ${e.phase.phase.toUpperCase()}${e.phase.message ? `: ${e.phase.message}` : ''}`;
}

function gatesTable(gates: GateResult[]): string {
  const t = table(['stage', 'gate', 'outcome', 'observed', 'bound', 'evidence']);
  for (const g of gates) t.push([g.stage, g.gate, g.outcome.toUpperCase(), g.observed || '-', g.bound || '-', g.evidence || '-']);
  return t.toString();
}

function comparisonTable(g: GateResult): string {
  const c = g.comparison!;
  const t = table(['metric', 'class', 'harmful', 'samples c/b', 'p', 'shift [lower, upper]', 'reason']);
  for (const m of c.metrics) {
    t.push([m.name, m.class, m.harmful ? 'yes' : 'no', `${m.canarySamples}/${m.baselineSamples}`, m.pValue.toPrecision(2), `${m.shift.toPrecision(3)} [${m.shiftLower.toPrecision(3)}, ${m.shiftUpper.toPrecision(3)}]`, m.reason]);
  }
  const score = c.score === undefined ? 'no score (no metric had data)' : `score ${c.score.toFixed(0)}`;
  return `${g.stage}: canary ${c.canary} vs baseline ${c.baseline}: ${c.outcome.toUpperCase()}, ${score} (pass ≥ ${c.passBound}, marginal ≥ ${c.marginalBound})${c.reason ? `: ${c.reason}` : ''}\n${t.toString()}`;
}

function serversTable(servers: ServerUpgrade[]): string {
  const t = table(['server', 'region', 'from → to', 'step', 'lame duck', 'start', 'mesh', 'message']);
  for (const u of servers) t.push([u.server, u.region, `${u.from} → ${u.to}`, u.step, ms(u.lameDuckMs), ms(u.startMs), ms(u.meshMs), u.message ?? '']);
  return t.toString();
}

/** `status`: the header, the stages, every server's upgrade, every gate, the comparison, the rollback. */
export function renderRollout(r: RolloutView): string {
  const out = [...rolloutHeader(r)];
  const stages = table(['#', 'stage', 'kind', 'phase', 'servers', 'gates', 'soak']);
  r.stages.forEach((s, i) => {
    const soak = s.soakStartedAt ? `${s.soakStartedAt.slice(11, 19)} – ${s.soakEndedAt?.slice(11, 19) ?? 'now'}` : '-';
    stages.push([`${i === r.currentStage ? '>' : ' '}${i + 1}`, s.name, s.kind, s.phase, s.servers.map((u) => `${u.server} ${u.step}`).join('\n') || '-', s.gates.map((g) => `${g.gate} ${g.outcome}`).join('\n') || '-', soak]);
  });
  out.push(stages.toString());
  const servers = r.stages.flatMap((s) => s.servers);
  if (servers.length) out.push('servers:', serversTable(servers));
  const gates = r.stages.flatMap((s) => s.gates);
  if (gates.length) out.push('gates:', gatesTable(gates));
  for (const g of gates.filter((x) => x.comparison)) out.push(comparisonTable(g));
  if (r.rollback) {
    out.push(`rollback (started ${r.rollback.startedAt}${r.rollback.endedAt ? `, ended ${r.rollback.endedAt}` : ''}):`, serversTable(r.rollback.servers));
    if (r.rollback.gates.length) out.push(gatesTable(r.rollback.gates));
  }
  if (r.phase === 'paused') out.push(...pausedHint(r.id));
  return out.join('\n');
}

/** `list`: one row per rollout, newest first. */
/** One line per rollout.json the controller could not read, after the table: the file and why. */
export function renderDamaged(ds: DamagedRollout[]): string[] {
  if (!ds.length) return [];
  return [`${ds.length} damaged rollout file(s), skipped (move each aside to be rid of it):`, ...ds.map((d) => `  DAMAGED ${d.id}: ${d.path}: ${d.error}`)];
}

export function renderList(rs: RolloutView[]): string {
  if (!rs.length) return 'no rollouts yet';
  const t = table(['id', 'playbook', 'phase', 'stage', 'updated', 'message']);
  for (const r of rs) {
    const s = r.stages[r.currentStage];
    t.push([r.id, r.playbook, r.phase, s ? `${r.currentStage + 1}/${r.stages.length} ${s.name}` : '-', r.updatedAt, r.message.length > 60 ? `${r.message.slice(0, 57)}...` : r.message]);
  }
  return t.toString();
}
