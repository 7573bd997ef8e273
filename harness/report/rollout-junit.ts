// A rollout's junit.xml: one testsuite per stage (and one for the rollback), one testcase per gate;
// fail and inconclusive are failures, no-data is skipped. Pure.
import type { RolloutState } from '../rollout-model/index.ts';
import { escapeXml } from './junit.ts';

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

