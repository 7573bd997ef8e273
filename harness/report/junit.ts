// junit.xml for CI: one testsuite per run, one testcase per threshold, a failure carrying the
// observed value, the bound and the evidence. An incomplete run adds a failing `run.complete` case.
import type { RunSummary } from './run-summary.ts';

// XML 1.0 forbids most control characters even when escaped; drop them (and lone surrogates).
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escape for element text and double-quoted attributes; newlines in attributes survive as &#10;. */
export function escapeXml(s: string, attribute = false): string {
  const out = s.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  return attribute ? out.replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;') : out;
}

const attrs = (a: Record<string, string | number>): string =>
  Object.entries(a).map(([k, v]) => ` ${k}="${escapeXml(String(v), true)}"`).join('');

export function renderJunit(s: RunSummary): string {
  const suite = `brownout.${s.scenario}`;
  const cases = s.verdict.results.map((r) => {
    const head = `    <testcase${attrs({ name: `${r.name} (${r.role})`, classname: suite, time: 0 })}>`;
    const body = r.status === 'fail'
      ? `      <failure${attrs({ message: `${r.role} failed: observed ${r.observed}, bound ${r.bound}`, type: r.role })}>${escapeXml(r.evidence.join('\n'))}</failure>`
      : r.status === 'n/a'
        ? `      <skipped${attrs({ message: r.evidence.join('; ') })}/>`
        : `      <system-out>${escapeXml([`observed ${r.observed}, bound ${r.bound}`, ...r.evidence].join('\n'))}</system-out>`;
    return [head, body, '    </testcase>'].join('\n');
  });
  if (s.incomplete) {
    cases.push([
      `    <testcase${attrs({ name: 'run.complete', classname: suite, time: s.durationSeconds })}>`,
      `      <failure${attrs({ message: 'the run ended before its last step: the verdict covers only what was observed', type: 'incomplete' })}/>`,
      '    </testcase>',
    ].join('\n'));
  }
  const failures = s.verdict.results.filter((r) => !r.pass).length + (s.incomplete ? 1 : 0);
  const tests = s.verdict.results.length + (s.incomplete ? 1 : 0);
  const skipped = s.verdict.results.filter((r) => r.status === 'n/a').length;
  const props = { variant: s.variant, seed: String(s.seed), startedAt: s.startedAt, endedAt: s.endedAt, incomplete: String(s.incomplete) };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'brownout', tests, failures, errors: 0, time: s.durationSeconds })}>`,
    `  <testsuite${attrs({ name: suite, tests, failures, errors: 0, skipped, time: s.durationSeconds, timestamp: s.startedAt })}>`,
    '    <properties>',
    ...Object.entries(props).map(([name, value]) => `      <property${attrs({ name, value })}/>`),
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
