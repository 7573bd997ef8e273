import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveVariant, specForName, subsetName } from './variant.ts';
import { VARIANT_ALIASES, resolveVariantAlias } from './aliases.ts';
import { BadInputError } from '../../core/errors.ts';

describe('variant', () => {
  it('variant - stock is the plain tag, our series is <tag>+brownout', () => {
    assert.equal(resolveVariant({ tag: 'v2.10.14', patches: 'none' }).name, 'v2.10.14');
    assert.equal(resolveVariant({ tag: 'v2.10.14', patches: 'default' }).name, 'v2.10.14+brownout');
  });

  it('variant - another folder is named after it and its patch bytes', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'brownout-v-'));
    try {
      const dir = path.join(root, 'My Fixes');
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'a.patch'), 'one');
      const a = resolveVariant({ tag: 'v2.10.14', patches: dir }).name;
      assert.match(a, /^v2\.10\.14\+my-fixes-[0-9a-f]{8}$/);
      writeFileSync(path.join(dir, 'a.patch'), 'two');
      assert.notEqual(resolveVariant({ tag: 'v2.10.14', patches: dir }).name, a);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('variant - bad tags and missing folders are bad input', () => {
    assert.throws(() => resolveVariant({ tag: '2.10.14', patches: 'none' }), BadInputError);
    assert.throws(() => resolveVariant({ tag: 'v1.0.0', patches: 'default' }), (e: unknown) => e instanceof BadInputError && /no patch series for v1\.0\.0/.test(e.hint ?? ''));
    assert.throws(() => resolveVariant({ tag: 'v2.10.14', patches: '/nope/nothing' }), /folder \/nope\/nothing does not exist/);
  });

  it('variant - one patch of our series is <tag>+brownout-<label>, selected by number or label', () => {
    const statsz = resolveVariant({ tag: 'v2.10.14', patches: 'default:0001' });
    assert.equal(statsz.name, 'v2.10.14+brownout-statsz');
    assert.deepEqual(statsz.patches.map((p) => path.basename(p.file)), ['0001-statsz-rate-limit.patch']);
    const gateway = resolveVariant({ tag: 'v2.10.14', patches: 'default:gateway' });
    assert.equal(gateway.name, 'v2.10.14+brownout-gateway');
    assert.deepEqual(gateway.patches.map((p) => path.basename(p.file)), ['0002-gateway-stale-handshake.patch']);
    assert.equal(resolveVariant({ tag: 'v2.10.14', patches: 'default:0002-gateway-stale-handshake.patch' }).name, 'v2.10.14+brownout-gateway');
  });

  it('variant - selecting the whole series, in any order, is the one variant +brownout', () => {
    const all = resolveVariant({ tag: 'v2.10.14', patches: 'default:gateway,0001' });
    assert.equal(all.name, 'v2.10.14+brownout');
    assert.deepEqual(all.patches.map((p) => p.sha256), resolveVariant({ tag: 'v2.10.14', patches: 'default' }).patches.map((p) => p.sha256));
  });

  it('variant - a selector that names no patch is bad input listing the patches there are', () => {
    assert.throws(() => resolveVariant({ tag: 'v2.10.14', patches: 'default:0003,jetstream' }), (e: unknown) =>
      e instanceof BadInputError && e.problems.length === 2
      && e.problems.every((p) => p.includes('allowed: 0001 (statsz), 0002 (gateway)'))
      && e.problems[0]!.includes('"0003" matches no patch'));
    assert.throws(() => resolveVariant({ tag: 'v2.10.14', patches: 'default:' }), (e: unknown) => e instanceof BadInputError && /names no patch/.test(e.problems[0] ?? ''));
  });

  it('variant - the names built on demand map back to their spec, others do not', () => {
    assert.deepEqual(specForName('v2.10.14'), { tag: 'v2.10.14', patches: 'none' });
    assert.deepEqual(specForName('v2.10.14+brownout'), { tag: 'v2.10.14', patches: 'default' });
    assert.deepEqual(specForName('v2.10.14+brownout-statsz'), { tag: 'v2.10.14', patches: 'default:statsz' });
    assert.deepEqual(specForName('v2.10.14+brownout-statsz-gateway'), { tag: 'v2.10.14', patches: 'default:statsz,gateway' });
    assert.equal(specForName('v2.10.14+my-fixes-0123abcd'), undefined);
    assert.equal(specForName('latest+brownout'), undefined);
    for (const name of ['v2.10.14', 'v2.10.14+brownout', 'v2.10.14+brownout-statsz', 'v2.10.14+brownout-gateway']) {
      assert.equal(resolveVariant(specForName(name)!).name, name);
    }
  });

  it('variant - aliases statsz-only and gateway-only name the single-patch builds', () => {
    assert.equal(subsetName('v2.10.14', ['statsz']), 'v2.10.14+brownout-statsz');
    assert.equal(resolveVariantAlias('statsz-only'), 'v2.10.14+brownout-statsz');
    assert.equal(resolveVariantAlias('gateway-only'), 'v2.10.14+brownout-gateway');
    assert.equal(resolveVariantAlias('v2.10.16'), 'v2.10.16');
    assert.deepEqual(Object.keys(VARIANT_ALIASES), ['stock', 'patched', 'statsz-only', 'gateway-only', 'latest', 'v2.11', 'v2.12', 'v2.14', 'v2.15']);
    assert.equal(resolveVariantAlias('latest'), 'v2.15.3');
    assert.equal(resolveVariantAlias('v2.12'), 'v2.12.15');
  });
});
