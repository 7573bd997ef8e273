// A rollout's reports in runs/<id>/: summary.md (stages, every server's upgrade with its parts'
// wall times, and a verdict table per stage with each gate's decision and evidence, the canary
// comparison per metric, the rollback), junit.xml (one testsuite per stage, one testcase per
// gate), and stages/<n>-<name>.md (one stage's table alone). rollout.json is the controller's own.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { escapeXml } from '../../report/junit.ts';
import { writeRolloutHtml } from '../../report/rollout-html.ts';
import type { TimelineRecord } from '../../timeline/records.ts';
import type { GateResult, RolloutState, ServerUpgrade, StageState } from './state.ts';

const secs = (ms: number): string => (ms ? `${(ms / 1000).toFixed(1)} s` : '–');
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function gateTable(gates: readonly GateResult[]): string {
  if (gates.length === 0) return '_no gate judged yet_\n';
  const rows = gates.map((g) => `| ${g.gate} | ${g.outcome.toUpperCase()} | ${cell(g.observed)} | ${cell(g.bound)} | ${cell(g.evidence)} |`);
  return ['| gate | outcome | observed | bound | evidence |', '|---|---|---|---|---|', ...rows].join('\n') + '\n';
}

function comparisonTable(g: GateResult): string {
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

function upgradeTable(ups: readonly ServerUpgrade[]): string {
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
    upgradeTable(st.servers),
    gateTable(st.gates),
    ...st.gates.filter((g) => g.comparison).map(comparisonTable),
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
    lines.push(`## Rollback: ${s.phase === 'rollback-failed' ? 'FAILED' : s.rollback.endedAt ? 'done' : 'in progress'}`, '', `Started ${s.rollback.startedAt}, ended ${s.rollback.endedAt ?? '–'}.`, '', upgradeTable(s.rollback.servers), gateTable(s.rollback.gates));
  }
  if (s.decisions.length) {
    lines.push('## Decisions', '', ...s.decisions.map((d) => `- ${d.at}: ${d.action} at stage ${d.stage + 1}${d.reason ? `: ${d.reason}` : ''}`), '');
  }
  return lines.join('\n');
}

export function renderRolloutJunit(s: RolloutState): string {
  const a = (o: Record<string, string | number>) => Object.entries(o).map(([k, v]) => ` ${k}="${escapeXml(String(v), true)}"`).join('');
  const suites = [
    ...s.stages.map((st, i) => ({ name: `brownout.rollout.${s.playbook.name}.${i + 1}-${st.name}`, gates: st.gates, phase: st.phase })),
    ...(s.rollback ? [{ name: `brownout.rollout.${s.playbook.name}.rollback`, gates: s.rollback.gates, phase: s.phase }] : []),
  ];
  const body = suites.map((su) => {
    const cases = su.gates.map((g) => {
      const head = `    <testcase${a({ name: g.gate, classname: su.name, time: 0 })}>`;
      const inner = g.outcome === 'fail' || g.outcome === 'inconclusive'
        ? `      <failure${a({ message: `${g.outcome}: observed ${g.observed}, bound ${g.bound}`, type: g.outcome })}>${escapeXml(g.evidence)}</failure>`
        : g.outcome === 'no-data'
          ? `      <skipped${a({ message: g.evidence })}/>`
          : `      <system-out>${escapeXml(`observed ${g.observed}, bound ${g.bound}\n${g.evidence}`)}</system-out>`;
      return [head, inner, '    </testcase>'].join('\n');
    });
    const failures = su.gates.filter((g) => g.outcome === 'fail' || g.outcome === 'inconclusive').length;
    const skipped = su.gates.filter((g) => g.outcome === 'no-data').length;
    return [`  <testsuite${a({ name: su.name, tests: su.gates.length, failures, skipped, errors: 0 })}>`, ...cases, '  </testsuite>'].join('\n');
  });
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${a({ name: `brownout.rollout.${s.playbook.name}` })}>`, ...body, '</testsuites>', ''].join('\n');
}

export interface WallTimeSplit {
  totalMs: number;
  lameDuckMs: number;
  /** Stop and start of the servers (the new process or container up and answering). */
  startMs: number;
  /** From started to every route and gateway up. */
  meshMs: number;
  soakMs: number;
  /** Everything else: the harness's own share (boot of the cluster excluded; judging, waits, reports). */
  otherMs: number;
  /** The cluster's boot before the first stage (not part of the rollout proper). */
  bootMs: number;
  rollbackMs: number;
}

/**
 * Wall time of a rollout by what it was spent on. The servers of one batch move at once, so each
 * batch counts its slowest server's parts; rollback moves are one at a time.
 */
export function wallTimeSplit(s: RolloutState): WallTimeSplit {
  let lameDuckMs = 0, startMs = 0, meshMs = 0;
  const add = (g: readonly ServerUpgrade[]) => {
    if (!g.length) return;
    lameDuckMs += Math.max(...g.map((u) => u.lameDuckMs));
    startMs += Math.max(...g.map((u) => u.startMs));
    meshMs += Math.max(...g.map((u) => u.meshMs));
  };
  for (const st of s.stages) for (const b of st.batches) add(st.servers.filter((u) => b.includes(u.server)));
  for (const u of s.rollback?.servers ?? []) add([u]);
  const soakMs = s.stages.reduce((n, st) => n + (st.soakStartedAt && st.soakEndedAt ? Date.parse(st.soakEndedAt) - Date.parse(st.soakStartedAt) : 0), 0);
  const firstStage = s.stages[0]?.startedAt ? Date.parse(s.stages[0].startedAt) : Date.parse(s.createdAt);
  const bootMs = firstStage - Date.parse(s.createdAt);
  const totalMs = Date.parse(s.updatedAt) - firstStage;
  const rollbackMs = s.rollback?.endedAt ? Date.parse(s.rollback.endedAt) - Date.parse(s.rollback.startedAt) : 0;
  return { totalMs, lameDuckMs, startMs, meshMs, soakMs, otherMs: Math.max(0, totalMs - lameDuckMs - startMs - meshMs - soakMs), bootMs, rollbackMs };
}

export function writeRolloutReports(s: RolloutState, records: readonly TimelineRecord[]): void {
  mkdirSync(path.join(s.runDir, 'stages'), { recursive: true });
  writeFileSync(path.join(s.runDir, 'summary.md'), renderRolloutSummary(s));
  writeFileSync(path.join(s.runDir, 'junit.xml'), renderRolloutJunit(s));
  s.stages.forEach((st, i) => writeFileSync(path.join(s.runDir, 'stages', `${i + 1}-${st.name}.md`), stageSection(st, i)));
  writeRolloutHtml(s, records);
}
