// The cluster file: a super-cluster brownout did not start (servers under the operators' own deploy
// tooling), named well enough to observe it, probe it, judge it and, through the user's hooks,
// upgrade it. YAML, or JSON when the name ends in .json; read through the bounded reader playbooks
// use (core/bounded-yaml.ts), checked with a strict schema: every problem names the file and the
// field's path with what is allowed, exit 2. Secrets are read from a file or an environment
// variable the file names; no message, no run folder and no timeline ever holds one.
//
//   name: staging                      # a label: reports say `external:staging`
//   variant: v2.10.14                  # optional: what the servers run now, as a variant name;
//                                      #   else `v` + each server's /varz version
//   servers:                           # every server, in any order; regions follow from them
//     - name: nats-iad-a.prod          # the server's own name (server_name), 1-64 of [A-Za-z0-9._:-]
//       region: iad                    # its cluster / gateway name, same rule
//       monitorUrl: http://10.1.0.11:8222   # http(s) monitoring endpoint reachable from here
//       clientUrl: nats://10.1.0.11:4222    # nats:// or tls:// client URL reachable from here
//       host: nats-iad-a.prod.example  # optional, `{host}` in hook templates; default: monitorUrl's hostname
//       variant: v2.10.14              # optional, per server (a mixed cluster)
//   system:                            # the system account (STATSZ, $SYS.REQ.SERVER.PING); one of:
//     user: sys                        #   a user and ONE of password / passwordFile / passwordEnv
//     passwordFile: ./sys.password     #   (a file path is relative to this file)
//     # credsFile: ./sys.creds         #   or ONE of credsFile / credsEnv (the variable holds the .creds text)
//   probe:                             # optional: the log-stream probe's subjects and account
//     subjectPrefix: brownout.probe    #   default brownout.probe: it publishes and subscribes only under it
//     user: probe                      #   optional credentials, as for system; absent: none (no_auth_user)
//     passwordEnv: PROBE_PASSWORD
//   ping: { interval: 2m, max: 2 }     # optional: else read from /varz (ping_interval, ping_max)
//   lameDuck: { durationSeconds: 120, graceSeconds: 10 }  # optional: the servers' own settings (rollouts)
//   toxiproxy:                         # optional: a Toxiproxy YOU operate, in front of gateways;
//     api: http://10.1.0.5:8474        #   only then are link faults allowed, and only through it
//     proxies:
//       - { name: iad-to-lhr-1, from: iad, to: nats-lhr-a.prod }   # from: a region (absent: any)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { label, readInputFile, type InputKind } from '../core/bounded-yaml.ts';
import { BadInputError } from '../core/errors.ts';
import { problemAt, schemaProblems, type PathPart } from '../core/problem-path.ts';
import type { ExternalServerRef } from './external-hooks.ts';
import { EXTERNAL_NAME, EXTERNAL_NAME_RULE, MAX_SERVERS, MAX_SERVERS_PER_REGION } from './topology.ts';
import type { ProbeAccess, SystemUser } from './view.ts';

/** A cluster file is a list of servers and a few settings: 256 KiB holds several thousand servers. */
export const CLUSTER_FILE_MAX_BYTES = 256 * 1024;
const CLUSTER_FILE: InputKind = { what: 'cluster file', maxBytes: CLUSTER_FILE_MAX_BYTES, sizeHint: 'a cluster file names servers, credentials and a Toxiproxy: a few KB' };
/** The probe's subjects on a cluster that is not ours, unless the file says otherwise. */
export const DEFAULT_PROBE_PREFIX = 'brownout.probe';
/** A secret file holds a password or a .creds file: a few KB at most. */
const SECRET_MAX_BYTES = 64 * 1024;

