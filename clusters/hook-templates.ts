// The user's upgrade hooks as data: which hooks there are, their argv templates and the
// placeholders a template may use. Pure: the playbook validates templates with it, the hook runner
// fills them, and `rollout start --dry-run` prints them filled, all the same way.
import { versionOfVariant } from './lame-duck.ts';
import type { ExternalServerRef } from './external-hooks.ts';

/** The hooks, in the order an upgrade runs them (`upgrade` stands for stop + start in one command). */
export const HOOK_NAMES = ['lameDuck', 'stop', 'start', 'upgrade'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** What `{name}` may stand for in an argv element. `{{` and `}}` are a literal `{` and `}`. */
export const HOOK_PLACEHOLDERS = ['server', 'region', 'host', 'variant', 'version'] as const;
export type HookPlaceholder = (typeof HOOK_PLACEHOLDERS)[number];

/** One hook: its argv (no shell: write `sh -c '…'` for one) and how long it may run. */
export interface HookCommand {
  argv: string[];
  timeoutSeconds: number;
}

/** The hooks of a playbook: `start` + `stop`, or `upgrade`; `lameDuck` when a stage uses lame duck. */
export interface HooksConfig {
  /** Where hooks run (the playbook's folder, absolute), so `./hooks/start.sh` is found beside it. */
  workDir: string;
  lameDuck?: HookCommand;
  stop?: HookCommand;
  start?: HookCommand;
  upgrade?: HookCommand;
  /** The /varz version each variant (full name) must report once started; default versionOfVariant. */
  expectVersion?: Record<string, string>;
}

/** `{identifier}` not doubled; `{print $1}` or `{a,b}` (not identifiers) stay as written. */
const PLACEHOLDER = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The unknown placeholder names in one argv element (empty when every one is known). */
export function unknownPlaceholders(arg: string): string[] {
  const out: string[] = [];
  for (const m of arg.matchAll(PLACEHOLDER)) {
    const name = m[1];
    if (name !== undefined && !(HOOK_PLACEHOLDERS as readonly string[]).includes(name)) out.push(name);
  }
  return out;
}

export type HookValues = Record<HookPlaceholder, string>;

/** One argv element filled: each `{name}` by its value, `{{`/`}}` by a brace. Each element stays one argument. */
export function fillArg(arg: string, values: HookValues): string {
  return arg.replace(PLACEHOLDER, (whole, name: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    return Object.hasOwn(values, name!) ? values[name as HookPlaceholder] : whole;
  });
}

/** The /varz version a server must report on `variant`: the playbook's expectVersion, else the variant's own. */
export function expectedVersionOf(config: Pick<HooksConfig, 'expectVersion'> | undefined, variant: string): string {
  return config?.expectVersion?.[variant] ?? versionOfVariant(variant);
}

export function hookValues(config: Pick<HooksConfig, 'expectVersion'> | undefined, server: ExternalServerRef, variant: string): HookValues {
  return { server: server.name, region: server.region, host: server.host, variant, version: expectedVersionOf(config, variant) };
}

/** The argv hook `name` runs for `server` on `variant`, or undefined when the playbook has no such hook. */
export function hookArgv(config: HooksConfig, name: HookName, server: ExternalServerRef, variant: string): string[] | undefined {
  const cmd = config[name];
  if (!cmd) return undefined;
  const values = hookValues(config, server, variant);
  return cmd.argv.map((a) => fillArg(a, values));
}

/** One step of a server's move as hooks do it: which hook, on which variant. */
export interface HookCall {
  hook: HookName;
  variant: string;
  argv: string[];
  timeoutSeconds: number;
}

/**
 * The hooks one server's move from `from` to `to` runs, in order: lame duck (when asked and there is
 * a hook), then stop and start, or the one upgrade command. What the dry run prints; the backend
 * runs the same calls through the runner.
 */
export function moveCalls(config: HooksConfig, server: ExternalServerRef, from: string, to: string, lameDuck: boolean): HookCall[] {
  const calls: HookCall[] = [];
  const add = (hook: HookName, variant: string) => {
    const argv = hookArgv(config, hook, server, variant);
    if (argv) calls.push({ hook, variant, argv, timeoutSeconds: config[hook]!.timeoutSeconds });
  };
  if (lameDuck) add('lameDuck', from);
  if (config.upgrade) add('upgrade', to);
  else {
    add('stop', from);
    add('start', to);
  }
  return calls;
}

/** An argv as a shell would read it back: each element quoted only when it needs to be. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
