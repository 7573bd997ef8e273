// Problem paths as users read them: `stages[1].gates[0].threshold`.
import type { z } from 'zod';

export type PathPart = string | number | symbol;

export function formatPath(parts: readonly PathPart[]): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(root)';
}

export function problem(parts: readonly PathPart[], message: string): string {
  return `${formatPath(parts)}: ${message}`;
}

export type Problems = string[];

export function zodProblems(prefix: readonly PathPart[], error: z.ZodError): string[] {
  return error.issues.map((i) => problem([...prefix, ...i.path], allowedFor(i)));
}

/** zod's message (it lists allowed options itself); unknown keys named. */
function allowedFor(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}
