/** Who signed a commit: the key its SSH signature verifies with (over that very commit's payload), or why not. */
import type { SignatureFact } from '../../common/approvals.js';
import { HISTORY_BLOB_BUDGET } from './budget.js';
import { ObjectStore } from './objects.js';
import type { Repo } from './repo.js';

const kb = (n: number) => Math.round(n / 1024);
import { splitSignedCommit, verifySshsig } from './sshsig.js';

export async function commitSignature(
  repo: Repo,
  oid: string,
): Promise<{ signature: Exclude<SignatureFact['signature'], 'uncommitted'>; signerKey: string | null; reason?: string }> {
  const object = ObjectStore.for(repo).read(oid).content; // through the pack index, not a whole pack read into memory
  if (object.length > HISTORY_BLOB_BUDGET)
    return {
      signature: 'bad',
      signerKey: null,
      reason: `the commit is ${kb(object.length)} KB, over the ${kb(HISTORY_BLOB_BUDGET)} KB read from history`,
    };
  const raw = object.toString('utf8');
  const { payload, signature } = splitSignedCommit(raw);
  if (!signature) return { signature: 'none', signerKey: null };
  const check = verifySshsig(Buffer.from(payload), signature, 'git');
  return check.ok ? { signature: 'valid', signerKey: check.publicKey } : { signature: 'bad', signerKey: null, reason: check.reason };
}
