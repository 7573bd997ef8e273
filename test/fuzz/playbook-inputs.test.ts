// Fuzz: playbooks, from text (YAML and JSON, as a file or a gRPC request carries them) and as data.
// Any input is a playbook or bad input (exit 2) with every problem's path; never a stack, never a
// hang or a heap blown by aliases or nesting.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../../core/layout.ts';
import { parsePlaybookText, PLAYBOOK_MAX_BYTES, validatePlaybook } from '../../harness/rollout/playbook.ts';
import { accepts, check, mutationsOf, nastyString, nastyValue } from './property.ts';

const examples = readdirSync(path.join(REPO_ROOT, 'examples')).filter((f) => f.startsWith('rollout-') && f.endsWith('.yaml'))
  .map((f) => parsePlaybookText(readFileSync(path.join(REPO_ROOT, 'examples', f), 'utf8'), f));
const small = { name: 'p', cluster: { preset: 'two-regions' }, baseline: 'stock', target: 'patched', stages: [{ kind: 'canary', faults: [{ type: 'latency', to: 'lhr', latencyMs: 5, atSeconds: 1 }], gates: [{ threshold: 'memory.maxRssMiB', bound: 200 }, { compare: { metrics: ['rss'] } }] }, { kind: 'global' }] };

/** YAML made of the pieces that stress a parser: anchors, aliases, merges, tags, flow and block nesting. */
const yamlish = fc.array(fc.oneof(
  fc.constantFrom('a: ', 'b:', '- ', '  ', '\n', '[', ']', '{', '}', ', ', ': ', '&a ', '*a', '&b ', '*b', '<<: *a', '!!str ', '!!binary ', '!!map ', '!<tag:x> ', '? ', '| ', '> ', '"', "'", '#', '%YAML 1.2\n', '---\n', '...\n', '\t', '\\u0000', 'null', '~', '0x1F', '1e9', '.inf', '-.nan'),
  nastyString,
), { maxLength: 40 }).map((parts) => parts.join(''));

describe('fuzz playbook inputs', function () {
  this.timeout(60_000);

  it('fuzz playbook inputs - text: any YAML-ish or JSON-ish text parses and validates, or is bad input naming the file', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 200 }), yamlish, nastyValue.map((v) => JSON.stringify(v) ?? ''), mutationsOf(small).map((v) => stringify(v) ?? ''));
    check(fc.property(text, fc.constantFrom('fuzz.yaml', 'fuzz.json', 'request'), (t, source) => {
      accepts(() => validatePlaybook(parsePlaybookText(t, source), source), `playbook ${source}: ${JSON.stringify(t).slice(0, 300)}`);
    }));
  });

  it('fuzz playbook inputs - data: any value, and mutations of the examples, validate or are bad input with paths', () => {
    check(fc.property(fc.oneof(nastyValue, mutationsOf(small), ...examples.map(mutationsOf)), (input) => {
      accepts(() => validatePlaybook(input, 'fuzz.yaml'), `playbook ${JSON.stringify(input)?.slice(0, 300)}`);
    }));
  });

  it('fuzz playbook inputs - alias bombs, deep nesting and long texts are refused quickly, each as bad input', () => {
    const bomb = (width: number, depth: number) => ['a0: &a0 [x]', ...Array.from({ length: depth }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(width).fill(`*a${i}`).join(', ')}]`)].join('\n');
    const shapes = fc.oneof(
      fc.tuple(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 12 })).map(([w, d]) => bomb(w, d)),
      fc.integer({ min: 1, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
      fc.integer({ min: 1, max: 5_000 }).map((n) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k:`).join('\n')),
      fc.integer({ min: 1, max: 3 }).map((n) => `name: p\ndescription: ${'x'.repeat(PLAYBOOK_MAX_BYTES * n)}\n`),
      // Texts just under the limit whose cost grows with the square of their size in the yaml library.
      fc.constantFrom('keys', 'anchors', 'aliases', 'pairs').map((shape) => {
        const line = (i: number) => ({ keys: `k${i}: ${i}`, anchors: `k${i}: &a${i} ${i}`, aliases: i === 0 ? 'a: &a x' : `k${i}: *a`, pairs: `k${i}: &a${i} ${i}\nr${i}: *a${i}` })[shape]!;
        const lines: string[] = [];
        for (let i = 0, n = 0; n < PLAYBOOK_MAX_BYTES - 64; i++) n += lines[lines.push(line(i)) - 1]!.length + 1;
        return lines.join('\n');
      }),
    );
    check(fc.property(shapes, (t) => {
      accepts(() => validatePlaybook(parsePlaybookText(t, 'big.yaml'), 'big.yaml'), `playbook of ${t.length} chars: ${t.slice(0, 120)}`);
    }), 25);
  });

  it('fuzz playbook inputs - a valid playbook stays valid through YAML and JSON text', () => {
    for (const pb of [small, ...examples]) {
      const a = validatePlaybook(pb, 'data');
      assert.deepEqual(validatePlaybook(parsePlaybookText(stringify(pb), 'x.yaml'), 'x.yaml'), a);
      assert.deepEqual(validatePlaybook(parsePlaybookText(JSON.stringify(pb), 'x.json'), 'x.json'), a);
    }
  });
});
