import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readAtHead } from './read-at.js';

export interface FileDiff {
  path: string;
  /** The file at HEAD, or null when new (or no commit yet). */
  head: string | null;
  /** The file in the working tree, or null when deleted. */
  working: string | null;
}

/** HEAD against the working tree for one file (`absolute` is the confined path of `filepath`). */
export async function diffFile(dir: string, filepath: string, absolute: string = path.join(dir, filepath)): Promise<FileDiff> {
  const head = await readAtHead(dir, filepath);
  const working = await readFile(absolute, 'utf8').catch(() => null);
  return { path: filepath, head, working };
}