const name = z.string({ error: `a name: ${EXTERNAL_NAME_RULE}` }).regex(EXTERNAL_NAME, EXTERNAL_NAME_RULE);
const variant = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'a variant name such as v2.10.14 or v2.10.14+brownout');
const url = (schemes: string[]) => z.string().refine((u) => {
  try {
    const p = new URL(u);
    return schemes.includes(p.protocol.replace(/:$/, '')) && p.hostname !== '';
  } catch {
    return false;
  }
}, { error: `a URL with a host, scheme ${schemes.join(' or ')}` });
// Never echo a secret: a message holding `got` stops schemaProblems from appending the value.
const secret = z.string({ error: 'a string; got something else (a secret: its value is not shown)' }).min(1, { error: 'not empty; got an empty string' });
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name ([A-Za-z_][A-Za-z0-9_]*)');
const filePath = z.string().min(1, 'a file path (relative to the cluster file)');

const credentialFields = {
  user: z.string().min(1).optional(),
  password: secret.optional(),
  passwordFile: filePath.optional(),
  passwordEnv: envName.optional(),
  credsFile: filePath.optional(),
  credsEnv: envName.optional(),
};
const duration = z.string().regex(/^(\d+)(ms|s|m)$/, 'a duration such as "500ms", "1s", "2m"');

export const clusterFileSchema = z.strictObject({
  name,
  variant: variant.optional(),
  servers: z.array(z.strictObject({
    name,
    region: name,
    monitorUrl: url(['http', 'https']),
    clientUrl: url(['nats', 'tls']),
    host: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.:_-]*$/, 'a host name or address').optional(),
    variant: variant.optional(),
  })).min(1).max(MAX_SERVERS),
  system: z.strictObject(credentialFields),
  probe: z.strictObject({
    subjectPrefix: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'subject tokens of letters, digits, _ and -, joined by "." (no wildcards)').default(DEFAULT_PROBE_PREFIX),
    ...credentialFields,
  }).optional(),
  ping: z.strictObject({ interval: duration, max: z.number().int().min(1).max(100) }).optional(),
  lameDuck: z.strictObject({
    durationSeconds: z.number().int().min(30, 'nats-server refuses a lame_duck_duration under 30 s').max(3600),
    graceSeconds: z.number().int().min(1).max(3600),
  }).optional(),
  toxiproxy: z.strictObject({
    api: url(['http', 'https']),
    proxies: z.array(z.strictObject({ name: z.string().min(1), from: name.optional(), to: name })).min(1),
  }).optional(),
});
export type ClusterFileInput = z.input<typeof clusterFileSchema>;

/** One server as the file names it (host resolved), with the variant the file gives it, if any. */
export interface ExternalServerSpec extends ExternalServerRef {
  variant?: string;
}

export interface ExternalToxiproxy {
  api: string;
  /** Each proxy: traffic from region `from` (null: any) to server `to`. */
  proxies: { name: string; from: string | null; to: string }[];
}

export interface ExternalClusterSpec {
  /** Absolute path of the cluster file. */
  file: string;
  name: string;
  servers: ExternalServerSpec[];
  /** In the order servers first name them. */
  regions: string[];
  system: SystemUser;
  probe: ProbeAccess;
  variant?: string;
  ping?: { interval: string; max: number };
  lameDuck?: { durationSeconds: number; graceSeconds: number };
  toxiproxy?: ExternalToxiproxy;
}

/**
 * Read, check and resolve a cluster file (secrets included). Throws one BadInputError (exit 2)
 * whose problems each start with the file and name a field path and what is allowed.
 */
export function loadClusterFile(file: string, env: NodeJS.ProcessEnv = process.env): ExternalClusterSpec {
  const abs = path.resolve(file);
  return parseClusterFile(readInputFile(CLUSTER_FILE, abs), abs, env);
}

