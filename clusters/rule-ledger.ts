// The iptables rules a process placed in containers' network namespaces, written down before each
// is inserted, so that whoever comes next can take out what a killed run left in a cluster that
// outlives it (`cluster up`, the compose stack). One ledger per run and owner process,
// runs/.clusters/<runId>.<pid>-<start time>.rules.ndjson: an `add` line before each insert, a
// `removed` line after each delete. Only the owner writes while it lives; a sweep takes over only
// when the owner is gone, replays the ledger, deletes what is still there, verifies, and removes
// the ledger once nothing is left. Failures are reported, never swallowed.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { HarnessError } from '../core/errors.ts';
import { appendLineDurable } from '../core/atomic-file.ts';
import { withFileLock } from '../core/file-lock.ts';
import { RUNS_DIR } from '../core/layout.ts';
import { sameProcess, selfIdentity, type ProcessIdentity } from '../core/process-identity.ts';

const run = promisify(execFile);
const SUFFIX = '.rules.ndjson';

/** Where a rule lives: the container (by id, and its name for people) and the start its namespace belongs to. */
export interface RuleNamespace {
  container: string;
  name: string;
  /** State.StartedAt when the rule went in: a container started again has a fresh namespace, without the rule. */
  startedAt: string;
  /** The engine the container runs under when it is not the host's (a swarm node's address, e.g. `unix:///run/x.sock`, `ssh://user@host`): a sweep reaches it there. */
  engine?: string;
}

export interface LedgerRule {
  id: string;
  ns: RuleNamespace;
  table: string;
  /** iptables arguments after `-A`/`-C`/`-D`: chain, match, target. */
  rule: string[];
}

type Line =
  | ({ op: 'add'; runId: string; owner: ProcessIdentity; at: string } & LedgerRule)
  | { op: 'removed'; id: string; how: Resolution; at: string };

/** deleted: taken out and verified gone; absent: not there any more; gone: its namespace went with the container or its restart. */
export type Resolution = 'deleted' | 'absent' | 'gone';

/** A container's namespace now; undefined when the container no longer exists. */
export interface NamespaceNow {
  id: string;
  name: string;
  running: boolean;
  pid: number;
  startedAt: string;
  /** As RuleNamespace.engine. */
  engine?: string;
}

/** How rules are touched: iptables in a process's network namespace, and a container looked up. */
export interface RuleTools {
  /** Resolves when iptables exits 0; rejects with the exit status in `code` otherwise. `ns`: the namespace as inspect() just gave it (tools that reach a container by id, not by pid, read it). */
  iptables(pid: number, args: string[], ns?: NamespaceNow): Promise<void>;
  inspect(container: string): Promise<NamespaceNow | undefined>;
}

export const nsenterIptables = async (pid: number, args: string[]): Promise<void> => {
  await run('nsenter', ['-t', String(pid), '-n', 'iptables', '-w', '5', ...args]);
};

async function dockerInspect(container: string): Promise<NamespaceNow | undefined> {
  const { inspectNamespace } = await import('./docker-resources.ts');
  return inspectNamespace(container);
}

export const dockerRuleTools: RuleTools = { iptables: nsenterIptables, inspect: dockerInspect };

export function ruleLedgersDir(): string {
  return path.join(RUNS_DIR, '.clusters');
}

function ruleText(r: LedgerRule): string {
  return `${r.table} ${r.rule.join(' ')} in ${r.ns.name}`;
}

function failureText(err: unknown): string {
  const e = err as { code?: unknown; stderr?: string; message?: string };
  const text = (e.stderr?.trim() || e.message || String(err)).split('\n')[0];
  return typeof e.code === 'number' ? `exit ${e.code}: ${text}` : String(text);
}

/** Whether the rule is in the namespace (`-C`: 0 present, 1 absent, anything else a failure). */
async function present(tools: RuleTools, pid: number, r: LedgerRule, ns?: NamespaceNow): Promise<boolean> {
  try {
    await tools.iptables(pid, ['-t', r.table, '-C', ...r.rule], ns);
    return true;
  } catch (err) {
    if ((err as { code?: unknown }).code === 1) return false;
    throw new HarnessError(`iptables -C ${ruleText(r)} failed (${failureText(err)})`, { cause: err });
  }
}

/** Take one rule out and check that it is gone; throws, naming the rule, when it cannot. */
export async function removeRule(tools: RuleTools, r: LedgerRule): Promise<Resolution> {
  let now: NamespaceNow | undefined;
  try {
    now = await tools.inspect(r.ns.container);
  } catch (err) {
    throw new HarnessError(`cannot look up ${r.ns.name} to remove ${ruleText(r)}: ${failureText(err)}`, { cause: err });
  }
  if (!now || !now.running || now.startedAt !== r.ns.startedAt) return 'gone';
  try {
    await tools.iptables(now.pid, ['-t', r.table, '-D', ...r.rule], now);
  } catch (err) {
    if (!(await present(tools, now.pid, r, now))) return 'absent';
    throw new HarnessError(`iptables -D ${ruleText(r)} failed (${failureText(err)})`, { cause: err, hint: 'needs root, nsenter and iptables; npm run clean retries from the ledger' });
  }
  if (await present(tools, now.pid, r, now)) throw new HarnessError(`iptables -D ${ruleText(r)} exited 0 but the rule is still there`);
  return 'deleted';
}

