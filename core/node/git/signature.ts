/** Who signed a commit: the key its SSH signature verifies with (over that very commit's payload), or why not. */
import type { SignatureFact } from '../../common/approvals.js';
import { git, type Repo } from './repo.js';
import { splitSignedCommit, verifySshsig } from './sshsig.js';

export async function commitSignature(
  repo: Repo,
  oid: string,
): Promise<{ signature: Exclude<SignatureFact['signature'], 'uncommitted'>; signerKey: string | null; reason?: string }> {
  const { object } = await git.readObject({ ...repo.opts, oid, format: 'content' });
  const raw = Buffer.from(object as Uint8Array).toString('utf8');
  const { payload, signature } = splitSignedCommit(raw);
  if (!signature) return { signature: 'none', signerKey: null };
  const check = verifySshsig(Buffer.from(payload), signature, 'git');
  return check.ok ? { signature: 'valid', signerKey: check.publicKey } : { signature: 'bad', signerKey: null, reason: check.reason };
}
