/**
 * Which master contract was in force on a day: the versions git holds of contracts/master_contract.yaml, each in
 * force from the day it was committed (or its effective_date, when that is later), so that a change request decided
 * on that day is judged against the thresholds of its time, not today's.
 */
import { dayNumber } from '../dates.js';
import type { ChangeThresholds } from '../thresholds.js';

/** One committed version of the master contract (read from git history by core/node). */
export interface MasterVersion {
  commit: string;
  /** The day it was committed (author date), YYYY-MM-DD. */
  date: string;
  /** meta.id, when readable. */
  id: string | null;
  effectiveDate: string | null;
  /** Null when that version's thresholds were missing or not numbers. */
  thresholds: ChangeThresholds | null;
  /** When it was committed (ISO), for the trust root (trust.ts). */
  committedAt?: string;
  /** The master as parsed at that commit: its members, keys and approvals, for the trust root. */
  value?: unknown;
  /** The commit's signature, read when the commit adds an approval of the master. */
  signature?: { signature: 'valid' | 'none' | 'bad'; signerKey: string | null; reason?: string };
}

/** The master a verdict was computed against, named so that every output can say which. */
export interface MasterInForce {
  thresholds: ChangeThresholds | null;
  /** Full commit id of the version used; null for the working file. */
  commit: string | null;
  /** "master-2025-10 at 3f2a1b0 (committed 2025-10-11)" or "master-2025-10 as saved (not committed; effective 2025-10-11)". */
  label: string;
}

export function sameThresholds(a: ChangeThresholds | null | undefined, b: ChangeThresholds | null | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.budget_delta_pct_major === b.budget_delta_pct_major &&
    a.schedule_slip_days_major === b.schedule_slip_days_major &&
    a.risk_score_major === b.risk_score_major
  );
}

export function versionLabel(v: MasterVersion): string {
  return `${v.id ?? 'master contract'} at ${v.commit.slice(0, 7)} (committed ${v.date})`;
}

/** The day a version takes effect: its commit day, or its effective_date when that is later. */
function inForceFrom(v: MasterVersion): number {
  const committed = dayNumber(v.date) ?? 0;
  const effective = v.effectiveDate ? dayNumber(v.effectiveDate) : null;
  return effective !== null && effective > committed ? effective : committed;
}

/**
 * The version in force on `day` (YYYY-MM-DD): the latest committed version in force by then; when the decision came
 * before the first commit, the first version (the earliest the history knows). Null without committed versions.
 */
export function versionOn(versions: readonly MasterVersion[], day: string): { version: MasterVersion; label: string } | null {
  const d = dayNumber(day);
  if (versions.length === 0 || d === null) return null;
  let found: MasterVersion | null = null;
  for (const v of versions) if (inForceFrom(v) <= d) found = v;
  if (found) return { version: found, label: versionLabel(found) };
  // decided before the master was first committed (a contract brought into git later): its first version
  const first = versions[0]!;
  return { version: first, label: `${versionLabel(first)}, the first committed version (none is older than ${day})` };
}
