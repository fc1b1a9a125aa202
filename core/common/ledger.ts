/**
 * The incentive ledger's arithmetic, in integer minor units of the ledger's currency (cents, yen, fils), so totals
 * reconcile exactly. For incentives.model target_cost: variance = actual − target per period; an overrun is shared
 * pain (the supplier bears pain_share_pct of it, the client the rest), an underrun shared gain (the supplier earns
 * gain_share_pct of the saving, the client keeps the rest). The other models do not share pain or gain.
 */
import type { Ledger, MasterContract } from './model/schema-types.js';

export type IncentiveModel = MasterContract['incentives']['model'];

/** Decimal places of a currency's minor unit (EUR 2, JPY 0, BHD 3), from the platform's ISO 4217 data. */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** An amount in major units (as written in the file) to integer minor units, rounding half away from zero. */
export function toMinor(amount: number, digits: number): number {
  const scaled = amount * 10 ** digits;
  // 51250.5 * 100 = 5125050.000000001: strip float noise before rounding
  const cleaned = Number(scaled.toPrecision(15));
  return Math.sign(cleaned) * Math.round(Math.abs(cleaned));
}

export function fromMinor(minor: number, digits: number): number {
  return minor / 10 ** digits;
}

/** `pct` percent of `minor`, rounded half away from zero, in exact integer arithmetic (pct may have 6 decimals). */
export function share(minor: number, pct: number): number {
  const scale = BigInt(1_000_000);
  const p = BigInt(Math.round(pct * 1_000_000));
  const numerator = BigInt(Math.abs(minor)) * p;
  const denominator = BigInt(100) * scale;
  const q = numerator / denominator;
  const r = numerator % denominator;
  const rounded = r * BigInt(2) >= denominator ? q + BigInt(1) : q;
  return rounded === BigInt(0) ? 0 : Math.sign(minor) * Number(rounded);
}

export interface LedgerRow {
  period: string;
  target: number;
  actual: number;
  /** actual − target (minor units): positive is an overrun. */
  variance: number;
  kind: 'pain' | 'gain' | 'even' | 'not-shared';
  /** What the supplier bears (pain, positive) or earns (gain, negative) in this period. */
  supplierShare: number;
  /** What the client bears (pain, positive) or keeps (gain, negative). supplierShare + clientShare = variance. */
  clientShare: number;
  /** Running total of the supplier's net position so far: earned gain minus borne pain. */
  supplierBalance: number;
  clientBalance: number;
  note?: string;
}

export interface LedgerSummary {
  currency: string;
  digits: number;
  model: IncentiveModel;
  rows: LedgerRow[];
  totals: { target: number; actual: number; variance: number; supplierShare: number; clientShare: number };
  /** In plain words what applies, for models without pain/gain sharing too. */
  explanation: string;
  /** fixed_per_iteration: the price each period. */
  fixedPrice?: number;
  /** time_and_materials_cap: the cap, and whether cumulative actual cost has reached it. */
  cap?: { cap: number; spent: number; reached: boolean; remaining: number };
}

export interface Incentives {
  model: IncentiveModel;
  pain_share_pct?: number;
  gain_share_pct?: number;
  fixed_price_per_iteration?: number;
  cap?: number;
}

export function computeLedger(ledger: Pick<Ledger, 'currency' | 'entries'>, incentives: Incentives): LedgerSummary {
  const digits = currencyDigits(ledger.currency);
  const rows: LedgerRow[] = [];
  let supplierBalance = 0;
  let clientBalance = 0;
  const shared = incentives.model === 'target_cost';
  const pain = incentives.pain_share_pct ?? 0;
  const gain = incentives.gain_share_pct ?? 0;
  const totals = { target: 0, actual: 0, variance: 0, supplierShare: 0, clientShare: 0 };
  for (const e of ledger.entries) {
    const target = toMinor(e.target_cost, digits);
    const actual = toMinor(e.actual_cost, digits);
    const variance = actual - target;
    let supplierShare = 0;
    let kind: LedgerRow['kind'] = shared ? 'even' : 'not-shared';
    if (shared && variance > 0) {
      kind = 'pain';
      supplierShare = share(variance, pain);
    } else if (shared && variance < 0) {
      kind = 'gain';
      supplierShare = share(variance, gain); // negative: the supplier earns
    }
    const clientShare = shared ? variance - supplierShare : variance;
    supplierBalance -= supplierShare;
    clientBalance -= clientShare;
    rows.push({ period: e.period, target, actual, variance, kind, supplierShare, clientShare, supplierBalance, clientBalance, note: e.note });
    totals.target += target;
    totals.actual += actual;
    totals.variance += variance;
    totals.supplierShare += supplierShare;
    totals.clientShare += clientShare;
  }
  const summary: LedgerSummary = { currency: ledger.currency, digits, model: incentives.model, rows, totals, explanation: '' };
  if (incentives.model === 'target_cost') {
    summary.explanation = `Target cost: the supplier bears ${pain}% of an overrun and earns ${gain}% of a saving; the client takes the rest.`;
  } else if (incentives.model === 'fixed_per_iteration') {
    const price = incentives.fixed_price_per_iteration;
    if (price !== undefined) summary.fixedPrice = toMinor(price, digits);
    summary.explanation = `Fixed price per iteration${price !== undefined ? ` (${price} ${ledger.currency})` : ''}: the client pays the fixed price; overruns and savings are the supplier's. Pain/gain sharing does not apply.`;
  } else {
    const cap = incentives.cap;
    if (cap !== undefined) {
      const c = toMinor(cap, digits);
      summary.cap = { cap: c, spent: totals.actual, reached: totals.actual >= c, remaining: Math.max(0, c - totals.actual) };
    }
    summary.explanation = `Time and materials up to a cap${cap !== undefined ? ` of ${cap} ${ledger.currency}` : ''}: the client pays actual cost until the cap is reached, the supplier beyond it. Pain/gain sharing does not apply.`;
  }
  return summary;
}

