/**
 * Signed approvals: `approve` adds a member's entry to a CR's (or SOW's) approvals and commits that file signed with
 * the member's SSH key (pure JS, sshsig.ts); `signatureFacts` finds, for every approval in the workspace, the commit
 * that added it and whose key signed it, for checkApprovals (core/common/approvals.ts) to judge.
 */
import { approvalState, type ApprovalState, type SignatureFact } from '../common/approvals.js';
import { holdsRole, keyRefusal, requirementText } from '../common/trust.js';
import type { Approved } from '../common/api-types.js';
import { CovenantError } from '../common/errors.js';
import { describeChange, fieldChanges, type FieldChange } from '../common/redline.js';
import type { ContractModel } from '../common/model/contract.js';
import type { Snapshot } from '../common/workspace.js';
import { editYaml, type YamlEdit } from '../common/yaml/edit.js';
import { parseYaml } from '../common/yaml/parse.js';
import { commit } from './git/commit.js';
import { HISTORY_BLOB_BUDGET } from './git/budget.js';
import { commitsTouching } from './git/history.js';
import { historyFacts } from './git/history-facts.js';
import { ObjectStore } from './git/objects.js';
import { findRepo, requireRepo } from './git/repo.js';
import type { OpenWorkspace } from './workspace-service.js';
import { commitSignature } from './git/signature.js';
import { loadSigner, publicLine, sshsig } from './git/sshsig.js';

/**
 * For the master and each CR and SOW with approvals: the commit that first held each entry (the file's history oldest
 * first, as kept in the history facts) and the key that signed it. Entries not in any commit are "uncommitted".
 */
