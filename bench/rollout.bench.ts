// Wall time of a rollout and of an automatic rollback, split into lame duck, server stop and start,
// mesh, soak, and everything else (the harness's own share: stage and gate bookkeeping, judging,
// reports, the rollback's final window). Goals (issue 10): everything else ≤ 10 % of the wall time;
// a rollback of the canary stage ≤ 1 min plus its lame-duck time.
//
// Case 1 is examples/rollout-story.yaml as shipped (3 regions × 3 servers, lame duck 30 s / grace
// 10 s, soaks 60 + 60 + 90 s) on the local backend. Case 2 is the same playbook with the canary's
// memory gate set to 1 MiB, a bound every server exceeds: the canary stage fails by construction and
// the controller rolls the canary back by itself. Each case holds the machine-wide cluster lock for
// its whole run (flock on /tmp/brownout-cluster.lock), so no other cluster shares the cores.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO_ROOT } from '../core/layout.ts';
import { createProgress } from '../core/progress.ts';
import { RolloutController } from '../harness/rollout/controller/controller.ts';
import { wallTimeSplit, type WallTimeSplit } from '../harness/report/rollout-wall-time.ts';
import type { RolloutState } from '../harness/rollout-model/index.ts';

const STORY = path.join(REPO_ROOT, 'examples/rollout-story.yaml');
const LOCK = '/tmp/brownout-cluster.lock';

interface Case { name: string; id: string; phase: string; split: WallTimeSplit; canaryLameDuckMs: number; rollbackLameDuckMs: number }

function storyWith(edit: (pb: Record<string, any>) => void): string {
  const pb = parse(readFileSync(STORY, 'utf8')) as Record<string, any>;
  pb.cluster.backend = 'local';
  edit(pb);
  return stringify(pb);
}

async function runCase(name: string, playbook: string): Promise<Case> {
  const progress = createProgress(`bench rollout ${name}`);
  const c = new RolloutController({ progress, statusEverySeconds: 30 });
  const s = await c.start({ playbook, source: `${name}.yaml` });
  const end: RolloutState = await c.settled(s.id);
  return {
    name, id: end.id, phase: end.phase, split: wallTimeSplit(end),
    canaryLameDuckMs: end.stages[0]?.servers[0]?.lameDuckMs ?? 0,
    rollbackLameDuckMs: (end.rollback?.servers ?? []).reduce((n, u) => n + u.lameDuckMs, 0),
  };
}

/** One case in a child process holding the cluster lock for its whole run. */
function lockedCase(name: string): Case {
  const out = execFileSync('flock', [LOCK, process.execPath, '--import', 'tsx', path.join(REPO_ROOT, 'bench/rollout.bench.ts'), name], {
    cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 30 * 60_000,
  });
  const line = out.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
  if (!line) throw new Error(`bench case ${name} printed no result`);
  return JSON.parse(line) as Case;
}

const PLAYBOOKS: Record<string, () => string> = {
  story: () => storyWith(() => {}),
  'canary-rollback': () => storyWith((pb) => {
    const gates = pb.stages[0].gates as { threshold?: string; bound?: unknown }[];
    const mem = gates.find((g) => g.threshold === 'memory.maxRssMiB');
    if (mem) mem.bound = 1;
    else gates.push({ threshold: 'memory.maxRssMiB', bound: 1 });
  }),
};

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const pct = (part: number, whole: number) => `${whole ? ((100 * part) / whole).toFixed(1) : '0'} %`;

/** BROWNOUT_BENCH_FROM_JSON=bench/results/rollout.json renders the recorded cases again without running them. */
export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  const from = process.env.BROWNOUT_BENCH_FROM_JSON;
  const cases = from ? (JSON.parse(readFileSync(from, 'utf8')) as Case[]) : Object.keys(PLAYBOOKS).map(lockedCase);
  return { name: 'Rollout wall time', markdown: render(cases), data: cases };
}

function render(cases: Case[]): string {
  const rows = cases.map((c) => {
    const t = c.split;
    return `| ${c.name} | ${c.phase} | ${s(t.totalMs)} | ${s(t.lameDuckMs)} (${pct(t.lameDuckMs, t.totalMs)}) | ${s(t.startMs)} (${pct(t.startMs, t.totalMs)}) | ${s(t.meshMs)} (${pct(t.meshMs, t.totalMs)}) | ${s(t.soakMs)} (${pct(t.soakMs, t.totalMs)}) | **${s(t.otherMs)} (${pct(t.otherMs, t.totalMs)})** | ${s(t.bootMs)} |`;
  });
  const story = cases.find((c) => c.name === 'story')!;
  const rb = cases.find((c) => c.name === 'canary-rollback')!;
  const otherOk = cases.every((c) => c.split.otherMs <= 0.1 * c.split.totalMs);
  const rbOk = rb.split.rollbackMs <= 60_000 + rb.rollbackLameDuckMs;
  const markdown = [
    'Wall time of examples/rollout-story.yaml on 3 regions × 3 servers (local backend), and of the same playbook with a canary gate that fails by construction (memory ≤ 1 MiB), which the controller rolls back by itself. Times run from the first stage\'s start to the rollout\'s end; the cluster\'s boot is apart.',
    '',
    '| case | outcome | wall time | lame duck | stop + start | mesh | soak | everything else | boot |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `- Harness share (everything else) ≤ 10 % of the wall time: ${otherOk ? 'met' : 'NOT met'} (${cases.map((c) => `${c.name} ${pct(c.split.otherMs, c.split.totalMs)}`).join(', ')}). Each part is timed on its own (the lame duck ends as the process exits, the stop is timed from there), so parts that touch can be counted twice by a few hundred ms: ${cases.map((c) => `${c.name}'s parts add up to ${s(c.split.lameDuckMs + c.split.startMs + c.split.meshMs + c.split.soakMs)} of ${s(c.split.totalMs)}`).join('; ')}; "everything else" is the rest, 0 when none is left.`,
    `- Rollback of the canary stage: ${s(rb.split.rollbackMs)}, of which lame duck ${s(rb.rollbackLameDuckMs)} (a server with no client left leaves lame duck at once); goal ≤ 60 s + lame duck: ${rbOk ? 'met' : 'NOT met'}. It includes the rollback's own judgement (mesh check and a 6 s final window for stuck links).`,
    `- Lame duck lasted ${s(story.canaryLameDuckMs)} on the story's canary: nats-server leaves lame duck when its last client is gone (grace period, then at most one client closed per second), not after lame_duck_duration.`,
    `- Rollouts: ${cases.map((c) => `${c.name} runs/${c.id}`).join(', ')}.`,
  ].join('\n');
  return markdown;
}

// Child mode: `tsx bench/rollout.bench.ts <case>` runs one case and prints it as JSON.
const arg = process.argv[2];
if (import.meta.url === `file://${process.argv[1]}` && arg && PLAYBOOKS[arg]) {
  const result = await runCase(arg, PLAYBOOKS[arg]());
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