/** An amount in minor units formatted for a locale, e.g. "€51,250.50" or "¥1,200". */
export function formatMoney(minor: number, currency: string, locale?: string): string {
  const digits = currencyDigits(currency);
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
      fromMinor(minor, digits),
    );
  } catch {
    return `${fromMinor(minor, digits).toFixed(digits)} ${currency}`;
  }
}

/** The one sign legend, shown wherever ledger amounts are: amounts are shown without signs, and words say who pays. */
export const SIGN_LEGEND =
  'Amounts carry no sign. An overrun is actual cost above target, a saving is actual cost below it; the words say who bears or earns what, and who is better off than target.';

/** An amount as the words around it say it: never with a sign (the words carry the direction). */
const unsigned = (money: (minor: number) => string, minor: number) => money(Math.abs(minor));

/** What a period's variance means, in words: "Overrun of €3,250.50", "Saving of €1,999.50", "On target". */
export function varianceInWords(variance: number, money: (minor: number) => string): string {
  return variance > 0 ? `Overrun of ${unsigned(money, variance)}` : variance < 0 ? `Saving of ${unsigned(money, variance)}` : 'On target';
}

/** One party's net share over periods whose overruns and savings do not all go one way: what it bears, or how much better off it is. */
function netInWords(party: 'supplier' | 'client', share: number, money: (minor: number) => string): string {
  if (share > 0) return `${party} bears ${unsigned(money, share)} net`;
  if (share < 0) return party === 'supplier' ? `supplier earns ${unsigned(money, share)} net` : `client is ${unsigned(money, share)} better off than target`;
  return party === 'supplier' ? 'supplier bears and earns nothing net' : 'client is even with target';
}

/**
 * Who bears or earns a period's variance (or that of several, `totalRow`): "Supplier bears €1,625.25 of the overrun;
 * client bears €1,625.25", "Supplier earns €999.75 of the saving; client keeps €999.75". Over periods of overruns and
 * savings the shares may go opposite ways: "Supplier bears €320.00 net; client is €220.00 better off than target".
 * Never a signed amount. `inAll` starts it "In all, the supplier ..." (under a table of periods).
 */
export function shareInWords(
  row: Pick<LedgerRow, 'kind' | 'supplierShare' | 'clientShare' | 'variance'>,
  money: (minor: number) => string,
  options: { inAll?: boolean } = {},
): string {
  const lead = (text: string) => (options.inAll ? `In all, the ${text}` : `${text.charAt(0).toUpperCase()}${text.slice(1)}`);
  const { supplierShare: s, clientShare: c } = row;
  switch (row.kind) {
    case 'pain':
      if (s >= 0 && c >= 0) return lead(`supplier bears ${unsigned(money, s)} of the overrun; client bears ${unsigned(money, c)}`);
      return lead(`${netInWords('supplier', s, money)}; ${netInWords('client', c, money)}`);
    case 'gain':
      if (s <= 0 && c <= 0) return lead(`supplier earns ${unsigned(money, s)} of the saving; client keeps ${unsigned(money, c)}`);
      return lead(`${netInWords('supplier', s, money)}; ${netInWords('client', c, money)}`);
    case 'even':
      if (s !== 0 || c !== 0) return lead(`${netInWords('supplier', s, money)}; ${netInWords('client', c, money)}`);
      return options.inAll ? 'In all, on target: nothing to share' : 'On target: nothing to share';
    default:
      return row.variance === 0 ? 'On target' : `Not shared: ${varianceInWords(row.variance, money).toLowerCase()} under this pricing model`;
  }
}

/** The supplier's net position so far (earned gain minus borne pain), in words. */
export function balanceInWords(supplierBalance: number, money: (minor: number) => string): string {
  return supplierBalance > 0
    ? `Supplier is ${unsigned(money, supplierBalance)} ahead (net earned)`
    : supplierBalance < 0
      ? `Supplier has borne ${unsigned(money, supplierBalance)} net`
      : 'Even: nothing borne or earned net';
}

/** Totals over some periods as a row of their own (kind, variance, shares), to say them in words like one period. */
export function totalRow(
  model: IncentiveModel,
  rows: readonly Pick<LedgerRow, 'variance' | 'supplierShare' | 'clientShare'>[],
): Pick<LedgerRow, 'kind' | 'variance' | 'supplierShare' | 'clientShare'> {
  const sum = (k: 'variance' | 'supplierShare' | 'clientShare') => rows.reduce((n, r) => n + r[k], 0);
  const variance = sum('variance');
  const kind = model !== 'target_cost' ? 'not-shared' : variance > 0 ? 'pain' : variance < 0 ? 'gain' : 'even';
  return { kind, variance, supplierShare: sum('supplierShare'), clientShare: sum('clientShare') };
}
