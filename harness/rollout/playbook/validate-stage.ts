// One stage: what it upgrades, its faults (each by its own fault type's schema) and its settings;
// its gates are validate-gates.ts. Every problem goes to the list passed in.
import type { z } from 'zod';
import { FAULTS, FAULT_NAMES, type FaultName } from '../../../chaos/faults/registry.ts';
import { CHECK_KEYS, THRESHOLD_KEYS, THRESHOLD_REGISTRY, type ThresholdKey } from '../../verdict/registry.ts';
import { problem, zodProblems, type PathPart, type Problems } from './problem-path.ts';
import { stageSchema, type ParsedStage } from './schema.ts';
import { withoutFailed } from './without-failed.ts';
import type { Server, Stage, StageFault } from './types.ts';
import { checkBaselinePeer, validateGates } from './validate-gates.ts';

const SETTING_KEYS = THRESHOLD_KEYS.filter((k) => !CHECK_KEYS.includes(k));


/** Stands in for a fault whose shape was already reported: not checked again. */
const UNCHECKED_FAULT = '(unchecked)';

/** The stage with every field that failed dropped (defaults fill in), for the checks beyond shapes. */
export function withoutFailedFields(raw: unknown, error: z.ZodError): { stage: ParsedStage; kindKnown: boolean } | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const rawFaults = (raw as Record<string, unknown>).faults;
  const faults = Array.isArray(rawFaults) ? rawFaults.map((f) => (typeof f === 'object' && f !== null && !Array.isArray(f) ? { ...f } as Record<string, unknown> : { type: UNCHECKED_FAULT })) : undefined;
  const copy = withoutFailed(raw, error, (issue) => {
    const [top, j, field] = issue.path;
    // A fault's bad timing falls back to its default, a bad type skips the fault: its attributes are
    // still checked, and the other faults keep their indices.
    if (top !== 'faults' || !faults || typeof j !== 'number' || !faults[j]) return false;
    if (field === 'atSeconds' || field === 'holdSeconds') delete faults[j][field];
    else faults[j] = { type: UNCHECKED_FAULT };
    return true;
  })!;
  if (faults && 'faults' in copy) copy.faults = faults;
  const kindKnown = 'kind' in copy;
  if (!kindKnown) {
    // Without a kind, nothing kind-specific can be judged: check as a global stage minus canary fields.
    copy.kind = 'global';
    delete copy.server;
    delete copy.region;
  }
  const again = stageSchema.safeParse(copy);
  return again.success ? { stage: again.data, kindKnown } : undefined;
}

export function validateStage(s: ParsedStage, i: number, servers: Server[] | undefined, problems: Problems, kindKnown: boolean): Stage | undefined {
  const at = (...p: PathPart[]) => ['stages', i, ...p];
  const before = problems.length;
  const names = servers?.map((x) => x.name);
  const regions = servers ? [...new Set(servers.map((x) => x.region))] : undefined;

  if (s.kind !== 'canary') {
    if (s.server !== undefined) problems.push(problem(at('server'), `only a canary stage names a server; a ${s.kind} stage upgrades ${s.kind === 'region' ? "the rest of the canary's region" : 'every server not yet upgraded'}`));
    if (s.region !== undefined) problems.push(problem(at('region'), `only a canary stage names a region; a ${s.kind} stage follows the canary`));
  } else {
    if (s.server !== undefined && names && !names.includes(s.server)) problems.push(problem(at('server'), `"${s.server}" is not a server; one of ${names.join(', ')}`));
    if (s.region !== undefined && regions && !regions.includes(s.region)) problems.push(problem(at('region'), `"${s.region}" is not a region; one of ${regions.join(', ')}`));
    if (s.server !== undefined && s.region !== undefined && servers && names?.includes(s.server) && servers.find((x) => x.name === s.server)!.region !== s.region) {
      problems.push(problem(at('region'), `server "${s.server}" is not in region "${s.region}"; name one of them`));
    }
  }

  const faults = s.faults.map((f, j) => validateFault(f, at('faults', j), s.soakSeconds, names, regions, problems));
  const settings = validateSettings(s.settings, at('settings'), problems);
  const gates = validateGates(s, at, servers, problems, kindKnown);
  if (gates?.compare && servers && kindKnown) checkBaselinePeer(s, at, servers, problems);

  if (problems.length > before) return undefined;
  return {
    name: s.name ?? s.kind,
    kind: s.kind,
    ...(s.server !== undefined ? { server: s.server } : {}),
    ...(s.region !== undefined ? { region: s.region } : {}),
    upgrade: s.upgrade,
    soakSeconds: s.soakSeconds,
    faults: faults as StageFault[],
    gates: gates!,
    settings,
    onFailure: s.onFailure,
  };
}

function validateFault(f: ParsedStage['faults'][number], at: PathPart[], soak: number, names: string[] | undefined, regions: string[] | undefined, problems: Problems): StageFault | undefined {
  const { type, atSeconds, holdSeconds, ...attributes } = f;
  if (type === UNCHECKED_FAULT) return undefined;
  if (!(FAULT_NAMES as string[]).includes(type)) {
    problems.push(problem([...at, 'type'], `"${type}" is not a fault; one of ${FAULT_NAMES.join(', ')}`));
    return undefined;
  }
  const r = FAULTS[type as FaultName].attributes.safeParse(attributes);
  if (!r.success) {
    problems.push(...zodProblems(at, r.error, attributes));
    return undefined;
  }
  const hold = holdSeconds ?? soak - atSeconds;
  if (atSeconds + hold > soak || hold <= 0) problems.push(problem([...at, holdSeconds === undefined ? 'atSeconds' : 'holdSeconds'], `the fault must end within the soak: atSeconds ${atSeconds} + holdSeconds ${hold} > soakSeconds ${soak}`));
  const a = r.data as Record<string, unknown>;
  // Names the fault will look up at run time, checked now when the topology is known.
  if (names && regions) {
    for (const [j, sv] of ((a.servers as string[] | undefined) ?? []).entries()) {
      if (!names.includes(sv)) problems.push(problem([...at, 'servers', j], `"${sv}" is not a server; one of ${names.join(', ')}`));
    }
    if (typeof a.region === 'string' && !regions.includes(a.region)) problems.push(problem([...at, 'region'], `"${a.region}" is not a region; one of ${regions.join(', ')}`));
    for (const k of ['to', 'from'] as const) {
      const v = a[k];
      if (typeof v === 'string' && !regions.includes(v) && !names.includes(v)) problems.push(problem([...at, k], `"${v}" is neither a region nor a server; one of ${[...regions, ...names].join(', ')}`));
    }
  }
  return { type: type as FaultName, attributes: a, atSeconds, holdSeconds: hold };
}

function validateSettings(settings: Record<string, unknown>, at: PathPart[], problems: Problems): Partial<Record<ThresholdKey, unknown>> {
  const out: Partial<Record<ThresholdKey, unknown>> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (!(SETTING_KEYS as string[]).includes(key)) {
      problems.push(problem([...at, key], `not a setting; one of ${SETTING_KEYS.join(', ')}${(CHECK_KEYS as string[]).includes(key) ? ` (${key} is a threshold: use a gate { threshold: ${key}, bound })` : ''}`));
      continue;
    }
    const entry = THRESHOLD_REGISTRY[key as ThresholdKey];
    const r = (entry.schema as z.ZodType).safeParse(value);
    if (!r.success) problems.push(problem([...at, key], `${JSON.stringify(value)} is not allowed; ${entry.allowed}`));
    else out[key as ThresholdKey] = r.data;
  }
  return out;
}
