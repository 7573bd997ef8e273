import assert from 'node:assert/strict';
import { BadInputError } from '../../../core/errors.ts';
import { showValue } from '../../../core/problem-path.ts';
import { parseDetails, toStatus } from './status.ts';

describe('grpc status', () => {
  it('grpc status - details are well-formed text, whatever the error held (a lone surrogate made the call never answer)', () => {
    const s = toStatus(new BadInputError('bad \ud834', { problems: ['x: got "\udd1e"'] }));
    assert.doesNotThrow(() => encodeURIComponent(s.details));
    assert.deepEqual(parseDetails(s.details).problems, ['x: got "\ufffd"']);
  });
  it('grpc status - a long value is cut between code points, never inside a surrogate pair', () => {
    const v = showValue('a'.repeat(78) + '𝈞𝈞𝈞');
    assert.doesNotThrow(() => encodeURIComponent(v));
  });
});
