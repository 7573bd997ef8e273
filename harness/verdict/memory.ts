// memory.maxRssMiB and memory.maxGrowthRatio, from `varz` RSS samples. Pure. Growth is per server
// process (name and ID): a restart starts a new process whose RSS starts small again.
import { recordsOf, type VarzRecord } from '../timeline/records.ts';
import { MiB, mib } from '../../core/units.ts';
import type { JudgeContext } from './context.ts';
import { cap, clock, median, notApplicable, secs, type CheckResult, outcome } from './result.ts';

export function checkMaxRss(ctx: JudgeContext, maxMiB: number): CheckResult {
  const name = 'memory.maxRssMiB';
  const bound = `≤ ${maxMiB} MiB`;
  const varz = recordsOf(ctx.records, 'varz');
  if (varz.length === 0) return notApplicable(name, bound, 'no varz records');
  // Highest sample per server, so evidence names servers rather than repeating one.
  const peak = new Map<string, VarzRecord>();
  for (const r of varz) if (r.rssBytes > (peak.get(r.server)?.rssBytes ?? -1)) peak.set(r.server, r);
  const peaks = [...peak.values()].sort((a, b) => b.rssBytes - a.rssBytes);
  const worst = peaks[0]!;
  const line = (r: VarzRecord): string => `${r.server} RSS ${mib(r.rssBytes)} at ${clock(r.t)}`;
  const over = peaks.filter((r) => r.rssBytes > maxMiB * MiB);
  const pass = over.length === 0;
  const observedValue = Math.round((worst.rssBytes / MiB) * 10) / 10;
  return { name, bound, observed: mib(worst.rssBytes), observedValue, status: outcome(pass), evidence: pass ? [`highest: ${line(worst)}`] : cap(over.map(line)) };
}

export function checkGrowth(ctx: JudgeContext, maxRatio: number, samples: number): CheckResult {
  const name = 'memory.maxGrowthRatio';
  const bound = `≤ ×${maxRatio}`;
  const byProcess = new Map<string, VarzRecord[]>();
  for (const r of recordsOf(ctx.records, 'varz')) byProcess.set(`${r.server}|${r.serverId}`, [...(byProcess.get(`${r.server}|${r.serverId}`) ?? []), r]);
  const skipped: string[] = [];
  const ratios: { ratio: number; text: string }[] = [];
  for (const rs of byProcess.values()) {
    rs.sort((a, b) => a.t - b.t);
    const first = rs[0]!;
    if (rs.length < 2 * samples) { skipped.push(`${first.server} [${first.serverId.slice(0, 8)}]: ${rs.length} samples`); continue; }
    const a = median(rs.slice(0, samples).map((r) => r.rssBytes));
    const b = median(rs.slice(-samples).map((r) => r.rssBytes));
    if (a <= 0) { skipped.push(`${first.server} [${first.serverId.slice(0, 8)}]: first RSS 0`); continue; }
    const ratio = b / a;
    ratios.push({ ratio, text: `${first.server} [${first.serverId.slice(0, 8)}] RSS ${mib(a)} → ${mib(b)} (×${ratio.toFixed(2)}) over ${secs(rs[rs.length - 1]!.t - first.t)}` });
  }
  const skippedLine = skipped.length > 0 ? [`not judged (fewer than ${2 * samples} samples): ${skipped.join(', ')}`] : [];
  if (ratios.length === 0) return notApplicable(name, bound, skipped.length > 0 ? skippedLine[0]! : 'no varz records');
  ratios.sort((x, y) => y.ratio - x.ratio);
  const worst = ratios[0]!;
  const over = ratios.filter((r) => r.ratio > maxRatio);
  const pass = over.length === 0;
  const evidence = pass ? [`highest: ${worst.text}`] : cap(over.map((r) => r.text));
  return { name, bound, observed: `×${worst.ratio.toFixed(2)}`, observedValue: Math.round(worst.ratio * 100) / 100, status: outcome(pass), evidence: [...evidence, ...skippedLine] };
}
