// Fuzz: the flags of chaos and gate, as the CLI hands them to the planners (in-process: the same
// functions the commands call before anything starts). Any flags plan or are bad input with paths.
import fc from 'fast-check';
import { GATE_SUITE, SCENARIO_NAMES } from '../../chaos/scenarios/index.ts';
import { THRESHOLD_KEYS } from '../../harness/verdict/registry.ts';
import { planChaos } from '../../harness/cli/chaos.ts';
import { collectFlag, parseSeed } from '../../harness/cli/plan-flags.ts';
import { planGate } from '../../harness/cli/gate.ts';
import { parseMetricsPort } from '../../harness/cli/metrics-port.ts';
import { accepts, check, nastyString } from './property.ts';

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const word = fc.oneof(nastyString, fc.constantFrom('stock', 'patched', 'statsz-only', 'v2.10.14', 'v2.10.14+brownout', 'toString', '__proto__', 'auto', 'local', 'docker'));
const flags = {
  variant: maybe(word),
  backend: maybe(word),
  seed: maybe(fc.oneof(nastyString, fc.nat().map(String))),
  metricsPort: maybe(fc.oneof(nastyString, fc.constantFrom('off', '0', '9477', '65536'))),
  threshold: fc.array(fc.oneof(nastyString, fc.tuple(fc.constantFrom(...THRESHOLD_KEYS), nastyString).map(([k, v]) => `${k}=${v}`)), { maxLength: 3 }),
  // A run id that is not there, or not an id at all; latest and compose are reserved words.
  attach: maybe(fc.oneof(nastyString, fc.constantFrom('compose', 'latest', 'no-such-run', '../../../x', 'a/b'))),
  regions: maybe(fc.oneof(nastyString, fc.constantFrom('iad,lhr', 'iad,,lhr', 'IAD', 'iad,iad'))),
  servers: maybe(fc.oneof(fc.integer({ min: -2, max: 40 }), fc.constant(Number.NaN))),
};

/** The command's own order: flags parsed into a problem list, then the plan with those problems. */
function seedAndPort(raw: { seed?: string; metricsPort?: string }, problems: string[]) {
  return { seed: collectFlag(() => parseSeed(raw.seed), problems), metricsPort: collectFlag(() => parseMetricsPort(raw.metricsPort), problems) };
}

describe('fuzz cli flags', function () {
  this.timeout(60_000);

  it('fuzz cli flags - chaos: any scenario name and flags plan, or are bad input with every problem listed', () => {
    const scenario = fc.oneof(fc.constantFrom(...SCENARIO_NAMES), nastyString);
    const compare = maybe(fc.oneof(nastyString, fc.constantFrom('stock,patched', 'stock', 'stock,patched,x', ',')));
    check(fc.property(scenario, fc.record({ ...flags, compare }), (name, f) => {
      accepts(() => {
        const problems: string[] = [];
        const { seed, metricsPort } = seedAndPort(f, problems);
        return planChaos({ scenario: name, ...f, backend: f.backend as never, seed, metricsPort }, problems);
      }, `chaos ${name} ${JSON.stringify(f).slice(0, 300)}`);
    }), 1000);
  });

  it('fuzz cli flags - gate: any --scenario list and flags plan, or are bad input with every problem listed', () => {
    const scenarios = maybe(fc.array(fc.oneof(fc.constantFrom(...GATE_SUITE), nastyString), { minLength: 1, maxLength: 3 }));
    check(fc.property(scenarios, fc.record(flags), (list, f) => {
      accepts(() => {
        const problems: string[] = [];
        const { seed, metricsPort } = seedAndPort(f, problems);
        return planGate({ ...f, scenarios: list, backend: f.backend as never, seed, metricsPort }, problems);
      }, `gate ${JSON.stringify({ list, ...f }).slice(0, 300)}`);
    }), 500);
  });
});
