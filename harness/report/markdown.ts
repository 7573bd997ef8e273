// summary.md: a short human summary of one run: outcome, the verdict table, then the evidence.
import { statusWord } from '../verdict/result.ts';
import type { RunSummary } from './run-summary.ts';
import { outcomeOf } from './run-summary.ts';
import { verdictLines } from './verdict-table.ts';

// A `|` would end a table cell; a newline would end the row.
const cell = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function renderSummaryMarkdown(s: RunSummary): string {
  const lines = [
    `# ${s.scenario} on ${s.variant}: ${outcomeOf(s)}`,
    '',
    // A watch has no seed (it applies nothing): a string says why, and there is nothing to replay.
    `${typeof s.seed === 'number' ? `Seed ${s.seed} (replay with \`--seed ${s.seed}\`)` : `Seed: ${s.seed}`}, ${s.startedAt} to ${s.endedAt} (${s.durationSeconds.toFixed(0)} s).`,
  ];
  if (s.incomplete) lines.push('', '**Incomplete:** the run ended early; the verdict covers only what was observed.');
  const caught = verdictLines(s.verdict);
  if (caught.length > 0) lines.push('', ...caught.map((l) => `**${l}**`));
  lines.push('', '| threshold | role | bound | observed | result |', '| --- | --- | --- | --- | --- |');
  for (const r of s.verdict.results) {
    const word = statusWord(r.status);
    lines.push(`| ${cell(r.name)} | ${r.role} | ${cell(r.bound)} | ${cell(r.observed)} | ${word === 'FAIL' ? '**FAIL**' : word} |`);
  }
  if (s.verdict.results.length === 0) lines.push('| (none checked) | | | | |');
  // Failures first: that is what a reader opened the file for.
  const ordered = [...s.verdict.results].sort((a, b) => Number(a.pass) - Number(b.pass));
  lines.push('', '## Evidence');
  for (const r of ordered) {
    lines.push('', `### ${r.name} (${r.role}): ${statusWord(r.status)}`, '', ...r.evidence.map((e) => `- ${e}`));
  }
  lines.push('');
  return lines.join('\n');
}
