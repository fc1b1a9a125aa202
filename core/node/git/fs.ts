import { promises as fsp } from 'node:fs';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';

/**
 * The file system isomorphic-git works on: node's, except that every write of an existing name (index, refs, config)
 * goes through temp file + fsync + rename, so a crash mid-write leaves the old or the new file, never a torn one.
 * isomorphic-git writes those in place otherwise. New object files keep the plain write (a torn object is detected
 * and rewritten by content hash).
 */
export function atomicGitFs(): typeof fs {
  const promises = {
    ...fsp,
    async writeFile(file: fs.PathLike, data: string | Uint8Array, options?: unknown): Promise<void> {
      const target = String(file);
      const isObject = target.includes(`${path.sep}objects${path.sep}`);
      if (isObject) return fsp.writeFile(file, data, options as fs.WriteFileOptions);
      writeFileAtomic(target, typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    },
  };
  return { ...fs, promises } as unknown as typeof fs;
}

export const gitFs = atomicGitFs();
