import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { smudgeRacyEntries } from './index-file.js';

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest();

/**
 * The file system isomorphic-git works on: node's, except that every write goes through temp file + fsync + rename,
 * so a crash mid-write leaves the old or the new file, never a torn one (isomorphic-git writes the index and refs in
 * place). Object files too: a process killed mid-write must not leave an empty object behind (git fsck rejects it,
 * and isomorphic-git never rewrites an object that exists). The index is written with racy entries smudged, as git
 * itself does.
 */
export function atomicGitFs(): typeof fs {
  const promises = {
    ...fsp,
    async writeFile(file: fs.PathLike, data: string | Uint8Array): Promise<void> {
      const target = String(file);
      let bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      if (path.basename(target) === 'index' && path.basename(path.dirname(target)) === '.git')
        bytes = smudgeRacyEntries(bytes, Math.floor(Date.now() / 1000), sha1);
      await writeFileAtomic(target, bytes);
    },
  };
  return { ...fs, promises } as unknown as typeof fs;
}

export const gitFs = atomicGitFs();
