/**
 * Signed approvals: `approve` adds a member's entry to a CR's (or SOW's) approvals and commits that file signed with
 * the member's SSH key (pure JS, sshsig.ts); `signatureFacts` finds, for every approval in the workspace, the commit
 * that added it and whose key signed it, for checkApprovals (core/common/approvals.ts) to judge.
 */
import type { SignatureFact } from '../common/approvals.js';
import { requiredRole } from '../common/approvals.js';
import { CovenantError } from '../common/errors.js';
import { describeChange, fieldChanges, type FieldChange } from '../common/redline.js';
import type { ContractModel } from '../common/model/contract.js';
import type { Snapshot } from '../common/workspace.js';
import { editYaml } from '../common/yaml/edit.js';
import { parseYaml } from '../common/yaml/parse.js';
import { commit } from './git/commit.js';
import { commitsTouching } from './git/history.js';
import { findRepo, git, requireRepo } from './git/repo.js';
import type { OpenWorkspace } from './workspace-service.js';
import { loadSigner, publicLine, splitSignedCommit, sshsig, verifySshsig } from './git/sshsig.js';

type Entry = { member: string; at: string };

function approvalsIn(text: string, path: string): Entry[] {
  try {
    const v = parseYaml(path, text).value as { approvals?: unknown } | null;
    const list = v && typeof v === 'object' && Array.isArray(v.approvals) ? v.approvals : [];
    return list
      .filter((a): a is Entry => a !== null && typeof a === 'object' && typeof (a as Entry).member === 'string' && typeof (a as Entry).at === 'string')
      .map((a) => ({ member: a.member, at: a.at }));
  } catch {
    return [];
  }
}

/** Who signed a commit: the verified key, or why not. */
async function commitSignature(repo: Awaited<ReturnType<typeof requireRepo>>, oid: string): Promise<Pick<SignatureFact, 'signature' | 'signerKey' | 'reason'>> {
  const { object } = await git.readObject({ ...repo.opts, oid, format: 'content' });
  const raw = Buffer.from(object as Uint8Array).toString('utf8');
  const { payload, signature } = splitSignedCommit(raw);
  if (!signature) return { signature: 'none', signerKey: null };
  const check = verifySshsig(Buffer.from(payload), signature, 'git');
  return check.ok ? { signature: 'valid', signerKey: check.publicKey } : { signature: 'bad', signerKey: null, reason: check.reason };
}

/**
 * For each CR and SOW with approvals: the commit that first held each entry (walking the file's history oldest first)
 * and the key that signed it. Entries not in any commit are "uncommitted".
 */
