/**
 * Who may sign: the trust root. The members, keys, roles and decision rights that count for an approval are those of
 * the master contract as last approved by its parties (every signature the governance decision right needs, made by
 * members of the master trusted before, over that very version), not as the working tree has them. Until a version
 * is approved, they are the master's first commit (trust on first use); without any commit, the master as saved. So
 * a member or key added by a change nobody approved never signs anything that counts. Pure: git's side (each
 * version's text and its commit's signature) is read by core/node (git/history.ts).
 */
import { fieldChanges } from './redline.js';
import { sshKeyProblem } from './ssh-key.js';
import type { MasterContract } from './model/schema-types.js';

export type Member = NonNullable<MasterContract['governance']['members']>[number];
export type Right = MasterContract['governance']['decision_rights'][number];

/** One committed version of the master as trust reads it (core/node: git/history.ts masterHistoryOf). */
export interface TrustVersion {
  commit: string;
  /** When it was committed (ISO). */
  committedAt: string;
  /** The master as parsed at that commit (loosely: an old version may not pass today's schema). */
  value: unknown;
  /** The signature of the commit, read only when it adds an approval to the master. */
  signature?: { signature: 'valid' | 'none' | 'bad'; signerKey: string | null; reason?: string };
}

/** What the parties' signatures require: each role of all_of, or one of any_of. */
export interface Requirement {
  /** The decision-rights area it comes from (scope, sow, governance ...), or 'parties' for a master without one. */
  area: string;
  mode: 'all_of' | 'any_of';
  roles: string[];
}

export interface Trust {
  /** approved: signed by the parties; first-commit: trust on first use; as-saved: no committed master at all. */
  basis: 'approved' | 'first-commit' | 'as-saved';
  commit: string | null;
  members: readonly Member[];
  rights: readonly Right[];
  /** The parties' roles (meta.parties). */
  parties: readonly string[];
  approvedBy: { member: string; role: string }[];
  /** In words, for verify and the document view. */
  label: string;
}

const obj = (v: unknown): Record<string, unknown> | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): v is string => typeof v === 'string';

/** A master's governance read loosely (a version in history may not pass the schema of today). */
export function governanceOf(value: unknown): { id: string | null; members: Member[]; rights: Right[]; parties: string[] } {
  const m = obj(value);
  const gov = obj(m?.governance);
  const members = list(gov?.members)
    .map(obj)
    .filter((x): x is Record<string, unknown> => !!x && str(x.id) && str(x.name))
    .map((x) => ({ ...x, roles: list(x.roles).filter(str) }) as Member);
  const rights = list(gov?.decision_rights)
    .map(obj)
    .filter((x): x is Record<string, unknown> => !!x && str(x.area) && str(x.owner)) as unknown as Right[];
  const parties = list(obj(m?.meta)?.parties)
    .map((p) => obj(p)?.role)
    .filter(str);
  const id = obj(m?.meta)?.id;
  return { id: str(id) ? id : null, members, rights, parties };
}

export const holdsRole = (member: Member, role: string) => member.id === role || member.roles.includes(role);

/**
 * What a decision needs: a CR its area's right; a SOW the `sow` right, else `scope`; the master the `governance`
 * right, else all of its parties. A right without approvers: one member holding its owner role.
 */
export function requirementFor(trust: Pick<Trust, 'rights' | 'parties'>, kind: 'cr' | 'sow' | 'master', area = 'scope'): Requirement | null {
  const find = (a: string) => trust.rights.find((r) => r.area === a);
  const right = kind === 'cr' ? find(area) : kind === 'sow' ? (find('sow') ?? find('scope')) : find('governance');
  if (!right) return kind === 'master' && trust.parties.length ? { area: 'parties', mode: 'all_of', roles: [...new Set(trust.parties)] } : null;
  const a = right.approvers;
  if (a && 'all_of' in a && a.all_of?.length) return { area: right.area, mode: 'all_of', roles: [...new Set(a.all_of)] };
  if (a && 'any_of' in a && a.any_of?.length) return { area: right.area, mode: 'any_of', roles: [...new Set(a.any_of)] };
  return { area: right.area, mode: 'any_of', roles: [right.owner] };
}

/** "client and supplier" (all of) or "client or supplier" (any of). */
export function requirementText(r: Requirement): string {
  if (r.roles.length === 1) return r.roles[0]!;
  return `${r.roles.slice(0, -1).join(', ')} ${r.mode === 'all_of' ? 'and' : 'or'} ${r.roles.at(-1)}`;
}

const keyOf = (line: string | undefined | null) => (line ? line.trim().split(/\s+/).slice(0, 2).join(' ') : null);

/**
 * Whether `signerKey` may sign for the member at `signedAt` (ISO): their ssh_key; a retired key before its day; never
 * a revoked one. Null when it may; else why not, with a status.
 */
