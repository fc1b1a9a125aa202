/**
 * Approvals checked, not trusted. An approval entry holds when the commit that added it is signed (over that very
 * commit) with a key the trust root (trust.ts) holds for the member it names, the member holds a role the decision
 * right needs, its date can be true, and what it signed still stands. A document's state (approved, rejected,
 * withdrawn, or awaiting roles) is derived from the entries that hold, never from a typed status. Git's side (which
 * commit added each entry, its signature) is read by core/node; the judgement is here, pure, for the validator, the
 * figures, the document view, the PDF and `covenant verify`: one set of words everywhere.
 */
import { describeChange, fieldChanges } from './redline.js';
import { holdsRole, keyRefusal, requirementFor, requirementText, satisfied, type Member, type Requirement, type Trust } from './trust.js';
import type { ContractModel, Doc } from './model/contract.js';
import type { ChangeRequest, MasterContract, Sow } from './model/schema-types.js';

/** What git says about one approval entry: the commit that added it, and whose key signed it. */
export interface SignatureFact {
  /** Index of the entry in the file's approvals. */
  index: number;
  member: string;
  at: string;
  /** The commit that added the entry; null while it is not committed. */
  commit: string | null;
  signature: 'valid' | 'none' | 'bad' | 'uncommitted';
  /** The public key (type and base64) the signature was made with, when it verified. */
  signerKey: string | null;
  /** Why a signature is bad, in words. */
  reason?: string;
  /** The file as the signed commit has it (parsed): what the signature covers, compared with the file as it stands. */
  signedValue?: unknown;
  /** When the commit that added the entry was made (ISO), for approvals dated ahead of their signature. */
  signedAt?: string;
}

/** Fields that move after an approval by the workflow itself, not by changing what was agreed. */
export const APPROVAL_IGNORES = ['approvals', 'reviews', 'decision', 'addendum', 'links'] as const;

/** The verdict on one approval, in the words `covenant verify --format json` gives. */
export type ApprovalStatus =
  'holds' | 'stale' | 'uncommitted' | 'unsigned' | 'replayed' | 'misdated' | 'wrong-key' | 'retired-key' | 'not-a-member' | 'no-key' | 'role-missing';

/** The same words in every output (CLI, document view, dashboard, PDF). */
export const STATUS_WORDS: Record<ApprovalStatus, string> = {
  holds: 'holds',
  stale: 'stale',
  uncommitted: 'not committed',
  unsigned: 'unsigned',
  replayed: 'replayed',
  misdated: 'misdated',
  'wrong-key': 'wrong key',
  'retired-key': 'retired key',
  'not-a-member': 'not a member',
  'no-key': 'no key',
  'role-missing': 'role missing',
};

export type DocKind = 'cr' | 'sow' | 'master';
type Approvable = Doc<ChangeRequest> | Doc<Sow> | Doc<MasterContract>;
type Outcome = 'approved' | 'rejected' | 'withdrawn';

export interface ApprovalCheck {
  file: string;
  index: number;
  member: string;
  role: string | null;
  outcome: Outcome;
  at: string;
  commit: string | null;
  status: ApprovalStatus;
  /** In words: what holds or what is wrong. */
  message: string;
}

/** A document's decision as its signatures make it. */
export interface ApprovalState {
  file: string;
  id: string;
  kind: DocKind;
  requirement: Requirement | null;
  /** "client and supplier", or why nothing is required. */
  needs: string;
  checks: ApprovalCheck[];
  /** Holding approvals, by the role they count for. */
  signed: { member: string; name: string; role: string }[];
  /** Roles whose signature is still needed (all of them for all_of; any one for any_of). */
  awaited: string[];
  /** Trusted members who could sign an awaited role. */
  awaitedMembers: string[];
  /** What the holding signatures decide; null while the decision is open. */
  outcome: Outcome | null;
  /** "approved: signed by Ana Client (client) and Sam Supplier (supplier)" / "awaited: supplier (signed by ...)". */
  words: string;
}

/** Why an approval's date cannot be true: after the commit that signed it (10 minutes of clock skew allowed), or
 * before the change it approves was created. Null when it can be. */
function misdated(at: string, signedAt: string | undefined, created: string | undefined): string | null {
  const when = Date.parse(at);
  const signed = signedAt ? Date.parse(signedAt) : NaN;
  if (Number.isFinite(when) && Number.isFinite(signed) && when > signed + 10 * 60_000)
    return `is dated ${at}, after the commit that signed it (${signedAt}): nobody signs ahead of time`;
  if (created && Number.isFinite(when) && at.slice(0, 10) < created) return `is dated ${at}, before the change was proposed (${created})`;
  return null;
}

