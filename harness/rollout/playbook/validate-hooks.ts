// An external cluster's upgrade hooks and expected versions: which hooks a playbook must give for
// its stages, their argv templates (every placeholder known), and only with an external cluster.
// Every problem goes to the list passed in, with its path and what is allowed.
import { HOOK_PLACEHOLDERS, unknownPlaceholders, type HooksConfig } from '../../../clusters/hook-templates.ts';
import { resolveVariantAlias, VARIANT_ALIASES } from '../../variants/aliases.ts';
import { problem, type Problems } from './problem-path.ts';
import type { hooksSchema } from './schema.ts';
import type { z } from 'zod';
import type { Stage } from './types.ts';

const ALLOWED_PLACEHOLDERS = `${HOOK_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')} ({{ and }} for a literal brace)`;

export interface HooksInput {
  /** The hooks as the schema parsed them; undefined when absent or refused (then `raw` is still checked). */
  hooks: z.output<typeof hooksSchema> | undefined;
  /** The playbook's `hooks` as written, so a shape problem in one hook does not hide the others'. */
  raw: unknown;
  expectVersion: Record<string, string> | undefined;
  rawExpectVersion: unknown;
  /** The cluster is external (cluster.external). */
  external: boolean;
  /** The playbook's folder (absolute): where hooks run. */
  workDir: string;
  baseline: string;
  target: string;
  stages: readonly Stage[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function validateHooks(x: HooksInput, problems: Problems): HooksConfig | undefined {
  const before = problems.length;
  if (!x.external) {
    if (x.raw !== undefined) problems.push(problem(['hooks'], 'hooks move servers of an external cluster (cluster.external: FILE); brownout moves the servers of a cluster it started itself: remove hooks or use cluster.external'));
    if (x.rawExpectVersion !== undefined) problems.push(problem(['expectVersion'], 'only with an external cluster (cluster.external: FILE), whose hooks place the binaries; a cluster brownout started runs the variants it built'));
    return undefined;
  }
  if (x.raw === undefined) {
    problems.push(problem(['hooks'], 'an external cluster needs hooks to move its servers (brownout never signals servers it did not start): start and stop, or upgrade, each { argv: [...], timeoutSeconds }'));
    return undefined;
  }
  if (!isObject(x.raw)) return undefined; // Its shape problem is already listed.
  const raw = x.raw;
  const has = (k: string) => raw[k] !== undefined;
  if (has('upgrade') && (has('start') || has('stop'))) {
    problems.push(problem(['hooks', has('start') ? 'start' : 'stop'], 'give start and stop, or upgrade (one command that stops and starts), not both'));
  } else if (!has('upgrade') && !(has('start') && has('stop'))) {
    problems.push(problem(['hooks', has('start') ? 'stop' : 'start'], `missing; give start and stop, or upgrade (one command that stops and starts)${has('start') || has('stop') ? '' : ` (got ${Object.keys(raw).join(', ') || 'none'})`}`));
  }
  const withLameDuck = x.stages.flatMap((s, i) => (s.upgrade.lameDuck.enabled ? [i] : []));
  if (withLameDuck.length && !has('lameDuck')) {
    problems.push(problem(['hooks', 'lameDuck'], `missing: ${withLameDuck.map((i) => `stages[${i}]`).join(', ')} upgrade${withLameDuck.length === 1 ? 's' : ''} with lame duck (upgrade.lameDuck.enabled, true by default); add hooks.lameDuck (e.g. argv [nats-server, --signal, "ldm=<pid>"] on the host) or set upgrade.lameDuck.enabled: false in ${withLameDuck.length === 1 ? 'that stage' : 'those stages'}`));
  }
  // Templates are checked as written, so every hook's problems show at once, whatever else failed.
  for (const [name, cmd] of Object.entries(raw)) {
    const argv = isObject(cmd) && Array.isArray(cmd.argv) ? cmd.argv : [];
    if (argv[0] === '') problems.push(problem(['hooks', name, 'argv', 0], 'the program to run; got ""'));
    argv.forEach((arg, j) => {
      if (typeof arg !== 'string') return;
      const unknown = unknownPlaceholders(arg);
      if (unknown.length) problems.push(problem(['hooks', name, 'argv', j], `unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `{${u}}`).join(', ')} in ${JSON.stringify(arg)}; allowed: ${ALLOWED_PLACEHOLDERS}`));
    });
  }
  const expectVersion: Record<string, string> = {};
  for (const [key, version] of Object.entries(x.expectVersion ?? {})) {
    const variant = resolveVariantAlias(key);
    if (variant !== x.baseline && variant !== x.target) {
      problems.push(problem(['expectVersion', key], `not the baseline or the target; one of ${x.baseline}, ${x.target} (aliases: ${Object.entries(VARIANT_ALIASES).map(([a, v]) => `${a}=${v}`).join(', ')})`));
    } else expectVersion[variant] = version;
  }
  const hooks = x.hooks;
  if (problems.length > before || !hooks) return undefined;
  return {
    workDir: x.workDir,
    ...(hooks.lameDuck ? { lameDuck: hooks.lameDuck } : {}),
    ...(hooks.stop ? { stop: hooks.stop } : {}),
    ...(hooks.start ? { start: hooks.start } : {}),
    ...(hooks.upgrade ? { upgrade: hooks.upgrade } : {}),
    ...(Object.keys(expectVersion).length ? { expectVersion } : {}),
  };
}
