import { git, fs, requireRepository } from './repo.js';
import { gitFailure } from './errors.js';
import type { LogEntry } from '../../common/api.js';

export type { LogEntry };

/** The history of the workspace, newest first, or of one file when `filepath` is given. */
export async function log(dir: string, options: { filepath?: string; limit?: number; ref?: string } = {}): Promise<LogEntry[]> {
  await requireRepository(dir);
  try {
    await git.resolveRef({ fs, dir, ref: options.ref ?? 'HEAD' });
  } catch {
    return []; // no commit yet
  }
  try {
    const cache = {};
    const entries = await git.log({ fs, dir, ref: options.ref ?? 'HEAD', depth: options.limit, filepath: options.filepath, cache, force: true });
    return entries.map(({ oid, commit }) => ({
      oid,
      message: commit.message,
      summary: commit.message.split('\n')[0] ?? '',
      author: { name: commit.author.name, email: commit.author.email },
      date: new Date(commit.author.timestamp * 1000).toISOString(),
      parents: commit.parent,
    }));
  } catch (e) {
    throw gitFailure(e, 'Reading the history');
  }
}
