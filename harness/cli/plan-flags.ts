// The flags chaos and gate share, checked together before anything starts: each parser throws a
// BadInputError whose problems name the flag and the bad value; collectFlag gathers them so the
// command reports every problem at once (exit 2) instead of the first.
import path from 'node:path';
import { findAttachable, isExternalAttach, MAX_SERVERS_PER_REGION, parseTopology, statesDir, type Topology } from '../../clusters/index.ts';
import { BadInputError } from '../../core/errors.ts';
import { oneLine, prefixProblem, problemAt, showValue } from '../../core/problem-path.ts';
import { runIdProblem } from '../../core/run-id.ts';
import type { PlanInput } from '../run/index.ts';

/** `--seed`: digits only, so `''`, ` 7`, `1e3` and `0x10` are refused rather than read as numbers. */
export function parseSeed(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(n < 2 ** 32)) throw new BadInputError(`--seed ${JSON.stringify(raw)} is not a seed`, { problems: [`--seed: ${JSON.stringify(raw)} is not a whole number; allowed: 0..4294967295`] });
  return n;
}

/** `--servers`: digits only (`''` and `3x` are not 3, nor NaN for the topology to puzzle over); the range is the topology's. */
export function parseServers(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,6}$/.test(raw)) throw new BadInputError(`--servers ${JSON.stringify(raw)} is not a number`, { problems: [`--servers: ${JSON.stringify(raw)} is not a whole number; allowed: 1..${MAX_SERVERS_PER_REGION}`] });
  return Number(raw);
}

/** `value` from `parse`, or undefined with its problems added to `problems` (flags are checked together). */
export function collectFlag<T>(parse: () => T, problems: string[]): T | undefined {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof BadInputError)) throw err;
    problems.push(...(err.problems.length ? err.problems : [err.message]));
    return undefined;
  }
}

/**
 * `--attach`: a run id (the one rule of core/run-id.ts: it names a file under runs/ and cannot leave
 * it), `latest`, `compose` or `external:FILE` (a cluster file, read and checked here: its problems
 * join the plan's), resolved to the cluster it names. Problems go to `problems`.
 */
export function attachTarget(attach: string | undefined, problems: string[]): PlanInput['attached'] {
  if (attach === undefined) return undefined;
  if (isExternalAttach(attach)) return externalTarget(attach, problems);
  const bad = runIdProblem(attach);
  if (bad) return void problems.push(`--attach: ${bad}; or latest, compose, or external:FILE`);
  try {
    return checkedTarget(findAttachable(attach), problems);
  } catch (err) {
    if (!(err instanceof BadInputError)) throw err;
    // `no cluster run "x"`, then what there is to attach to.
    problems.push(`--attach: ${err.message}`, ...err.problems);
    return undefined;
  }
}

/** `external:FILE`: the cluster file's every problem (each names the file and a field path). */
function externalTarget(attach: string, problems: string[]): PlanInput['attached'] {
  if (attach === 'external:') return void problems.push('--attach: external: names no file; allowed: external:FILE, a cluster file (YAML or JSON)');
  try {
    return findAttachable(attach);
  } catch (err) {
    if (!(err instanceof BadInputError)) throw err;
    problems.push(`--attach: ${err.message}`, ...err.problems);
    return undefined;
  }
}

/**
 * What a state file says about a cluster, checked before a plan trusts it: a file another process
 * wrote (or a disk) may hold anything. Each problem names the file.
 */
function checkedTarget(t: { runId: unknown; topology: unknown; backend: unknown }, problems: string[]): PlanInput['attached'] {
  const file = typeof t.runId === 'string' && !runIdProblem(t.runId) ? path.join(statesDir(), `${t.runId}.json`) : 'the cluster state file';
  const bad: string[] = [];
  const idProblem = runIdProblem(t.runId);
  if (idProblem) bad.push(problemAt(['runId'], idProblem));
  if (t.backend !== 'local' && t.backend !== 'docker' && t.backend !== 'swarm') bad.push(problemAt(['backend'], `${showValue(t.backend)}; allowed: local, docker, swarm`));
  let topology: Topology | undefined;
  try {
    topology = parseTopology(t.topology);
  } catch (err) {
    if (!(err instanceof BadInputError)) throw err;
    bad.push(...err.problems.map((p) => prefixProblem(['topology'], p)));
  }
  if (bad.length || !topology) {
    problems.push(`--attach: ${file} does not describe a cluster (${bad.length} problem${bad.length === 1 ? '' : 's'})`, ...bad.map((p) => `${file}: ${p}`));
    return undefined;
  }
  return { runId: t.runId as string, topology, backend: t.backend as 'local' | 'docker' | 'swarm' };
}

/** Every problem of every flag and every run at once, as one BadInputError; nothing has started. */
export function throwProblems(what: string, problems: string[]): void {
  // One line each, whatever a flag held (a newline in --attach is quoted, not printed).
  if (problems.length) throw new BadInputError(`${oneLine(what)}: ${problems.length} problem${problems.length === 1 ? '' : 's'}, nothing started`, { problems: problems.map(oneLine) });
}
