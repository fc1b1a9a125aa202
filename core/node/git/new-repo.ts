import { chmod, lstat, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { git } from './iso.js';
import { gitFs } from './repo.js';

/**
 * A new repository in `dir` on `branch`, with the [core] settings `git init` writes on this file system: git probes
 * whether the executable bit sticks (filemode), whether links can be made (symlinks) and whether names differ only in
 * case (ignorecase), and writes what it found. isomorphic-git wrote filemode=false, symlinks=false and
 * ignorecase=true everywhere: on Linux, git then hid a new cr-42.yaml beside CR-42.yaml and every chmod.
 */
export async function newRepository(dir: string, branch: string): Promise<void> {
  await git.init({ fs: gitFs, dir, defaultBranch: branch });
  const gitdir = path.join(dir, '.git');
  const probe = path.join(gitdir, `probe-${process.pid}`);
  await mkdir(probe, { recursive: true });
  try {
    const file = path.join(probe, 'x');
    await writeFile(file, '');
    await chmod(file, 0o755);
    const filemode = ((await lstat(file)).mode & 0o100) !== 0 && (await chmod(file, 0o644), ((await lstat(file)).mode & 0o100) === 0);
    const symlinks = await symlink('x', path.join(probe, 'link')).then(
      () => true,
      () => false,
    );
    const ignorecase = (await lstat(path.join(probe, 'X')).catch(() => null)) !== null;
    const core = [
      '[core]',
      '\trepositoryformatversion = 0',
      `\tfilemode = ${filemode}`,
      '\tbare = false',
      '\tlogallrefupdates = true',
      ...(symlinks ? [] : ['\tsymlinks = false']),
      ...(ignorecase ? ['\tignorecase = true'] : []),
    ];
    await writeFileAtomic(path.join(gitdir, 'config'), `${core.join('\n')}\n`);
  } finally {
    await rm(probe, { recursive: true, force: true });
  }
}
