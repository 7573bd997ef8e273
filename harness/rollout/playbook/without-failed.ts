// A copy of an object with every field its schema refused dropped (unknown keys included), so the
// checks beyond shapes still run on what did parse and one pass lists every problem. Shared by the
// playbook's top level and its stages; `own` handles an issue itself (a stage's faults keep their
// indices) by returning true.
import type { z } from 'zod';

export function withoutFailed(raw: unknown, error: z.ZodError, own?: (issue: z.core.$ZodIssue) => boolean): Record<string, unknown> | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const copy: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const issue of error.issues) {
    if (issue.path.length === 0 && issue.code === 'unrecognized_keys') for (const k of issue.keys) delete copy[k];
    else if (own?.(issue)) continue;
    else if (issue.path.length > 0) delete copy[String(issue.path[0])];
  }
  return copy;
}