export async function signatureFacts(root: string, model: ContractModel): Promise<Map<string, SignatureFact[]>> {
  const out = new Map<string, SignatureFact[]>();
  const docs = [...model.crs, ...model.sows].filter((d) => d.data.approvals?.length);
  if (docs.length === 0) return out;
  const repo = await findRepo(root);
  for (const doc of docs) {
    const wanted = (doc.data.approvals ?? []).map((a, i) => ({ index: i, member: a.member, at: a.at }));
    const found = new Map<number, string>();
    const signed = new Map<number, { text: string; at: string }>(); // the file as the approval's commit has it, and when
    const history = repo ? await commitsTouching(repo, doc.path) : null;
    if (repo && history) {
      const { index } = history;
      for (const [oid, c] of [...history.commits].reverse()) {
        if (found.size === wanted.length) break;
        let text: string;
        try {
          const { blob } = await git.readBlob({ ...repo.opts, oid: c.tree, filepath: doc.path, cache: index.cache });
          text = Buffer.from(blob).toString('utf8');
        } catch {
          continue;
        }
        const here = approvalsIn(text, doc.path);
        for (const w of wanted)
          if (!found.has(w.index) && here.some((h) => h.member === w.member && h.at === w.at)) {
            found.set(w.index, oid);
            signed.set(w.index, { text, at: new Date(c.committed * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') });
          }
      }
    }
    const facts: SignatureFact[] = [];
    for (const w of wanted) {
      const oid = found.get(w.index);
      if (!oid || !repo) facts.push({ ...w, commit: null, signature: 'uncommitted', signerKey: null });
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
  /** CR-42 or SPRINT-07. */
  id: string;
  member: string;
  /** The private key file's text, and its passphrase when protected. */
  key: string;
  keyFile?: string;
  passphrase?: string;
  role?: string;
  now?: Date;
}

/**
 * Adds the member's approval to the document and commits that file, signed with the member's key, authored by the
 * member. Refuses an unknown member, a key that is not the member's, a role the member does not hold.
 */
export async function approve(ws: OpenWorkspace, snapshot: Snapshot, req: ApproveRequest): Promise<{ commit: string; path: string; role: string | null }> {
  const model = snapshot.model;
  const cr = model.cr(req.id);
  const sow = cr ? undefined : model.sow(req.id);
  const doc = cr ?? sow;
  if (!doc) throw new CovenantError('not-found', `There is no change request or SOW ${req.id} (or it has problems to fix first).`);
  const member = model.member(req.member);
  const ids = model.members().map((m) => m.id);
  if (!member) throw new CovenantError('not-found', `${req.member} is no member of governance.members${ids.length ? ` (members: ${ids.join(', ')})` : ''}.`);
  if (!member.ssh_key) throw new CovenantError('invalid-input', `${member.name} has no ssh_key in governance.members; add their public key first.`);
  if (!member.email) throw new CovenantError('invalid-input', `${member.name} has no email in governance.members; commits are authored with it.`);
  const signer = loadSigner(req.key, req.passphrase, req.keyFile);
  if (signer.publicKey !== publicLine(member.ssh_key))
    throw new CovenantError(
      'invalid-input',
      `That key (${signer.fingerprint}) is not ${member.name}'s: governance.members holds another ssh_key for ${member.id}.`,
    );
  const needed = requiredRole(model, doc, cr ? 'cr' : 'sow');
  if (needed && !model.holds(member, needed.owner))
    throw new CovenantError(
      'invalid-input',
      `Decisions in the ${needed.area} area of ${req.id} belong to ${needed.owner}; ${member.name} (${member.roles.join(', ') || 'no roles'}) does not hold it.`,
    );
  const role = req.role ?? needed?.owner ?? member.roles[0] ?? null;
  if (role && !model.holds(member, role))
    throw new CovenantError('invalid-input', `${member.name} does not hold the role ${role} (${member.roles.join(', ')}).`);
  if ((doc.data.approvals ?? []).some((a) => a.member === member.id)) throw new CovenantError('conflict', `${member.name} has approved ${req.id} already.`);
  const repo = await requireRepo(ws.root);
  const at = (req.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const before = await ws.read(doc.path);
  await refuseUncommitted(ws.root, doc.path, before.text);
  const text = editYaml(before.text, [{ op: 'append', path: ['approvals'], value: { member: member.id, ...(role ? { role } : {}), at } }]);
  const written = await ws.write(doc.path, text, before.hash);
  const when = Math.floor((req.now ?? new Date()).getTime() / 1000);
  const who = { name: member.name, email: member.email, timestamp: when, timezoneOffset: 0 };
  try {
    const oid = await commit(
      repo.dir,
      [doc.path],
      `Approve ${req.id} as ${role ?? member.id} (${member.name})`,
      { author: who, committer: who },
      undefined,
      (payload) => sshsig(Buffer.from(payload), signer, 'git'),
    );
    return { commit: oid, path: doc.path, role };
  } catch (e) {
    await ws.write(doc.path, before.text, written.hash); // no approval without its signed commit
    throw e;
  }
}

/**
 * An approval signs the committed version of a file and the approval itself, nothing else: edits not committed yet
 * (someone's, or the approver's own) are refused, named field by field. A file never committed is signed whole.
 */
async function refuseUncommitted(root: string, path: string, now: string): Promise<void> {
  const { readAtHead } = await import('./git/read-at.js');
  const head = await readAtHead(root, path).catch(() => null);
  if (head === null || head === now) return;
  const changes = fieldChanges(parseYaml(path, head).value, parseYaml(path, now).value, []);
  const what = changes.length ? changes.slice(0, 5).map(describeChange).join('; ') : 'only its formatting or comments';
  throw new CovenantError(
    'conflict',
    `${path} has changes that are not committed (${what}); commit or discard them first: an approval signs the committed version.`,
    {
      path,
    },
  );
}

/** git's allowed-signers file for the members' keys: `git log --show-signature` and verify-commit agree with Covenant. */
export function allowedSigners(model: ContractModel): string {
  const lines = model
    .members()
    .filter((m) => m.ssh_key && m.email)
    .map((m) => `${m.email} namespaces="git" ${publicLine(m.ssh_key!)}`);
  return `# Allowed signers of ${model.master?.data.meta.id ?? 'this contract'} (covenant allowed-signers); git config gpg.ssh.allowedSignersFile <this file>\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
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
  const members = snapshot.model.members().filter((m) => m.ssh_key);
  const history = await commitsTouching(repo, path);
  if (!history) return { path, since: null, changes: null };
  const { index } = history;
  for (const [oid, c] of history.commits) {
    const sig = await commitSignature(repo, oid);
    if (sig.signature !== 'valid') continue;
    const member = members.find((m) => publicLine(m.ssh_key!) === sig.signerKey);
    if (!member) continue;
    let before: unknown;
    try {
      const { blob } = await git.readBlob({ ...repo.opts, oid: c.tree, filepath: path, cache: index.cache });
      before = parseYaml(path, Buffer.from(blob).toString('utf8')).value;
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