const kindOf = (model: ContractModel, doc: Approvable): DocKind =>
  doc === model.master ? 'master' : model.crs.includes(doc as Doc<ChangeRequest>) ? 'cr' : 'sow';

/** What a document's decision needs, from the trust root's decision rights (the master's, for the master itself). */
export function requirementOf(model: ContractModel, doc: Approvable, kind: DocKind = kindOf(model, doc)): Requirement | null {
  return requirementFor(model.trust(), kind, kind === 'cr' ? model.areaOf(doc as Doc<ChangeRequest>) : undefined);
}

interface Judge {
  model: ContractModel;
  trust: Trust;
  doc: Approvable;
  kind: DocKind;
  req: Requirement | null;
}

/** The role an entry counts for: its role, or the first required role the member holds; withdrawals also the requestor. */
function countsAs(j: Judge, member: Member, role: string | undefined, outcome: Outcome): { role: string } | { missing: string } {
  const requestor = j.kind === 'cr' ? (j.doc as Doc<ChangeRequest>).data.requestor : null;
  const allowed = [...(j.req?.roles ?? []), ...(outcome === 'withdrawn' && requestor ? [requestor] : [])];
  const held = (member.roles.length ? member.roles : ['no roles']).join(', ');
  if (role && !holdsRole(member, role)) return { missing: `${member.name} signs as ${role}, a role ${member.id} does not hold (${held})` };
  if (!j.req) return { role: role ?? member.roles[0] ?? member.id };
  const as = role ?? allowed.find((r) => holdsRole(member, r));
  if (!as || !allowed.includes(as))
    return {
      missing: `decisions ${j.kind === 'master' ? 'on the master contract' : `in the ${j.req.area} area`} need ${requirementText(j.req)}; ${member.name} (${held}) ${role ? `signs as ${role}` : j.req.roles.length === 1 ? 'does not hold it' : 'holds none of them'}`,
    };
  return { role: as };
}

function judge(j: Judge, index: number, fact: SignatureFact | undefined): ApprovalCheck {
  const a = j.doc.data.approvals![index]!;
  const outcome: Outcome = (a as { outcome?: Outcome }).outcome ?? 'approved';
  const base = { file: j.doc.path, index, member: a.member, role: a.role ?? null, outcome, at: a.at, commit: fact?.commit ?? null };
  const verdict = (status: ApprovalStatus, message: string): ApprovalCheck => ({ ...base, status, message });
  const member = j.trust.members.find((m) => m.id === a.member);
  const short = fact?.commit ? fact.commit.slice(0, 7) : '';
  if (!member)
    return verdict(
      'not-a-member',
      j.model.member(a.member)
        ? `${j.model.member(a.member)!.name} (${a.member}) is a member only in the master as saved, added by a change the parties have not approved; the members that count are those of ${j.trust.label}.`
        : `${a.member} is no member of governance.members (${j.trust.label}).`,
    );
  if (!member.ssh_key && !member.retired_keys?.length)
    return verdict('no-key', `${member.name} (${a.member}) has no ssh_key in ${j.trust.label}, so no decision of theirs can be checked.`);
  if (!fact || fact.signature === 'uncommitted')
    return verdict('uncommitted', `The approval by ${member.name} is not committed: approve with covenant approve or the app, which commit it signed.`);
  if (fact.signature === 'none') return verdict('unsigned', `Commit ${short} that adds the approval by ${member.name} is not signed.`);
  if (fact.signature === 'bad')
    return verdict(
      'replayed',
      `The signature on commit ${short} does not cover that commit (copied from another commit, or altered)${fact.reason ? `: ${fact.reason}` : ''}.`,
    );
  const refused = keyRefusal(member, fact.signerKey, fact.signedAt);
  if (refused) {
    const working = j.model.member(a.member)?.ssh_key;
    const tampered = refused.status === 'wrong-key' && working && working.split(/\s+/)[1] === fact.signerKey?.split(/\s+/)[1];
    return verdict(
      refused.status,
      tampered
        ? `Commit ${short} is signed with the key the master as saved gives ${a.member}, which ${j.trust.label} does not hold: a key changed by a change the parties have not approved never signs.`
        : `Commit ${short} is ${refused.why}.`,
    );
  }
  const as = countsAs(j, member, a.role, outcome);
  if ('missing' in as) return verdict('role-missing', `${as.missing[0]!.toUpperCase()}${as.missing.slice(1)}.`);
  const dated = misdated(a.at, fact.signedAt, j.kind === 'cr' ? (j.doc as Doc<ChangeRequest>).data.created : undefined);
  if (dated) return verdict('misdated', `${member.name}'s approval ${dated}.`);
  // bound to content: a change to what was agreed after the signature (parsed values: comments and layout do not
  // count) means the signature covers an earlier version, and it no longer holds
  const ignores = j.kind === 'master' ? ['approvals'] : APPROVAL_IGNORES;
  const changed = fact.signedValue === undefined ? [] : fieldChanges(fact.signedValue, j.doc.data, ignores);
  if (changed.length) {
    const more = changed.length > 5 ? `; and ${changed.length - 5} more` : '';
    return verdict(
      'stale',
      `${member.name} approved an earlier version (commit ${short}); changed since: ${changed.slice(0, 5).map(describeChange).join('; ')}${more}.`,
    );
  }
  const did = outcome === 'approved' ? 'Signed' : outcome === 'rejected' ? 'Rejection signed' : 'Withdrawal signed';
  return { ...verdict('holds', `${did} by ${member.name} with their key in commit ${short}, as ${as.role}.`), role: as.role };
}

