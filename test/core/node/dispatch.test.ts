import { describe, expect, it } from 'vitest';
import { API_METHODS } from '../../../core/common/api.js';
import { argValidator, dispatch } from '../../../core/node/dispatch.js';
import type { Handlers } from '../../../core/common/api.js';

describe('the argument check at every transport', () => {
  it('every method of the API table has an argument schema ajv compiles in strict mode', async () => {
    for (const m of API_METHODS) expect(typeof (await argValidator(m)), m).toBe('function');
  });

  it('refuses in the words a field declares, and a date that is no day of the calendar', async () => {
    const handlers = {} as Handlers;
    const bad = await dispatch(handlers, 'archive.closed', { bundle: '../outside', before: '2025-11-01' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(!bad.ok && bad.error.message).toBe(
      'Invalid arguments for archive.closed: bundle: A bundle name is letters, digits, dots, dashes or underscores, such as 2025-H1 (got "../outside").',
    );
    const day = await dispatch(handlers, 'metrics.prometheus', { today: '2025-02-30' });
    expect(!day.ok && day.error.message).toBe('Invalid arguments for metrics.prometheus: today: a calendar date as YYYY-MM-DD (got "2025-02-30").');
    expect(!day.ok && day.error).toMatchObject({ reason: 'invalid-argument', path: 'today' });
    const unknown = await dispatch(handlers, 'no.such', null);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not-found', reason: 'unknown-method' } });
  });
});