/** Unique in this process across ledgers: two cluster objects of one run in one process never share a rule id. */
let nextRule = 0;

/** The ledger of this process for one run: written before each insert and after each delete. */
export class RuleLedger {
  readonly file: string;
  readonly #open = new Map<string, LedgerRule>();

  constructor(readonly runId: string, readonly owner: ProcessIdentity = selfIdentity(), dir = ruleLedgersDir()) {
    // The compose stack's id is `compose:<project>`: the file name keeps to a run id's characters.
    this.file = path.join(dir, `${runId.replace(/[^A-Za-z0-9._-]/g, '_')}.${owner.pid}-${owner.startTime}${SUFFIX}`);
  }

  /** A tag unique to this process's rules, put in each rule's comment so that -C and -D match ours only. */
  nextId(): string {
    return `${this.owner.pid}.${this.owner.startTime}.${++nextRule}`;
  }

  /** Durably, before the rule goes in: a crash right after still leaves its trace. */
  record(r: LedgerRule): void {
    const line: Line = { op: 'add', runId: this.runId, owner: this.owner, at: new Date().toISOString(), ...r };
    appendLineDurable(this.file, JSON.stringify(line));
    this.#open.set(r.id, r);
  }

  /** After the rule went out (or was found gone); the ledger goes once nothing is left in it. */
  resolved(id: string, how: Resolution): void {
    if (!this.#open.has(id)) return;
    const line: Line = { op: 'removed', id, how, at: new Date().toISOString() };
    appendLineDurable(this.file, JSON.stringify(line));
    this.#open.delete(id);
    if (this.#open.size === 0) rmSync(this.file, { force: true });
  }

  open(): LedgerRule[] {
    return [...this.#open.values()];
  }
}

const mine = new Map<string, RuleLedger>();

/** This process's ledger of a run, one per file: a second cluster object of the run must not remove it while the first still has rules in it. */
export function ledgerOf(runId: string, dir = ruleLedgersDir()): RuleLedger {
  const l = new RuleLedger(runId, selfIdentity(), dir);
  const known = mine.get(l.file);
  if (known) return known;
  mine.set(l.file, l);
  return l;
}

/** Pure: the rules a ledger's lines leave in place, and who wrote them. A torn last line is skipped. */
export function replayLedger(text: string): { runId?: string; owner?: ProcessIdentity; open: LedgerRule[] } {
  const open = new Map<string, LedgerRule>();
  let owner: ProcessIdentity | undefined;
  let runId: string | undefined;
  for (const raw of text.split('\n')) {
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
    } catch {
      continue;
    }
    if (line.op === 'add') {
      owner ??= line.owner;
      runId ??= line.runId;
      open.set(line.id, { id: line.id, ns: line.ns, table: line.table, rule: line.rule });
    } else if (line.op === 'removed') open.delete(line.id);
  }
  return { runId, owner, open: [...open.values()] };
}

export interface SweepResult {
  removed: string[];
  skipped: string[];
  failed: string[];
}

/** Take out what dead owners' ledgers still hold; a ledger whose owner lives is left to it. `tools`: one set for every rule, or the set for each rule (a swarm task's rule goes through its node's engine). */
export async function sweepRuleLedgers(dir = ruleLedgersDir(), tools: RuleTools | ((r: LedgerRule) => RuleTools) = dockerRuleTools): Promise<SweepResult> {
  const toolsFor = typeof tools === 'function' ? tools : () => tools;
  const out: SweepResult = { removed: [], skipped: [], failed: [] };
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(SUFFIX));
  } catch {
    return out;
  }
  for (const f of files) {
    const file = path.join(dir, f);
    const first = replayLedger(readText(file));
    if (first.owner && sameProcess(first.owner)) {
      out.skipped.push(`iptables rules of ${first.runId} (owner pid ${first.owner.pid} alive)`);
      continue;
    }
    // No whole line yet: an owner may be writing its first one right now.
    if (!first.owner && ageMs(file) < 10_000) continue;
    // Two sweeps at once (clean and a starting run) would both delete and report: one at a time.
    await withFileLock(`${file}.lock`, async () => {
      const { runId, open } = replayLedger(readText(file));
      for (const r of open) {
        try {
          const how = await removeRule(toolsFor(r), r);
          appendLineDurable(file, JSON.stringify({ op: 'removed', id: r.id, how, at: new Date().toISOString() } satisfies Line));
          out.removed.push(`${runId}: iptables rule ${r.rule.join(' ')} in ${r.ns.name} (${how})`);
        } catch (err) {
          out.failed.push(`${runId}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      if (replayLedger(readText(file)).open.length === 0) rmSync(file, { force: true });
    }, { timeoutMs: 30_000 });
  }
  return out;
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