/** Every approval of one document judged: signature facts from git (absent: none read, so nothing is proven). */
export function checkApprovals(model: ContractModel, doc: Approvable, facts: readonly SignatureFact[] | undefined): ApprovalCheck[] {
  const kind = kindOf(model, doc);
  const j: Judge = { model, trust: model.trust(), doc, kind, req: requirementOf(model, doc, kind) };
  return (doc.data.approvals ?? []).map((a, index) =>
    judge(
      j,
      index,
      facts?.find((f) => f.index === index && f.member === a.member && f.at === a.at),
    ),
  );
}

/** A document's decision from its signatures: what is needed, who signed, who is awaited, and in words. */
export function approvalState(model: ContractModel, doc: Approvable, facts: readonly SignatureFact[] | undefined): ApprovalState {
  const kind = kindOf(model, doc);
  const req = requirementOf(model, doc, kind);
  const checks = checkApprovals(model, doc, facts);
  const trust = model.trust();
  const name = (id: string) => trust.members.find((m) => m.id === id)?.name ?? id;
  const holding = checks.filter((c) => c.status === 'holds');
  const signed = holding.filter((c) => c.outcome === 'approved').map((c) => ({ member: c.member, name: name(c.member), role: c.role! }));
  const closing = holding.find((c) => c.outcome !== 'approved');
  const approved = req !== null && satisfied(req, signed);
  const outcome: Outcome | null = closing ? closing.outcome : approved ? 'approved' : null;
  const awaited = outcome || !req ? [] : req.mode === 'all_of' ? req.roles.filter((r) => !signed.some((s) => s.role === r)) : req.roles;
  const awaitedMembers = trust.members.filter((m) => awaited.some((r) => holdsRole(m, r)) && !signed.some((s) => s.member === m.id)).map((m) => m.id);
  const who = (list: { name: string; role: string }[]) => list.map((s) => `${s.name} (${s.role})`).join(' and ');
  const needs = req
    ? requirementText(req)
    : kind === 'master'
      ? 'nobody: the master names no parties and no governance decision right'
      : 'unknown: no decision right for this area';
  let words: string;
  if (closing) words = `${closing.outcome}: signed by ${name(closing.member)} (${closing.role})`;
  else if (approved) words = `approved: signed by ${who(signed)}`;
  else if (!req) words = `no decision right: ${needs}`;
  else words = `awaited: ${awaited.join(req.mode === 'all_of' ? ', ' : ' or ')}${signed.length ? ` (signed by ${who(signed)})` : ''}`;
  return { file: doc.path, id: kind === 'master' ? 'master' : doc.id, kind, requirement: req, needs, checks, signed, awaited, awaitedMembers, outcome, words };
}

/** Every approvable document's state (the master, CRs, SOWs), in that order. */
export function allApprovalStates(model: ContractModel, facts: ReadonlyMap<string, readonly SignatureFact[]> | undefined): ApprovalState[] {
  const docs: Approvable[] = [...(model.master ? [model.master] : []), ...model.crs, ...model.sows];
  return docs.map((d) => approvalState(model, d, facts?.get(d.path)));
}

/** Every approval in the workspace judged (master, CRs, SOWs), in file order. */
export function allApprovalChecks(model: ContractModel, facts: ReadonlyMap<string, readonly SignatureFact[]> | undefined): ApprovalCheck[] {
  return allApprovalStates(model, facts).flatMap((s) => s.checks);
}

/** Where the files and the proof disagree: a decision typed without the signatures it needs, or master members and
 * keys that differ from the trust root (they count once the parties approve that version). */
export interface ApprovalFinding {
  file: string;
  code: 'decision-unsigned' | 'member-unapproved';
  at: (string | number)[];
  message: string;
}

