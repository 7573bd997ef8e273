// Problem paths as users read them (`stages[1].gates[0].threshold`): the one format of core/problem-path.ts.
import type { z } from 'zod';
import { formatPath, problemAt, schemaProblems, type PathPart } from '../../../core/problem-path.ts';

export { formatPath, type PathPart };

export function problem(parts: readonly PathPart[], message: string): string {
  return problemAt(parts, message);
}

export type Problems = string[];

/** Every issue under `prefix`, naming the bad value read from `input` (what was parsed). */
export function zodProblems(prefix: readonly PathPart[], error: z.ZodError, input: unknown): string[] {
  return schemaProblems(prefix, error.issues, input);
}
