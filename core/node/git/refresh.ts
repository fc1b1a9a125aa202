import { createHash } from 'node:crypto';
import { lstat, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { eolRules } from './attributes.js';
import { GitConfig } from './config.js';
import { refreshEntries, smudgeRacyEntries } from './index-file.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { withIndexLock } from './lock.js';
import { requireRepo } from './repo.js';

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest();
const blobOid = (bytes: Buffer) => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');

/**
 * `git update-index --refresh`: files whose index entry stat cannot vouch for (a fresh checkout writes them in the
 * same second as the index) are hashed once, and those unchanged get their stat recorded, so that later status calls
 * trust the stat instead of hashing every file. Files still in the current second stay doubtful (racy git). Returns
 * how many entries were refreshed.
 */
export async function refreshIndex(dir: string, waitMs?: number): Promise<number> {
  const repo = await requireRepo(dir);
  return withIndexLock(
    repo.gitdir,
    async () => {
      const file = path.join(repo.gitdir, 'index');
      const info = await stat(file).catch(() => null);
      if (!info) return 0;
      const eol = await eolRules(repo, await GitConfig.load(repo));
      const now = Math.floor(Date.now() / 1000);
      let refreshed = 0;
      const next = await refreshEntries(
        await readFile(file),
        Math.floor(info.mtimeMs / 1000),
        async (p, oid) => {
          const abs = path.join(dir, ...p.split('/'));
          const st = await lstat(abs, { bigint: true }).catch(() => null);
          if (!st?.isFile() || Number(st.mtimeNs / BigInt(1_000_000_000)) >= now) return null;
          if (blobOid(await eol.clean(p, await readFile(abs))) !== oid) return null;
          refreshed++;
          return st;
        },
        sha1,
      );
      // every entry the old index's second could not vouch for was checked now: those unchanged carry their stat, the
      // others are smudged; only files of this very second stay doubtful (not gitFs, which smudges from the old second)
      if (next) await writeFileAtomic(file, smudgeRacyEntries(next, now, sha1), { within: repo.gitdir });
      return refreshed;
    },
    undefined,
    waitMs,
  );
}
