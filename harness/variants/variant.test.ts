import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveVariant } from './variant.ts';
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
});
