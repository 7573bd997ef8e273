// A rollout's summary.md: stages, every server's upgrade with its parts' wall times, and a verdict
// table per stage with each gate's decision and evidence, the canary comparison per metric, the
// rollback, the decisions. stageSection alone is stages/<n>-<name>.md. Pure.
import type { GateResult, RolloutState, ServerUpgrade, StageState } from '../rollout-model/index.ts';

const secs = (ms: number): string => (ms ? `${(ms / 1000).toFixed(1)} s` : '–');
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function gateTableMarkdown(gates: readonly GateResult[]): string {
  if (gates.length === 0) return '_no gate judged yet_\n';
  const rows = gates.map((g) => `| ${g.gate} | ${g.outcome.toUpperCase()} | ${cell(g.observed)} | ${cell(g.bound)} | ${cell(g.evidence)} |`);
  return ['| gate | outcome | observed | bound | evidence |', '|---|---|---|---|---|', ...rows].join('\n') + '\n';
}

function comparisonTableMarkdown(g: GateResult): string {
  const c = g.comparison;
  if (!c) return '';
  const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(3));
  const rows = c.metrics.map((m) => `| ${m.name} | ${m.class} | ${m.harmful ? 'yes' : 'no'} | ${m.canarySamples} / ${m.baselineSamples} | ${m.class === 'no-data' ? '–' : fmt(m.pValue)} | ${m.class === 'no-data' ? '–' : `${fmt(m.shift)} [${fmt(m.shiftLower)}, ${fmt(m.shiftUpper)}]`} | ${cell(m.reason)} |`);
  return [
    `Canary ${c.canary} vs baseline ${c.baseline}: **${c.outcome}**, score ${c.score === undefined ? 'none' : c.score.toFixed(1)} (pass ≥ ${c.passBound}, marginal ≥ ${c.marginalBound}). ${c.reason}`,
    '',
    '| metric | class | harmful | samples canary / baseline | Mann-Whitney p | Hodges-Lehmann shift [CI] | reason |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n') + '\n';
}

function upgradeTableMarkdown(ups: readonly ServerUpgrade[]): string {
  if (ups.length === 0) return '_no server_\n';
  const rows = ups.map((u) => `| ${u.server} | ${u.region} | ${u.from} → ${u.to} | ${u.step} | ${secs(u.lameDuckMs)} | ${secs(u.startMs)} | ${secs(u.meshMs)} | ${cell(u.message ?? '')} |`);
  return ['| server | region | move | step | lame duck | stop + start | mesh | note |', '|---|---|---|---|---|---|---|---|', ...rows].join('\n') + '\n';
}

export function stageSection(st: StageState, index: number): string {
  const lines = [
    `## Stage ${index + 1}: ${st.name} (${st.kind}): ${st.phase.toUpperCase()}`,
    '',
    `Started ${st.startedAt ?? '–'}; soak ${st.soakStartedAt ?? '–'} → ${st.soakEndedAt ?? '–'}${(st.attempts ?? 1) > 1 ? `; attempt ${st.attempts}` : ''}${st.baselinePeer ? `; baseline peer ${st.baselinePeer}${st.baselinePeerRestartedAt ? ` restarted ${st.baselinePeerRestartedAt}` : ''}` : ''}.`,
    '',
    upgradeTableMarkdown(st.servers),
    gateTableMarkdown(st.gates),
    ...st.gates.filter((g) => g.comparison).map(comparisonTableMarkdown),
  ];
  return lines.join('\n');
}

export function renderRolloutSummary(s: RolloutState): string {
  const lines = [
    `# Rollout ${s.playbook.name}: ${s.phase.toUpperCase()}`,
    '',
    `- id: ${s.id}`,
    `- ${s.baseline} → ${s.target}; playbook ${s.source}; seed ${s.seed}`,
    `- cluster ${s.cluster.runId ?? '–'} (${s.cluster.backend ?? '?'} backend, ${s.cluster.owned ? 'booted for this rollout' : 'attached'})`,
    `- ${s.createdAt} → ${s.updatedAt}`,
    `- ${s.message}`,
    '',
    ...s.stages.map(stageSection),
  ];
  if (s.rollback) {
    lines.push(`## Rollback: ${s.phase === 'rollback-failed' ? 'FAILED' : s.rollback.endedAt ? 'done' : 'in progress'}`, '', `Started ${s.rollback.startedAt}, ended ${s.rollback.endedAt ?? '–'}.`, '', upgradeTableMarkdown(s.rollback.servers), gateTableMarkdown(s.rollback.gates));
  }
  if (s.decisions.length) {
    lines.push('## Decisions', '', ...s.decisions.map((d) => `- ${d.at}: ${d.action} at stage ${d.stage + 1}${d.reason ? `: ${d.reason}` : ''}`), '');
  }
  return lines.join('\n');
}

