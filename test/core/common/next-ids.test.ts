import { describe, expect, it } from 'vitest';
import { nextAdrId, nextCrId, nextSowId } from '../../../core/common/model/next-ids.js';

describe('next ids', () => {
  it('SOWs: the next number with the same prefix and width', () => {
    expect(nextSowId([])).toBe('SPRINT-01');
    expect(nextSowId(['SPRINT-07'])).toBe('SPRINT-08');
    expect(nextSowId(['SPRINT-09', 'SPRINT-10'])).toBe('SPRINT-11');
    expect(nextSowId(['SPRINT-099'])).toBe('SPRINT-100');
    expect(nextSowId(['ITER-3', 'SPRINT-02'])).toBe('ITER-4');
    expect(nextSowId(['ONBOARDING'])).toBe('SPRINT-01');
  });
  it('change requests and decision records', () => {
    expect(nextCrId([])).toBe('CR-1');
    expect(nextCrId(['CR-42', 'CR-7', 'junk'])).toBe('CR-43');
    expect(nextAdrId([])).toBe('ADR-0001');
    expect(nextAdrId(['ADR-0007', 'ADR-0012'])).toBe('ADR-0013');
  });
});