export function keyRefusal(
  member: Member,
  signerKey: string | null,
  signedAt: string | undefined,
): { status: 'wrong-key' | 'retired-key'; why: string } | null {
  const signer = keyOf(signerKey);
  if (signer && signer === keyOf(member.ssh_key)) {
    const weak = sshKeyProblem(member.ssh_key!);
    return weak ? { status: 'wrong-key', why: `${member.name}'s ssh_key cannot sign: ${weak}` } : null;
  }
  const retired = (member.retired_keys ?? []).find((k) => keyOf(k.key) === signer);
  if (!retired) return { status: 'wrong-key', why: `signed with another key than ${member.name}'s (${member.id}'s ssh_key)` };
  if (retired.revoked) return { status: 'retired-key', why: `signed with a key of ${member.name} that is revoked: no signature made with it holds` };
  const weak = sshKeyProblem(retired.key);
  if (weak) return { status: 'wrong-key', why: `${member.name}'s retired key cannot sign: ${weak}` };
  if (!signedAt || signedAt.slice(0, 10) >= retired.from)
    return { status: 'retired-key', why: `signed with a key of ${member.name} retired from ${retired.from}, on ${signedAt?.slice(0, 10) ?? 'an unknown day'}` };
  return null;
}

interface Pending {
  member: string;
  role: string | null;
  at: string;
  outcome: string;
  version: TrustVersion;
}

/** The master versions' approvals that hold for `v`: by trusted members with their keys, in a required role, over v's content. */
function holding(pending: readonly Pending[], v: TrustVersion, trusted: Trust, req: Requirement): { member: string; role: string }[] {
  const out: { member: string; role: string }[] = [];
  for (const p of pending) {
    if (p.outcome !== 'approved') continue;
    const member = trusted.members.find((m) => m.id === p.member);
    const sig = p.version.signature;
    if (!member || !sig || sig.signature !== 'valid' || keyRefusal(member, sig.signerKey, p.version.committedAt)) continue;
    const role = p.role ?? req.roles.find((r) => holdsRole(member, r));
    if (!role || !req.roles.includes(role) || !holdsRole(member, role)) continue;
    if (fieldChanges(p.version.value, v.value, ['approvals']).length) continue; // signed an earlier version
    out.push({ member: member.id, role });
  }
  return out;
}

export function satisfied(req: Requirement, signed: readonly { role: string }[]): boolean {
  return req.mode === 'all_of' ? req.roles.every((r) => signed.some((s) => s.role === r)) : signed.some((s) => req.roles.includes(s.role));
}

function trustOf(v: TrustVersion, basis: Trust['basis'], approvedBy: Trust['approvedBy']): Trust {
  const g = governanceOf(v.value);
  const name = `${g.id ?? 'the master contract'} at ${v.commit.slice(0, 7)}`;
  const by = (m: { member: string; role: string }) => `${g.members.find((x) => x.id === m.member)?.name ?? m.member} (${m.role})`;
  const label =
    basis === 'approved'
      ? `${name}, approved by ${approvedBy.map(by).join(' and ')} on ${v.committedAt.slice(0, 10)}`
      : `${name}, its first commit (trust on first use: no version is approved by the parties yet; covenant approve master)`;
  return { basis, commit: v.commit, members: g.members, rights: g.rights, parties: g.parties, approvedBy, label };
}

/**
 * The trust root from the master's committed versions (oldest first): the latest version every required party
 * signed, each signer a member of the version trusted before it (its governance decides what is required). With no
 * committed version: the master as saved (`working`).
 */
export function trustRoot(versions: readonly TrustVersion[], working: unknown): Trust {
  if (versions.length === 0) {
    const g = governanceOf(working);
    const label = `${g.id ?? 'the master contract'} as saved (not committed: its members count as they stand until it is committed and approved)`;
    return { basis: 'as-saved', commit: null, members: g.members, rights: g.rights, parties: g.parties, approvedBy: [], label };
  }
  let trusted = trustOf(versions[0]!, 'first-commit', []);
  let pending: Pending[] = [];
  for (const v of versions) {
    const entries = list(obj(v.value)?.approvals)
      .map(obj)
      .filter((a): a is Record<string, unknown> => !!a && str(a.member) && str(a.at));
    // an entry is signed by the commit that first holds it; entries removed from the file drop out
    pending = entries.map((a) => {
      const known = pending.find((p) => p.member === a.member && p.at === a.at);
      return (
        known ?? {
          member: a.member as string,
          role: str(a.role) ? a.role : null,
          at: a.at as string,
          outcome: str(a.outcome) ? a.outcome : 'approved',
          version: v,
        }
      );
    });
    const req = requirementFor(trusted, 'master');
    if (!req) continue;
    const signed = holding(pending, v, trusted, req);
    if (satisfied(req, signed)) trusted = trustOf(v, 'approved', signed);
  }
  return trusted;
}
