import { git, fs, requireRepository } from './repo.js';
import { gitFailure } from './errors.js';

export type ChangeStatus = 'new' | 'modified' | 'deleted';

export interface FileChange {
  path: string;
  status: ChangeStatus;
}

/** Files that differ between HEAD and the working tree (untracked ones included, .gitignore respected). */
export async function status(dir: string, filepaths?: string[]): Promise<FileChange[]> {
  requireRepository(dir);
  try {
    const matrix = await git.statusMatrix({ fs, dir, filepaths, filter: (f) => !f.split('/').some((part) => part.startsWith('.covenant-tmp-')) });
    const out: FileChange[] = [];
    for (const [path, head, workdir] of matrix) {
      if (head === 0 && workdir === 2) out.push({ path, status: 'new' });
      else if (head === 1 && workdir === 0) out.push({ path, status: 'deleted' });
      else if (head === 1 && workdir === 2) out.push({ path, status: 'modified' });
    }
    return out;
  } catch (e) {
    throw gitFailure(e, 'Reading the changes');
  }
}
