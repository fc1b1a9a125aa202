/**
 * Watches what git changes outside the working tree: HEAD, branch and remote refs, and a merge starting or ending.
 * Commits, pulls and merges made by another tool (the CLI, system git) then reach the app as they happen, the way file
 * edits reach it through the workspace watcher. The index is not watched: reading status must not wake the watcher.
 */
import { watch } from 'chokidar';
import path from 'node:path';
import { findRepo } from './repo.js';

export async function watchRepository(dir: string, onChange: () => void): Promise<() => Promise<void>> {
  const repo = await findRepo(dir);
  if (!repo) return async () => undefined;
  const targets = [
    path.join(repo.gitdir, 'HEAD'),
    path.join(repo.gitdir, 'MERGE_HEAD'),
    path.join(repo.commondir, 'packed-refs'),
    path.join(repo.commondir, 'refs', 'heads'),
    path.join(repo.commondir, 'refs', 'remotes'),
  ];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const changed = (p: string) => {
    if (p.endsWith('.lock')) return; // git writes refs through a lock file, then renames it into place
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      onChange();
    }, 80);
  };
  const watcher = watch(targets, { ignoreInitial: true, followSymlinks: false });
  watcher.on('add', changed).on('change', changed).on('unlink', changed);
  watcher.on('error', () => undefined); // a vanished .git folder is the workspace watcher's news, not this one's
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return async () => {
    if (timer) clearTimeout(timer);
    await watcher.close();
  };
}
