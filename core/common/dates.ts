/** Calendar dates as YYYY-MM-DD strings, compared without time zones. */
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

// the same few hundred dates are asked for again and again (every CR, every rule, every figure): remembered
const days = new Map<string, number | null>();

/** Days since 1970-01-01 for a valid YYYY-MM-DD date, else null (2025-02-30 is not a date). */
export function dayNumber(date: string): number | null {
  const known = days.get(date);
  if (known !== undefined) return known;
  const n = computeDay(date);
  if (days.size > 50_000) days.clear();
  days.set(date, n);
  return n;
}

function computeDay(date: string): number | null {
  const m = DATE_RE.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return Math.round(ms / 86_400_000);
}

export function isValidDate(date: string): boolean {
  return dayNumber(date) !== null;
}

/** Today's date as YYYY-MM-DD in UTC. */
export function todayIso(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** The date `days` after a YYYY-MM-DD date (negative for before). */
export function addDays(date: string, days: number): string {
  const n = dayNumber(date);
  if (n === null) throw new RangeError(`not a date: ${date}`);
  return new Date((n + days) * 86_400_000).toISOString().slice(0, 10);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "30 November 2026" for 2026-11-30 (what a reader says aloud); the input as it is when it is not a date. */
export function dateInWords(date: string): string {
  const m = DATE_RE.exec(date);
  if (!m || dayNumber(date) === null) return date;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

/** "20 Oct 2025, 16:00 UTC" for an ISO timestamp; the input as it is when it is not one. */
export function timeInWords(iso: string): string {
  const t = Date.parse(iso);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(iso) || Number.isNaN(t)) return iso;
  const d = new Date(t);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]!.slice(0, 3)} ${d.getUTCFullYear()}, ${hh}:${mm} UTC`;
}
