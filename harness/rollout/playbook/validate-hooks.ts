// An external cluster's upgrade hooks and expected versions: which hooks a playbook must give for
// its stages, their argv templates (every placeholder known), and only with an external cluster.
// Every problem goes to the list passed in, with its path and what is allowed.
import { HOOK_PLACEHOLDERS, unknownPlaceholders, type HookCommand, type HooksConfig } from '../../../clusters/hook-templates.ts';
import { resolveVariantAlias, VARIANT_ALIASES } from '../../variants/aliases.ts';
import { problem, type Problems } from './problem-path.ts';
import type { hooksSchema } from './schema.ts';
import type { z } from 'zod';
import type { Stage } from './types.ts';

const ALLOWED_PLACEHOLDERS = `${HOOK_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')} ({{ and }} for a literal brace)`;

export interface HooksInput {
  hooks: z.output<typeof hooksSchema> | undefined;
  expectVersion: Record<string, string> | undefined;
  /** The cluster is external (cluster.external). */
  external: boolean;
  /** The playbook's folder (absolute): where hooks run. */
  workDir: string;
  baseline: string;
  target: string;
  stages: readonly Stage[];
}

export function validateHooks(x: HooksInput, problems: Problems): HooksConfig | undefined {
  const before = problems.length;
  const { hooks } = x;
  if (!x.external) {
    if (hooks) problems.push(problem(['hooks'], 'hooks move servers of an external cluster (cluster.external: FILE); brownout moves the servers of a cluster it started itself: remove hooks or use cluster.external'));
    if (x.expectVersion) problems.push(problem(['expectVersion'], 'only with an external cluster (cluster.external: FILE), whose hooks place the binaries; a cluster brownout started runs the variants it built'));
    return undefined;
  }
  if (!hooks) {
    problems.push(problem(['hooks'], 'an external cluster needs hooks to move its servers (brownout never signals servers it did not start): start and stop, or upgrade, each { argv: [...], timeoutSeconds }'));
    return undefined;
  }
  if (hooks.upgrade && (hooks.start || hooks.stop)) {
    problems.push(problem(['hooks', hooks.start ? 'start' : 'stop'], 'give start and stop, or upgrade (one command that stops and starts), not both'));
  } else if (!hooks.upgrade && !(hooks.start && hooks.stop)) {
    problems.push(problem(['hooks', hooks.start ? 'stop' : 'start'], `missing; give start and stop, or upgrade (one command that stops and starts)${hooks.start || hooks.stop ? '' : ` (got ${Object.keys(hooks).join(', ') || 'none'})`}`));
  }
  const withLameDuck = x.stages.flatMap((s, i) => (s.upgrade.lameDuck.enabled ? [i] : []));
  if (withLameDuck.length && !hooks.lameDuck) {
    problems.push(problem(['hooks', 'lameDuck'], `missing: ${withLameDuck.map((i) => `stages[${i}]`).join(', ')} upgrade${withLameDuck.length === 1 ? 's' : ''} with lame duck (upgrade.lameDuck.enabled, true by default); add hooks.lameDuck (e.g. argv [nats-server, --signal, "ldm=<pid>"] on the host) or set upgrade.lameDuck.enabled: false in ${withLameDuck.length === 1 ? 'that stage' : 'those stages'}`));
  }
  for (const [name, cmd] of Object.entries(hooks) as [keyof typeof hooks, HookCommand | undefined][]) {
    if (!cmd) continue;
    if (cmd.argv[0] === '') problems.push(problem(['hooks', name, 'argv', 0], 'the program to run; got ""'));
    cmd.argv.forEach((arg, j) => {
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
  if (problems.length > before) return undefined;
  return {
    workDir: x.workDir,
    ...(hooks.lameDuck ? { lameDuck: hooks.lameDuck } : {}),
    ...(hooks.stop ? { stop: hooks.stop } : {}),
    ...(hooks.start ? { start: hooks.start } : {}),
    ...(hooks.upgrade ? { upgrade: hooks.upgrade } : {}),
    ...(Object.keys(expectVersion).length ? { expectVersion } : {}),
  };
}
