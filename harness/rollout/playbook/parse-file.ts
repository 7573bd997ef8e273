// Read a playbook file: YAML, or JSON (YAML 1.2's JSON schema), through the bounded reader every
// input file shares (core/bounded-yaml.ts: size, nesting and alias limits; file, line and column
// in every syntax problem).
import { parseInputText, readInputFile, type InputKind } from '../../../core/bounded-yaml.ts';

/**
 * The largest playbook accepted, in bytes: 64 KiB, 35 times the largest example. The CLI sends the
 * text to the controller in one gRPC message (over 4 MiB gRPC answers RESOURCE_EXHAUSTED), and the
 * yaml library has costs that grow with the square of some inputs: measured here, a 1 MiB text of
 * plain keys took 38 s (the duplicate-key check) and one of aliases 127 s, blocking the controller;
 * at 64 KiB each takes under 0.4 s.
 */
export const PLAYBOOK_MAX_BYTES = 64 * 1024;

export { INPUT_MAX_FLOW_DEPTH as PLAYBOOK_MAX_FLOW_DEPTH } from '../../../core/bounded-yaml.ts';

const PLAYBOOK: InputKind = { what: 'playbook', maxBytes: PLAYBOOK_MAX_BYTES, sizeHint: 'a playbook is a few KB: stages, gates and faults, not data' };

export function parsePlaybookText(text: string, source: string): unknown {
  return parseInputText(PLAYBOOK, text, source);
}

export function readPlaybookFile(file: string): unknown {
  return readInputFile(PLAYBOOK, file);
}