/** Check data already read from `file` (tests; discovery's output). */
export function parseClusterFile(input: unknown, file: string, env: NodeJS.ProcessEnv = process.env): ExternalClusterSpec {
  const parsed = clusterFileSchema.safeParse(input);
  const problems = parsed.success ? crossCheck(parsed.data) : schemaProblems([], parsed.error.issues, redacted(input));
  const dir = path.dirname(file);
  let system: SystemUser | undefined;
  let probe: ProbeAccess | undefined;
  if (parsed.success) {
    const d = parsed.data;
    system = credentials(['system'], d.system, true, dir, env, problems);
    const p = d.probe ?? { subjectPrefix: DEFAULT_PROBE_PREFIX };
    const probeCreds = credentials(['probe'], p, false, dir, env, problems);
    probe = { subjectPrefix: p.subjectPrefix, ...(probeCreds ? { credentials: probeCreds } : {}) };
  }
  if (problems.length || !parsed.success || !system || !probe) {
    const where = label(file);
    throw new BadInputError(`cluster file ${where}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, {
      problems: problems.map((p) => `${where}: ${p}`),
      hint: 'the cluster file format is described at the top of clusters/external-file.ts and in examples/external/cluster.yaml',
    });
  }
  const d = parsed.data;
  const servers = d.servers.map((s): ExternalServerSpec => ({
    name: s.name, region: s.region, host: s.host ?? new URL(s.monitorUrl).hostname.replace(/^\[|\]$/g, ''),
    clientUrl: s.clientUrl, monitorUrl: s.monitorUrl.replace(/\/+$/, ''), ...(s.variant ? { variant: s.variant } : {}),
  }));
  return {
    file, name: d.name, servers, regions: [...new Set(servers.map((s) => s.region))], system, probe,
    ...(d.variant ? { variant: d.variant } : {}), ...(d.ping ? { ping: d.ping } : {}), ...(d.lameDuck ? { lameDuck: d.lameDuck } : {}),
    ...(d.toxiproxy ? { toxiproxy: { api: d.toxiproxy.api.replace(/\/+$/, ''), proxies: d.toxiproxy.proxies.map((p) => ({ name: p.name, from: p.from ?? null, to: p.to })) } } : {}),
  };
}

type FileData = z.output<typeof clusterFileSchema>;

function crossCheck(d: FileData): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const monitors = new Map<string, number>();
  const perRegion = new Map<string, number>();
  d.servers.forEach((s, i) => {
    const first = seen.get(s.name);
    if (first !== undefined) problems.push(problemAt(['servers', i, 'name'], `duplicate server "${s.name}" (also servers[${first}])`));
    else seen.set(s.name, i);
    const m = s.monitorUrl.replace(/\/+$/, '');
    const other = monitors.get(m);
    if (other !== undefined) problems.push(problemAt(['servers', i, 'monitorUrl'], `${m} is also servers[${other}]'s; one monitoring URL per server`));
    else monitors.set(m, i);
    perRegion.set(s.region, (perRegion.get(s.region) ?? 0) + 1);
  });
  for (const [r, n] of perRegion) if (n > MAX_SERVERS_PER_REGION) problems.push(problemAt(['servers'], `${n} servers in region "${r}"; allowed at most ${MAX_SERVERS_PER_REGION} per region`));
  if (perRegion.size > 8) problems.push(problemAt(['servers'], `${perRegion.size} regions; allowed at most 8`));
  const regions = [...perRegion.keys()];
  const proxyNames = new Set<string>();
  d.toxiproxy?.proxies.forEach((p, i) => {
    const at: PathPart[] = ['toxiproxy', 'proxies', i];
    if (proxyNames.has(p.name)) problems.push(problemAt([...at, 'name'], `duplicate proxy "${p.name}"`));
    proxyNames.add(p.name);
    if (p.from !== undefined && !perRegion.has(p.from)) problems.push(problemAt([...at, 'from'], `"${p.from}" is not a region; one of ${regions.join(', ')}`));
    const to = d.servers.find((s) => s.name === p.to);
    if (!to) problems.push(problemAt([...at, 'to'], `"${p.to}" is not a server; one of ${d.servers.map((s) => s.name).join(', ')}`));
    else if (p.from === to.region) problems.push(problemAt([...at, 'from'], `"${p.from}" is ${p.to}'s own region: gateways cross regions`));
  });
  if (d.lameDuck && d.lameDuck.graceSeconds >= d.lameDuck.durationSeconds) {
    problems.push(problemAt(['lameDuck', 'graceSeconds'], `must be less than lameDuck.durationSeconds (${d.lameDuck.durationSeconds}), got ${d.lameDuck.graceSeconds}`));
  }
  return problems;
}

