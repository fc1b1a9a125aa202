/**
 * Approvals checked, not trusted: an approval entry counts only when the commit that added it is signed with the SSH
 * key of the member it names, and that member holds the role the decision needs (the decision-rights owner of the
 * CR's area; of scope for a SOW). Git's side (which commit added each entry, its signature) is read by core/node; the
 * judgement is here, pure, for the validator, the dashboard and `covenant verify`.
 */
import { describeChange, fieldChanges } from './redline.js';
import { sshKeyProblem } from './ssh-key.js';
import type { ContractModel, Doc } from './model/contract.js';
import type { ChangeRequest, Sow } from './model/schema-types.js';

/** What git says about one approval entry: the commit that added it, and whose key signed that commit. */
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

export type ApprovalStatus = 'valid' | 'stale' | 'uncommitted' | 'unsigned' | 'bad-signature' | 'wrong-key' | 'unknown-member' | 'no-key' | 'not-authorised';

export interface ApprovalCheck {
  file: string;
  index: number;
  member: string;
  role: string | null;
  at: string;
  commit: string | null;
  status: ApprovalStatus;
  /** In words: what holds or what is wrong. */
  message: string;
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

/** The role a document's approval needs: the decision-rights owner of the CR's area, or of scope for a SOW. */
export function requiredRole(model: ContractModel, doc: Doc<ChangeRequest> | Doc<Sow>, kind: 'cr' | 'sow'): { area: string; owner: string } | null {
  const area = kind === 'cr' ? model.areaOf(doc as Doc<ChangeRequest>) : 'scope';
  const right = model.decisionRight(area);
  return right ? { area, owner: right.owner } : null;
}

const keyOf = (line: string | undefined) => (line ? line.trim().split(/\s+/).slice(0, 2).join(' ') : null);

/** Every approval of one document judged: signature facts from git (absent: none read, so nothing is proven). */
export function checkApprovals(
  model: ContractModel,
  doc: Doc<ChangeRequest> | Doc<Sow>,
  kind: 'cr' | 'sow',
  facts: readonly SignatureFact[] | undefined,
): ApprovalCheck[] {
  const needed = requiredRole(model, doc, kind);
  return (doc.data.approvals ?? []).map((a, index) => {
    const fact = facts?.find((f) => f.index === index && f.member === a.member && f.at === a.at);
    const base = { file: doc.path, index, member: a.member, role: a.role ?? null, at: a.at, commit: fact?.commit ?? null };
    const member = model.member(a.member);
    const short = fact?.commit ? fact.commit.slice(0, 7) : '';
    if (!member) return { ...base, status: 'unknown-member', message: `${a.member} is no member of governance.members.` };
    if (!member.ssh_key)
      return {
        ...base,
        status: 'no-key',
        message: `${member.name} (${a.member}) has no ssh_key in governance.members, so no approval of theirs can be checked.`,
      };
    if (!fact || fact.signature === 'uncommitted')
      return {
        ...base,
        status: 'uncommitted',
        message: `The approval by ${member.name} is not committed: approve with covenant approve or the app, which commit it signed.`,
      };
    const weak = sshKeyProblem(member.ssh_key);
    if (weak) return { ...base, status: 'wrong-key', message: `${member.name}'s ssh_key cannot sign: ${weak}.` };
    if (fact.signature === 'none') return { ...base, status: 'unsigned', message: `Commit ${short} that adds the approval by ${member.name} is not signed.` };
    if (fact.signature === 'bad')
      return { ...base, status: 'bad-signature', message: `The signature of commit ${short} does not verify${fact.reason ? ` (${fact.reason})` : ''}.` };
    if (keyOf(fact.signerKey ?? undefined) !== keyOf(member.ssh_key))
      return { ...base, status: 'wrong-key', message: `Commit ${short} is signed with another key than ${member.name}'s (${a.member}'s ssh_key).` };
    if (a.role && !model.holds(member, a.role))
      return {
        ...base,
        status: 'not-authorised',
        message: `${member.name} approves as ${a.role}, a role ${a.member} does not hold (${member.roles.join(', ') || 'no roles'}).`,
      };
    if (needed && !model.holds(member, needed.owner))
      return {
        ...base,
        status: 'not-authorised',
        message: `Decisions in the ${needed.area} area belong to ${needed.owner}; ${member.name} (${member.roles.join(', ') || 'no roles'}) does not hold it.`,
      };
    const dated = misdated(a.at, fact.signedAt, 'created' in doc.data ? doc.data.created : undefined);
    if (dated) return { ...base, status: 'bad-signature', message: `${member.name}'s approval ${dated}.` };
    // bound to content: a change to what was agreed after the signature (parsed values: comments and layout do not
    // count) means the signature covers an earlier version, and it no longer holds
    const changed = fact.signedValue === undefined ? [] : fieldChanges(fact.signedValue, doc.data, APPROVAL_IGNORES);
    if (changed.length)
      return {
        ...base,
        status: 'stale',
        message: `${member.name} approved an earlier version (commit ${short}); changed since: ${changed.slice(0, 5).map(describeChange).join('; ')}${changed.length > 5 ? `; and ${changed.length - 5} more` : ''}.`,
      };
    return { ...base, status: 'valid', message: `Signed by ${member.name} with their key in commit ${short}${needed ? `, as ${needed.owner}` : ''}.` };
  });
}

/** Every approval in the workspace judged (CRs and SOWs), in file order. */
export function allApprovalChecks(model: ContractModel, facts: ReadonlyMap<string, readonly SignatureFact[]> | undefined): ApprovalCheck[] {
  const out: ApprovalCheck[] = [];
  for (const cr of model.crs) if (cr.data.approvals?.length) out.push(...checkApprovals(model, cr, 'cr', facts?.get(cr.path)));
  for (const sow of model.sows) if (sow.data.approvals?.length) out.push(...checkApprovals(model, sow, 'sow', facts?.get(sow.path)));
  return out;
}
