// A rollout's reports in runs/<id>/: summary.md, junit.xml, stages/<n>-<name>.md and report.html.
// rollout.json is the controller's own.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RolloutState } from '../rollout-model/index.ts';
import type { TimelineRecord } from '../timeline/records.ts';
import { writeRolloutHtml } from './rollout-html.ts';
import { renderRolloutJunit } from './rollout-junit.ts';
import { renderRolloutSummary, stageSection } from './rollout-markdown.ts';

export function writeRolloutReports(s: RolloutState, records: readonly TimelineRecord[]): void {
  mkdirSync(path.join(s.runDir, 'stages'), { recursive: true });
  writeFileSync(path.join(s.runDir, 'summary.md'), renderRolloutSummary(s));
  writeFileSync(path.join(s.runDir, 'junit.xml'), renderRolloutJunit(s));
  s.stages.forEach((st, i) => writeFileSync(path.join(s.runDir, 'stages', `${i + 1}-${st.name}.md`), stageSection(st, i)));
  writeRolloutHtml(s, records);
}
