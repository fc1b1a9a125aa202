/**
 * A pull happens whole: the files of the new commit are written first, then the branch moves, and a journal in .git
 * says so in between. A pull that was killed halfway is finished by the next one (the branch still at `from`: the
 * files are written again and the branch moved), never left with HEAD at one commit and the files of another.
 */
import { mkdir, readFile, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { confine } from '../fs/confine.js';
import { type Repo } from './repo.js';
import { git } from './iso.js';
import { logRefUpdate } from './reflog.js';

interface Journal {
  branch: string;
  from: string;
  to: string;
  paths: { path: string; deleted: boolean }[];
}

const journalFile = (repo: Repo) => path.join(repo.gitdir, 'covenant', 'pull.json');

/** Writes the files of `to` that differ from `from` (deletions first: a file may become a folder), then moves `branch`. */
export async function moveBranchWithFiles(repo: Repo, j: Journal): Promise<void> {
  await mkdir(path.dirname(journalFile(repo)), { recursive: true });
  await writeFileAtomic(journalFile(repo), JSON.stringify(j), { within: repo.gitdir });
  for (const p of j.paths.filter((x) => x.deleted)) {
    const abs = await confine(repo.dir, p.path).catch(() => null);
    if (abs) await unlink(abs).catch(() => undefined);
    await git.remove({ ...repo.opts, filepath: p.path }).catch(() => undefined);
  }
  // a file that becomes a folder (or the other way) is out of the way before the new one is written
  for (const p of j.paths.filter((x) => !x.deleted)) {
    const parts = p.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (j.paths.some((x) => x.path === prefix)) await rm(path.join(repo.dir, ...prefix.split('/')), { force: true }).catch(() => undefined);
    }
  }
  const writes = j.paths.filter((x) => !x.deleted).map((x) => x.path);
  if (writes.length) await git.checkout({ ...repo.opts, ref: j.to, filepaths: writes, force: true, noUpdateHead: true });
  if (writes.length) {
    // isomorphic-git's checkout writes the stored text: line endings as git's checkout writes them
    const [{ GitConfig }, { eolRules, smudgeCheckedOut }] = await Promise.all([import('./config.js'), import('./attributes.js')]);
    await smudgeCheckedOut(await eolRules(repo, await GitConfig.load(repo)), repo.dir, writes);
  }
  await git.writeRef({ ...repo.opts, ref: `refs/heads/${j.branch}`, value: j.to, force: true });
  await logRefUpdate(repo, `refs/heads/${j.branch}`, j.from, j.to, 'pull: Fast-forward');
  await unlink(journalFile(repo)).catch(() => undefined);
}

/** Finishes a pull that was interrupted between writing its files and moving the branch; the paths it wrote. */
export async function resumePull(repo: Repo): Promise<string[]> {
  const text = await readFile(journalFile(repo), 'utf8').catch(() => null);
  if (text === null) return [];
  let j: Journal;
  try {
    j = JSON.parse(text) as Journal;
  } catch {
    await unlink(journalFile(repo)).catch(() => undefined); // torn: it was never acted on (it is written atomically)
    return [];
  }
  const head = await git.resolveRef({ ...repo.opts, ref: `refs/heads/${j.branch}` }).catch(() => null);
  if (head !== j.from) {
    await unlink(journalFile(repo)).catch(() => undefined); // done, or overtaken: nothing to finish
    return [];
  }
  await moveBranchWithFiles(repo, j);
  return j.paths.map((p) => p.path);
}
