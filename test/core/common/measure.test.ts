import { describe, expect, it } from 'vitest';
import { meets, parseTarget, targetInDescription } from '../../../core/common/measure.js';

describe('the target grammar (one for target: and the description)', () => {
  it.each([
    ['>= 85', '>=', 85, ''],
    ['>= 85%', '>=', 85, '%'],
    ['≥ 85 %', '>=', 85, '%'],
    ['> 85', '>', 85, ''],
    ['<0.28', '<', 0.28, ''],
    ['≤ 0.5', '<=', 0.5, ''],
    ['= 3', '=', 3, ''],
    ['at least 85', '>=', 85, ''],
    ['At least 85 points', '>=', 85, 'points'],
    ['at most 2.5 s', '<=', 2.5, 's'],
    ['no more than 3 days', '<=', 3, 'days'],
    ['no less than 15%', '>=', 15, '%'],
    ['<= -1.5', '<=', -1.5, ''],
  ])('reads %j', (text, op, n, unit) => {
    expect(parseTarget(text)).toEqual({ op, n, unit });
  });

  it.each(['85', 'about 85', '>= ', '>= eighty', '>= 85 or <= 90', '', '=> 85'])('cannot read %j', (text) => {
    expect(parseTarget(text)).toBeNull();
  });

  it.each([
    ['Usability score >= 85 on SUS', '>= 85'],
    ['Usability score > 85 on SUS', '> 85'],
    ['Usability score of at least 85 on SUS', '>= 85'],
    ['Drop-off decreases by >= 15% on test cohort', '>= 15%'],
    ['Page loads in no more than 2.5 s on 3G', '<= 2.5 s'],
    ['Error rate ≤ 0.5 in production', '<= 0.5'],
  ])('finds the one comparison a description states: %j', (description, target) => {
    expect(targetInDescription(description)).toBe(target);
  });

  it('a description with no comparison, or two, states no target', () => {
    expect(targetInDescription('Users like the new flow')).toBeNull();
    expect(targetInDescription('Score >= 80 and at most 95')).toBeNull();
  });

  it('compares with each operator', () => {
    expect(meets(85, parseTarget('at least 85')!)).toBe(true);
    expect(meets(85, parseTarget('> 85')!)).toBe(false);
    expect(meets(0.8, parseTarget('<= 0.5')!)).toBe(false);
    expect(meets(3, parseTarget('no more than 3 days')!)).toBe(true);
  });
});
