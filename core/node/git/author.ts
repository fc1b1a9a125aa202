import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { git, fs } from './repo.js';
import type { Author } from '../../common/api.js';

export type { Author };

export function isAuthor(v: unknown): v is Author {
  return (
    !!v &&
    typeof v === 'object' &&
    typeof (v as Author).name === 'string' &&
    (v as Author).name.trim() !== '' &&
    typeof (v as Author).email === 'string' &&
    /.+@.+/.test((v as Author).email)
  );
}

/** [user] name and email of the user's global git config (~/.gitconfig), if any. */
export async function globalGitAuthor(home = process.env.HOME || os.homedir()): Promise<Author | null> {
  let text: string;
  try {
    text = await readFile(path.join(home, '.gitconfig'), 'utf8');
  } catch {
    return null;
  }
  let inUser = false;
  const found: Partial<Author> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) inUser = /^\[user\]$/i.test(line);
    else if (inUser) {
      const m = /^(name|email)\s*=\s*(.*)$/i.exec(line);
      if (m) found[m[1]!.toLowerCase() as keyof Author] = m[2]!.replace(/^"(.*)"$/, '$1').trim();
    }
  }
  return isAuthor(found) ? found : null;
}

/** The author of a commit: the app's setting, else the repository's git config, else the global one; null = ask. */
export async function resolveAuthor(dir: string, setting: unknown): Promise<Author | null> {
  if (isAuthor(setting)) return setting;
  const name = await git.getConfig({ fs, dir, path: 'user.name' }).catch(() => undefined);
  const email = await git.getConfig({ fs, dir, path: 'user.email' }).catch(() => undefined);
  const repo = { name, email };
  if (isAuthor(repo)) return repo;
  return globalGitAuthor();
}
