// One pattern for every run and rollout id, checked wherever an id comes in (CLI, gRPC, playbook,
// state file): an id names a folder under runs/, so it must never be able to leave that folder.
import { BadInputError } from './errors.ts';

/** Letters, digits, `.`, `_`, `-`, starting with a letter or digit, at most 128 characters. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const RUN_ID_RULE = 'letters, digits, ".", "_" and "-", starting with a letter or digit, at most 128 characters';

/** The problem with `id`, or undefined when it is a valid run id. */
export function runIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return `expected a string, got ${typeof id}`;
  if (id === '') return 'empty';
  // JSON quoting: an id holding a newline or a control character still reads as one line.
  if (!RUN_ID_PATTERN.test(id) || id.includes('..')) return `${JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}…` : id)} is not a run id: ${RUN_ID_RULE}`;
  return undefined;
}

/** `id` itself when valid; else a BadInputError naming `where` (a flag, a field path, a request field). */
export function checkRunId(id: unknown, where: string): string {
  const problem = runIdProblem(id);
  if (problem) throw new BadInputError(`bad run id in ${where}`, { problems: [`${where}: ${problem}`] });
  return id as string;
}