function decisionFinding(model: ContractModel, cr: Doc<ChangeRequest>, state: ApprovalState): ApprovalFinding | null {
  const typed = cr.data.decision.status;
  const derived = state.outcome ?? 'proposed';
  if (typed === derived || !state.requirement) return null;
  const at = ['decision', 'status'];
  const signedBy = state.signed.map((s) => `${s.name} (${s.role})`).join(' and ');
  let message: string;
  if (typed === 'proposed')
    message = `The signatures make ${cr.id} ${derived} (${state.words.replace(/^\w+: /, '')}), but its decision.status still says proposed: set it to ${derived}, as covenant approve does.`;
  else if (typed === 'approved')
    message = state.outcome
      ? `${cr.id} says approved, but its signatures say ${state.words}.`
      : `${cr.id} says approved, but ${signedBy ? `it awaits ${state.awaited.join(state.requirement.mode === 'all_of' ? ' and ' : ' or ')} (signed by ${signedBy})` : state.checks.length ? `no signature holds (${state.checks.map((c) => `${c.member}: ${STATUS_WORDS[c.status]}`).join('; ')}; it needs ${state.needs})` : `nobody has signed (it needs ${state.needs})`}: approve with covenant approve or the app.`;
  else
    message = `${cr.id} says ${typed}, but no ${typed === 'rejected' ? 'rejection' : 'withdrawal'} is signed${state.outcome ? ` (its signatures say ${state.words})` : ''}: sign it with covenant approve --outcome ${typed === 'rejected' ? 'reject' : 'withdraw'}.`;
  return model.trust().members.length ? { file: cr.path, code: 'decision-unsigned', at, message } : null;
}

const keyBody = (k: string | undefined) => k?.trim().split(/\s+/)[1] ?? null;

function memberFindings(model: ContractModel): ApprovalFinding[] {
  const trust = model.trust();
  const master = model.master;
  if (!master || trust.basis === 'as-saved') return [];
  const out: ApprovalFinding[] = [];
  const root = `the approved master (${trust.label})`;
  const pending = 'it counts once the parties approve this version (covenant approve master)';
  model.members().forEach((m, i) => {
    const t = trust.members.find((x) => x.id === m.id);
    const at = ['governance', 'members', i];
    const push = (field: string, message: string) => out.push({ file: master.path, code: 'member-unapproved', at: [...at, field], message });
    if (!t) return push('id', `Member ${m.id} is not in ${root}: no signature of theirs counts until then; ${pending}.`);
    if (keyBody(t.ssh_key) !== keyBody(m.ssh_key))
      push('ssh_key', `${m.name}'s ssh_key differs from the one in ${root}: signatures count with that one; ${pending}.`);
    const roles = (r: readonly string[]) => [...r].sort().join(',');
    if (roles(t.roles) !== roles(m.roles))
      push('roles', `${m.name}'s roles differ from ${root} (${t.roles.join(', ') || 'none'}): approvals are judged by those; ${pending}.`);
  });
  if (JSON.stringify(trust.rights) !== JSON.stringify(master.data.governance.decision_rights))
    out.push({
      file: master.path,
      code: 'member-unapproved',
      at: ['governance', 'decision_rights'],
      message: `The decision rights differ from ${root}: approvals are judged by those until the parties approve this version (covenant approve master).`,
    });
  return out;
}

/** Every disagreement between the files and the proof (for the validator and `covenant verify`). */
export function approvalFindings(model: ContractModel, states: readonly ApprovalState[]): ApprovalFinding[] {
  const out: ApprovalFinding[] = [];
  for (const s of states) {
    const cr = s.kind === 'cr' ? model.crs.find((c) => c.path === s.file) : undefined;
    const f = cr ? decisionFinding(model, cr, s) : null;
    if (f) out.push(f);
  }
  return [...memberFindings(model), ...out];
}

export const APPROVAL_COLUMNS = ['Member', 'As', 'Decision', 'Status', 'Covers'] as const;

/** One row per approval, the same in the document view and the PDF: who, as what, what, how it stands, what it covers. */
export function approvalRows(model: ContractModel, state: ApprovalState): string[][] {
  const name = (id: string) => model.trust().members.find((m) => m.id === id)?.name ?? model.member(id)?.name ?? id;
  return state.checks.map((c) => [
    `${name(c.member)} (${c.member})`,
    c.role ?? '—',
    c.outcome,
    STATUS_WORDS[c.status],
    c.commit
      ? `${c.status === 'stale' ? 'an earlier version' : c.status === 'holds' ? 'this version' : 'the version'} at commit ${c.commit.slice(0, 7)}, signed ${c.at.slice(0, 10)}`
      : 'nothing yet (not committed)',
  ]);
}
