// Problem paths as users read them: `stages[1].gates[0].threshold`.

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