export async function signatureFacts(root: string, model: ContractModel): Promise<Map<string, SignatureFact[]>> {
  const out = new Map<string, SignatureFact[]>();
  const docs = [...(model.master ? [model.master] : []), ...model.crs, ...model.sows].filter((d) => d.data.approvals?.length);
  if (docs.length === 0) return out;
  const repo = await findRepo(root);
  const history = repo ? await historyFacts(repo) : null;
  const store = repo ? ObjectStore.for(repo) : null;
  for (const doc of docs) {
    const wanted = (doc.data.approvals ?? []).map((a, i) => ({ index: i, member: a.member, at: a.at }));
    const found = new Map<number, string>();
    const signed = new Map<number, { text: string; at: string }>(); // the file as the approval's commit has it, and when
    const oversized = new Map<number, { oid: string; size: number }>(); // versions over the history budget that may hold it
    const kept = history?.paths[doc.path];
    for (const w of wanted) {
      const first = kept?.a?.[`${w.member}|${w.at}`];
      // a version too big to read, before the first one read to hold it, may hold it: not taken on trust, and says why
      const big = kept?.big?.find(([, ct, blob]) => (!first || ct <= first[1]) && store!.read(blob).content.includes(w.at));
      if (big) {
        found.set(w.index, big[0]);
        oversized.set(w.index, { oid: big[0], size: big[3] });
      } else if (first) {
        try {
          signed.set(w.index, { text: store!.read(first[2]).content.toString('utf8'), at: new Date(first[1] * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') });
          found.set(w.index, first[0]);
        } catch {
          /* the version is missing from the repository: uncommitted, as far as anyone can tell */
        }
      }
    }
    const facts: SignatureFact[] = [];
    for (const w of wanted) {
      const oid = found.get(w.index);
      const big = oversized.get(w.index);
      if (big)
        facts.push({
          ...w,
          commit: big.oid,
          signature: 'bad',
          signerKey: null,
          reason: `the version it was committed in is ${Math.round(big.size / 1024)} KB, over the ${HISTORY_BLOB_BUDGET / 1024} KB read from history, so what was signed is not known`,
        });
      else if (!oid || !repo) facts.push({ ...w, commit: null, signature: 'uncommitted', signerKey: null });
      else {
        const at = signed.get(w.index)!;
        facts.push({ ...w, commit: oid, ...(await commitSignature(repo, oid)), signedValue: parseYaml(doc.path, at.text).value, signedAt: at.at });
      }
    }
    out.set(doc.path, facts);
  }
  return out;
}

export interface ApproveRequest {
  /** CR-42, SPRINT-07, or master. */
  id: string;
  member: string;
  /** The private key file's text, and its passphrase when protected. */
  key: string;
  keyFile?: string;
  passphrase?: string;
  role?: string;
  /** approve (the default), reject, or withdraw: each signed the same way. */
  outcome?: 'approve' | 'reject' | 'withdraw';
  now?: Date;
}

const OUTCOMES = { approve: 'approved', reject: 'rejected', withdraw: 'withdrawn' } as const;

/** The member who signs, from the trust root: a member or key only the working master has is refused by name. */
function signingMember(model: ContractModel, req: ApproveRequest) {
  const trust = model.trust();
  const member = trust.members.find((m) => m.id === req.member);
  if (!member) {
    const saved = model.member(req.member);
    if (saved)
      throw new CovenantError(
        'invalid-input',
        `${saved.name} (${saved.id}) is a member only in the master as saved, added by a change the parties have not approved: only members of ${trust.label} sign. The parties approve the master first (covenant approve master).`,
      );
    const ids = trust.members.map((m) => m.id);
    throw new CovenantError('not-found', `${req.member} is no member of governance.members${ids.length ? ` (members: ${ids.join(', ')})` : ''}.`);
  }
  if (!member.ssh_key) throw new CovenantError('invalid-input', `${member.name} has no ssh_key in governance.members; add their public key first.`);
  if (!member.email) throw new CovenantError('invalid-input', `${member.name} has no email in governance.members; commits are authored with it.`);
  const signer = loadSigner(req.key, req.passphrase, req.keyFile);
  if (keyRefusal(member, signer.publicKey, (req.now ?? new Date()).toISOString()) || signer.publicKey !== publicLine(member.ssh_key))
    throw new CovenantError(
      'invalid-input',
      `That key (${signer.fingerprint}) is not ${member.name}'s: ${trust.label} holds another ssh_key for ${member.id}.`,
    );
  return { member: member as typeof member & { ssh_key: string; email: string }, signer };
}

/** The role this signature counts for: the one asked for, else the first still awaited that the member holds. */
function signingRole(
  state: ApprovalState,
  member: { id: string; name: string; roles: string[] },
  req: ApproveRequest,
  requestor: string | null,
): string | null {
  const r = state.requirement;
  const held = member.roles.join(', ') || 'no roles';
  if (req.role && !holdsRole(member, req.role)) throw new CovenantError('invalid-input', `${member.name} does not hold the role ${req.role} (${held}).`);
  if (!r) return req.role ?? member.roles[0] ?? null;
  const allowed = [...r.roles, ...(req.outcome === 'withdraw' && requestor ? [requestor] : [])];
  const role = req.role ?? [...state.awaited, ...allowed].find((x) => allowed.includes(x) && holdsRole(member, x));
  if (!role || !allowed.includes(role))
    throw new CovenantError(
      'invalid-input',
      `Decisions ${state.kind === 'master' ? 'on the master contract' : `in the ${r.area} area of ${state.id}`} need ${requirementText(r)}; ${member.name} (${held}) ${req.role ? `cannot sign as ${req.role}` : r.roles.length === 1 ? 'does not hold it' : 'holds none of them'}.`,
    );
  return role;
}

/**
 * Adds the member's signed decision to the document and commits that file, signed with the member's key, authored
 * by the member. The member and key come from the trust root. When this signature completes what the decision right
 * needs, the CR's decision.status (and date) is set in the same commit, so the file and the proof agree.
 */
export async function approve(ws: OpenWorkspace, snapshot: Snapshot, req: ApproveRequest): Promise<Approved> {
  const model = snapshot.model;
  const doc = req.id === 'master' ? model.master : (model.cr(req.id) ?? model.sow(req.id));
  if (!doc)
    throw new CovenantError(
      'not-found',
      req.id === 'master'
        ? 'The master contract is missing or has problems to fix first.'
        : `There is no change request or SOW ${req.id} (or it has problems to fix first).`,
    );
  const cr = model.cr(req.id);
  const { member, signer } = signingMember(model, req);
  const state = approvalState(model, doc, snapshot.facts.signatures?.get(doc.path));
  const outcome = OUTCOMES[req.outcome ?? 'approve'];
  const role = signingRole(state, member, req, cr?.data.requestor ?? null);
  if (state.outcome) throw new CovenantError('conflict', `${state.id} is decided already (${state.words}).`);
  const mine = (doc.data.approvals ?? []).findIndex((a) => a.member === member.id && (a.role ?? null) === role);
  if (mine >= 0 && state.checks[mine]?.status === 'holds') throw new CovenantError('conflict', `${member.name} has signed ${state.id} already, as ${role}.`);
  const repo = await requireRepo(ws.root);
  const at = (req.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const before = await ws.read(doc.path);
  await refuseUncommitted(ws.root, doc.path, before.text, member.id);
  const entry = { member: member.id, ...(role ? { role } : {}), ...(outcome !== 'approved' ? { outcome } : {}), at };
  // a signature of theirs that no longer holds (the file changed since) is signed again in place
  const edits: YamlEdit[] =
    mine >= 0
      ? Object.entries({ ...entry, ...(doc.data.approvals![mine]!.outcome ? { outcome } : {}) }).map(([k, v]) => ({
          op: 'set',
          path: ['approvals', mine, k],
          value: v,
        }))
      : [{ op: 'append', path: ['approvals'], value: entry }];
  const signedRoles = [...state.signed.map((s) => s.role), ...(outcome === 'approved' && role ? [role] : [])];
  const r = state.requirement;
  const awaited =
    !r || outcome !== 'approved'
      ? []
      : r.mode === 'all_of'
        ? r.roles.filter((x) => !signedRoles.includes(x))
        : signedRoles.some((x) => r.roles.includes(x))
          ? []
          : r.roles;
  const decided = outcome !== 'approved' ? outcome : r && awaited.length === 0 ? 'approved' : null;
  const setsStatus = !!cr && !!decided && cr.data.decision.status !== decided;
  if (setsStatus)
    edits.push(
      { op: 'set', path: ['decision', 'status'], value: decided },
      { op: 'set', path: ['decision', 'date'], value: at.slice(0, 10) },
      ...(decided === 'approved' && r ? [{ op: 'set' as const, path: ['decision', 'approvers'], value: [...new Set(signedRoles)] }] : []),
    );
  const text = editYaml(before.text, edits);
  const written = await ws.write(doc.path, text, before.hash);
  const when = Math.floor((req.now ?? new Date()).getTime() / 1000);
  const who = { name: member.name, email: member.email, timestamp: when, timezoneOffset: 0 };
  const verb = outcome === 'approved' ? 'Approve' : outcome === 'rejected' ? 'Reject' : 'Withdraw';
  try {
    const oid = await commit(
      repo.dir,
      [doc.path],
      `${verb} ${state.id} as ${role ?? member.id} (${member.name})${setsStatus ? `: ${decided}` : ''}`,
      { author: who, committer: who },
      undefined,
      (payload) => sshsig(Buffer.from(payload), signer, 'git'),
    );
    return { commit: oid, path: doc.path, role, outcome, decided, awaited, statusSet: setsStatus };
  } catch (e) {
    await ws.write(doc.path, before.text, written.hash); // no approval without its signed commit
    throw e;
  }
}

/**
 * An approval signs the committed version of a file and the approval itself, nothing else: edits not committed yet
 * (someone's, or the approver's own) are refused, named field by field. A file never committed is signed whole.
 */
async function refuseUncommitted(root: string, path: string, now: string, member: string): Promise<void> {
  const { readAtHead } = await import('./git/read-at.js');
  const head = await readAtHead(root, path).catch(() => null);
  if (head === null || head === now) return;
  const [before, after] = [parseYaml(path, head).value, parseYaml(path, now).value];
  // an approval of this member's that never reached its commit (the last approve was killed between the two) is
  // signed now, with the rest of the file as committed: that is resuming, not someone else's edit
  const entries = (v: unknown) => ((v as { approvals?: { member?: string }[] } | null)?.approvals ?? []).map((a) => JSON.stringify(a));
  const added = entries(after).filter((a) => !entries(before).includes(a));
  const removed = entries(before).filter((a) => !entries(after).includes(a));
  const own = added.every((a) => (JSON.parse(a) as { member?: string }).member === member) && removed.length === 0;
  // (the decision the entry completed is set by approve in the same write: part of resuming it)
  const changes = fieldChanges(before, after, own && added.length ? ['approvals', 'decision'] : []);
  if (changes.length === 0 && own && added.length) return;
  const what = changes.length ? changes.slice(0, 5).map(describeChange).join('; ') : 'only its formatting or comments';
  throw new CovenantError(
    'conflict',
    `${path} has changes that are not committed (${what}); commit or discard them first: an approval signs the committed version.`,
    {
      path,
    },
  );
}

/**
 * git's allowed-signers file for the trust root's keys (not the working master's: a key nobody approved never
 * verifies), so `git log --show-signature` and verify-commit agree with Covenant. A retired key is valid before its
 * day (valid-before, as ssh-keygen reads it); a revoked one is left out.
 */
export function allowedSigners(model: ContractModel): string {
  const trust = model.trust();
  const lines: string[] = [];
  for (const m of trust.members.filter((x) => x.email)) {
    if (m.ssh_key) lines.push(`${m.email} namespaces="git" ${publicLine(m.ssh_key)}`);
    for (const k of m.retired_keys ?? [])
      if (!k.revoked) lines.push(`${m.email} namespaces="git",valid-before="${k.from.replace(/-/g, '')}" ${publicLine(k.key)}`);
  }
  return `# Allowed signers of ${model.master?.data.meta.id ?? 'this contract'} (covenant allowed-signers): the keys of ${trust.label}\n# git config gpg.ssh.allowedSignersFile <this file>\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
}

export interface Redline {
  path: string;
  /** The last approved version: the latest commit of the file signed with a member's key; null when there is none. */
  since: { commit: string; date: string; member: string; name: string } | null;
  /** Field changes from that version to the file as saved; null when there is no approved version to compare with. */
  changes: FieldChange[] | null;
}

/** "Changes since the last approved version" of a contract file, field by field. */
export async function redline(root: string, snapshot: Snapshot, path: string): Promise<Redline> {
  const text = snapshot.text(path);
  if (text === null || text === undefined) throw new CovenantError('not-found', `${path} is not a contract file of this workspace.`);
  const current = parseYaml(path, text).value;
  const repo = await findRepo(root);
  if (!repo) return { path, since: null, changes: null };
  const members = snapshot.model.trust().members.filter((m) => m.ssh_key);
  const history = await commitsTouching(repo, path);
  if (!history) return { path, since: null, changes: null };
  const store = ObjectStore.for(repo);
  for (const [oid, c] of history.commits) {
    const sig = await commitSignature(repo, oid);
    if (sig.signature !== 'valid') continue;
    const member = members.find((m) => publicLine(m.ssh_key!) === sig.signerKey);
    if (!member) continue;
    let before: unknown;
    try {
      const blob = store.blobAt(c.tree, path);
      if (!blob) throw new Error('the file is not in that commit');
      before = parseYaml(path, blob.content.toString('utf8')).value;
    } catch (e) {
      // the approved version cannot be read (a damaged repository): said, never an older approval in its place
      throw new CovenantError('io', `${path} as approved in commit ${oid.slice(0, 7)} cannot be read (${(e as Error).message}).`, { path });
    }
    return {
      path,
      since: { commit: oid, date: new Date(c.author.timestamp * 1000).toISOString().slice(0, 10), member: member.id, name: member.name },
      changes: fieldChanges(before, current),
    };
  }
  return { path, since: null, changes: null };
}