type CredentialFields = { [K in keyof typeof credentialFields]?: string };

const SOURCES = ['password', 'passwordFile', 'passwordEnv', 'credsFile', 'credsEnv'] as const;

/** Exactly one secret source (with `user` for a password), read now; problems name the field, never the secret. */
function credentials(at: PathPart[], c: CredentialFields, required: boolean, dir: string, env: NodeJS.ProcessEnv, problems: string[]): SystemUser | undefined {
  const given = SOURCES.filter((k) => c[k] !== undefined);
  const allowed = 'user with one of password, passwordFile, passwordEnv; or one of credsFile, credsEnv';
  if (given.length === 0) {
    if (c.user !== undefined) problems.push(problemAt(at, `user ${c.user} has no password: give one of password, passwordFile, passwordEnv`));
    else if (required) problems.push(problemAt(at, `no credentials; allowed: ${allowed}`));
    return undefined;
  }
  if (given.length > 1) {
    problems.push(problemAt(at, `${given.join(' and ')} both given; allowed: exactly one secret source (${allowed})`));
    return undefined;
  }
  const k = given[0]!;
  const creds = k.startsWith('creds');
  if (creds && c.user !== undefined) {
    problems.push(problemAt([...at, 'user'], 'not with a .creds file (the JWT names the user); remove user'));
    return undefined;
  }
  if (!creds && c.user === undefined) {
    problems.push(problemAt([...at, 'user'], `missing: ${k} needs a user`));
    return undefined;
  }
  const value = k === 'password' ? c.password : k.endsWith('File') ? readSecretFile([...at, k], path.resolve(dir, c[k]!), problems) : readEnv([...at, k], c[k]!, env, problems);
  if (value === undefined) return undefined;
  if (!creds) return { user: c.user!, password: k === 'password' ? value : value.replace(/\r?\n$/, '') };
  if (!/-----BEGIN NATS USER JWT-----/.test(value) || !/-----BEGIN USER NKEY SEED-----/.test(value)) {
    problems.push(problemAt([...at, k], `${k === 'credsEnv' ? `$${c[k]} must hold` : `${c[k]} must be`} the text of a .creds file (a user JWT and an NKEY seed)${k === 'credsEnv' ? ', not a path: use credsFile for a path' : ''}`));
    return undefined;
  }
  return { creds: value };
}

function readSecretFile(at: PathPart[], file: string, problems: string[]): string | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    if (Buffer.byteLength(text) > SECRET_MAX_BYTES) return void problems.push(problemAt(at, `${file} is larger than ${SECRET_MAX_BYTES} bytes: not a password or .creds file`));
    if (text.trim() === '') return void problems.push(problemAt(at, `${file} is empty; allowed: a file holding the secret`));
    return text;
  } catch (err) {
    return void problems.push(problemAt(at, `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); allowed: a readable file (a relative path is relative to the cluster file)`));
  }
}

function readEnv(at: PathPart[], name: string, env: NodeJS.ProcessEnv, problems: string[]): string | undefined {
  const v = env[name];
  if (v === undefined || v === '') return void problems.push(problemAt(at, `environment variable ${name} is ${v === undefined ? 'not set' : 'empty'}; set it to the secret before running brownout`));
  return v;
}

/** The input with every inline secret replaced, so no schema problem can quote one. */
function redacted(input: unknown): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  const o = { ...(input as Record<string, unknown>) };
  for (const k of ['system', 'probe']) {
    const c = o[k];
    if (c && typeof c === 'object' && !Array.isArray(c) && 'password' in c) o[k] = { ...(c as object), password: '(secret)' };
  }
  return o;
}

/** `servers[i]`: what a message calls a server of the file. */
export function describeServer(s: ExternalServerRef): string {
  return `${s.name} (${s.region}, ${s.monitorUrl})`;
}

