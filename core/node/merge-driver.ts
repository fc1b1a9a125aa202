import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { mergeLines, mergeYaml } from '../common/merge.js';
import { writeFileAtomic } from './fs/atomic.js';
import { looksBinary } from './git/attributes.js';
import { readTextFile } from './text.js';

const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));

/**
 * git's merge driver (%O %A %B %P): three files git hands over, not a workspace. Contract YAML merges by structure,
 * anything else line-wise; the result replaces %A. Returns the conflicts in words (none: merged).
 */
export async function runMergeDriver(baseFile: string, mineFile: string, theirsFile: string, repoPath: string | undefined): Promise<string[]> {
  const name = repoPath ?? mineFile;
  const raw = await Promise.all([baseFile, mineFile, theirsFile].map((f) => readFile(path.resolve(f))));
  // git's rule: binary content is never merged as text; %A (mine) stays as it is and git reports the conflict
  if (raw.some(looksBinary)) return [`${name}: binary content changed on both sides; not merged (choose one version)`];
  const [base, mine, theirs] = await Promise.all([readTextFile(baseFile), readTextFile(mineFile), readTextFile(theirsFile)]);
  if (!/\.ya?ml$/i.test(name)) {
    const r = mergeLines(base, mine, theirs);
    await writeFileAtomic(path.resolve(mineFile), r.text);
    return r.conflicted ? [`${name}: conflicting lines, marked in the file`] : [];
  }
  const r = mergeYaml(base, mine, theirs);
  const n = r.conflicts.length;
  const header = n
    ? `# covenant merge: ${n} conflict${n === 1 ? '' : 's'} to resolve, my values kept below; then git add this file.\n${r.conflicts
        .map((c) => `#   ${c.field}: base ${show(c.base)}, mine ${show(c.mine)}, theirs ${show(c.theirs)}\n`)
        .join('')}`
    : '';
  await writeFileAtomic(path.resolve(mineFile), header + r.text);
  return r.conflicts.map((c) => `${name}: ${c.field}: mine ${show(c.mine)}, theirs ${show(c.theirs)} (base ${show(c.base)})`);
}
