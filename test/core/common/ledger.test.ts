import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  balanceInWords,
  computeLedger,
  currencyDigits,
  formatMoney,
  share,
  shareInWords,
  SIGN_LEGEND,
  toMinor,
  totalRow,
  varianceInWords,
} from '../../../core/common/ledger.js';

const tc = { model: 'target_cost' as const, pain_share_pct: 50, gain_share_pct: 50 };

describe('ledger maths', () => {
  it('an overrun is shared pain: the supplier bears pain_share_pct, the client the rest', () => {
    const s = computeLedger({ currency: 'EUR', entries: [{ period: 'SPRINT-07', target_cost: 48000, actual_cost: 51250.5 }] }, { ...tc, pain_share_pct: 40 });
    expect(s.rows[0]).toMatchObject({
      target: 4_800_000,
      actual: 5_125_050,
      variance: 325_050,
      kind: 'pain',
      supplierShare: 130_020,
      clientShare: 195_030,
      supplierBalance: -130_020,
    });
  });

  it('an underrun is shared gain: the supplier earns gain_share_pct of the saving', () => {
    const s = computeLedger({ currency: 'EUR', entries: [{ period: 'S1', target_cost: 1000, actual_cost: 900 }] }, { ...tc, gain_share_pct: 30 });
    expect(s.rows[0]).toMatchObject({
      variance: -10_000,
      kind: 'gain',
      supplierShare: -3_000,
      clientShare: -7_000,
      supplierBalance: 3_000,
      clientBalance: 7_000,
    });
  });

  it('zero variance, mixed signs, running totals', () => {
    const s = computeLedger(
      {
        currency: 'EUR',
        entries: [
          { period: 'A', target_cost: 100, actual_cost: 100 },
          { period: 'B', target_cost: 100, actual_cost: 120 },
          { period: 'C', target_cost: 100, actual_cost: 90 },
        ],
      },
      tc,
    );
    expect(s.rows.map((r) => [r.kind, r.variance, r.supplierShare, r.supplierBalance])).toEqual([
      ['even', 0, 0, 0],
      ['pain', 2000, 1000, -1000],
      ['gain', -1000, -500, -500],
    ]);
    expect(s.totals).toEqual({ target: 30000, actual: 31000, variance: 1000, supplierShare: 500, clientShare: 500 });
  });

  it('0% and 100% shares', () => {
    const entries = [
      { period: 'A', target_cost: 10, actual_cost: 12 },
      { period: 'B', target_cost: 10, actual_cost: 7 },
    ];
    const none = computeLedger({ currency: 'EUR', entries }, { model: 'target_cost', pain_share_pct: 0, gain_share_pct: 0 });
    expect(none.rows.map((r) => [r.supplierShare, r.clientShare])).toEqual([
      [0, 200],
      [0, -300],
    ]);
    const all = computeLedger({ currency: 'EUR', entries }, { model: 'target_cost', pain_share_pct: 100, gain_share_pct: 100 });
    expect(all.rows.map((r) => [r.supplierShare, r.clientShare])).toEqual([
      [200, 0],
      [-300, 0],
    ]);
  });

  it('currencies with 0 and 3 decimals (JPY, BHD) and rounding of odd cents', () => {
    expect(currencyDigits('JPY')).toBe(0);
    expect(currencyDigits('BHD')).toBe(3);
    expect(currencyDigits('EUR')).toBe(2);
    const jpy = computeLedger({ currency: 'JPY', entries: [{ period: 'A', target_cost: 1_000_000, actual_cost: 1_000_001 }] }, tc);
    expect(jpy.rows[0]).toMatchObject({ variance: 1, supplierShare: 1, clientShare: 0 });
    const bhd = computeLedger({ currency: 'BHD', entries: [{ period: 'A', target_cost: 10.001, actual_cost: 10.004 }] }, tc);
    expect(bhd.rows[0]).toMatchObject({ variance: 3, supplierShare: 2, clientShare: 1 });
    expect(toMinor(0.1 + 0.2, 2)).toBe(30);
    expect(share(-5, 50)).toBe(-3);
  });

  it('fixed price and T&M cap say what applies, and that pain/gain sharing does not', () => {
    const fixed = computeLedger(
      { currency: 'EUR', entries: [{ period: 'A', target_cost: 10, actual_cost: 12 }] },
      { model: 'fixed_per_iteration', fixed_price_per_iteration: 40000 },
    );
    expect(fixed.explanation).toContain('Pain/gain sharing does not apply');
    expect(fixed.fixedPrice).toBe(4_000_000);
    expect(fixed.rows[0]!.kind).toBe('not-shared');
    const tm = computeLedger(
      {
        currency: 'EUR',
        entries: [
          { period: 'A', target_cost: 10, actual_cost: 60 },
          { period: 'B', target_cost: 10, actual_cost: 50 },
        ],
      },
      { model: 'time_and_materials_cap', cap: 100 },
    );
    expect(tm.cap).toEqual({ cap: 10_000, spent: 11_000, reached: true, remaining: 0 });
    expect(tm.explanation).toContain('Pain/gain sharing does not apply');
  });

  it('formats money for a locale', () => {
    expect(formatMoney(5_125_050, 'EUR', 'en-GB')).toBe('€51,250.50');
    expect(formatMoney(1200, 'JPY', 'en-US')).toBe('¥1,200');
    expect(formatMoney(5_125_050, 'EUR', 'de-DE')).toBe('51.250,50\u00a0€');
  });

  it('property: shares always reconcile to the cent, and totals equal the sum of rows (fast-check)', () => {
    const amount = fc.integer({ min: 0, max: 1e11 }).map((n) => n / 100);
    const pct = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 100, noNaN: true }));
    fc.assert(
      fc.property(fc.array(fc.record({ period: fc.constant('P'), target_cost: amount, actual_cost: amount }), { maxLength: 40 }), pct, pct, (entries, p, g) => {
        const s = computeLedger({ currency: 'EUR', entries }, { model: 'target_cost', pain_share_pct: p, gain_share_pct: g });
        let sb = 0;
        for (const r of s.rows) {
          expect(r.supplierShare + r.clientShare).toBe(r.variance);
          expect(Number.isInteger(r.supplierShare)).toBe(true);
          expect(Math.abs(r.supplierShare)).toBeLessThanOrEqual(Math.abs(r.variance));
          sb -= r.supplierShare;
          expect(r.supplierBalance).toBe(sb);
        }
        expect(s.totals.supplierShare + s.totals.clientShare).toBe(s.totals.variance);
        expect(s.totals.variance).toBe(s.totals.actual - s.totals.target);
      }),
      { numRuns: 2000 },
    );
  });

  it('money words never carry a sign: totals over an overrun and a bigger saving say who is better off', () => {
    const s = computeLedger(
      {
        currency: 'EUR',
        entries: [
          { period: 'A', target_cost: 1000, actual_cost: 2000 },
          { period: 'B', target_cost: 2000, actual_cost: 1100 },
        ],
      },
      { model: 'target_cost', pain_share_pct: 50, gain_share_pct: 20 },
    );
    const m = (x: number) => formatMoney(x, 'EUR', 'en-GB');
    // overrun 1000 (supplier 500, client 500), saving 900 (supplier earns 180, client keeps 720): in all the client is 220 better off
    expect(s.totals).toMatchObject({ variance: 10_000, supplierShare: 32_000, clientShare: -22_000 });
    expect(shareInWords(totalRow(s.model, s.rows), m)).toBe('Supplier bears €320.00 net; client is €220.00 better off than target');
    expect(shareInWords(totalRow(s.model, s.rows), m, { inAll: true })).toBe(
      'In all, the supplier bears €320.00 net; client is €220.00 better off than target',
    );
    expect(shareInWords(s.rows[0]!, m, { inAll: true })).toBe('In all, the supplier bears €500.00 of the overrun; client bears €500.00');
    const flipped = computeLedger(
      {
        currency: 'EUR',
        entries: [
          { period: 'A', target_cost: 1000, actual_cost: 2000 },
          { period: 'B', target_cost: 2000, actual_cost: 1100 },
        ],
      },
      { model: 'target_cost', pain_share_pct: 10, gain_share_pct: 90 },
    );
    expect(shareInWords(totalRow(flipped.model, flipped.rows), m)).toBe('Supplier earns €710.00 net; client bears €810.00 net');
    expect(SIGN_LEGEND).toContain('better off');
  });

  it('property: no money words carry a minus sign, whatever the periods (fast-check)', () => {
    const amount = fc.integer({ min: 0, max: 1e9 }).map((n) => n / 100);
    const pct = fc.integer({ min: 0, max: 100 });
    const m = (x: number) => formatMoney(x, 'EUR', 'en-GB');
    fc.assert(
      fc.property(fc.array(fc.record({ period: fc.constant('P'), target_cost: amount, actual_cost: amount }), { maxLength: 12 }), pct, pct, (entries, p, g) => {
        const s = computeLedger({ currency: 'EUR', entries }, { model: 'target_cost', pain_share_pct: p, gain_share_pct: g });
        const words = [
          shareInWords(totalRow(s.model, s.rows), m),
          varianceInWords(s.totals.variance, m),
          ...s.rows.flatMap((r) => [shareInWords(r, m), balanceInWords(r.supplierBalance, m), varianceInWords(r.variance, m)]),
        ];
        for (const w of words) expect(w).not.toMatch(/[-−]\s*€|€\s*[-−]/);
      }),
      { numRuns: 500 },
    );
  });
});
