import type { BigIntStats } from 'node:fs';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { gitError } from './errors.js';
import { withIndexLock } from './lock.js';
import { racySince } from './fs.js';
import { smudgeRacyEntries, writeEntryStat } from './index-file.js';

/** One entry of the index to write for a path: a merge stage (0, or 1 base, 2 ours, 3 theirs) and its blob. */
export interface StagedEntry {
  stage: 0 | 1 | 2 | 3;
  oid: string;
  mode: number;
  /** The working file's stat, for a stage-0 entry (unmerged entries carry none, as git writes them). */
  stat?: BigIntStats;
}

interface RawEntry {
  path: string;
  stage: number;
  bytes: Buffer;
}

/** The entries of a version 2 or 3 index as their bytes, with the version; null for anything else. */
function rawEntries(buf: Buffer): { version: number; entries: RawEntry[] } | null {
  if (buf.length < 32 || buf.toString('latin1', 0, 4) !== 'DIRC') return null;
  const version = buf.readUInt32BE(4);
  if (version !== 2 && version !== 3) return null;
  const entries: RawEntry[] = [];
  let off = 12;
  for (let i = 0, n = buf.readUInt32BE(8); i < n; i++) {
    if (off + 62 > buf.length) return null;
    const flags = buf.readUInt16BE(off + 60);
    const start = off + 62 + (version === 3 && (flags & 0x4000) !== 0 ? 2 : 0);
    const end = buf.indexOf(0, start);
    if (end === -1) return null;
    const size = Math.ceil((end - off + 1) / 8) * 8;
    entries.push({ path: buf.toString('utf8', start, end), stage: (flags >> 12) & 3, bytes: buf.subarray(off, off + size) });
    off += size;
  }
  return { version, entries };
}

function entryBytes(p: string, e: StagedEntry): Buffer {
  const name = Buffer.from(p, 'utf8');
  const out = Buffer.alloc(Math.ceil((62 + name.length + 1) / 8) * 8);
  if (e.stat) writeEntryStat(out, 0, e.stat);
  out.writeUInt32BE(e.mode, 24);
  out.write(e.oid, 40, 'hex');
  out.writeUInt16BE((e.stage << 12) | Math.min(name.length, 0xfff), 60);
  name.copy(out, 62);
  return out;
}

/**
 * Replaces every entry of each path in the index with the ones given (none: the path leaves the index), as git's
 * merge writes them: a conflicting file as stages 1, 2 and 3 (so `git status` lists it as unmerged and `git commit`
 * refuses), a merged or resolved one at stage 0. Under git's index lock; the extensions (a cache git rebuilds) go.
 */
export async function setIndexEntries(gitdir: string, paths: Map<string, StagedEntry[]>): Promise<void> {
  await withIndexLock(gitdir, async () => {
    const file = path.join(gitdir, 'index');
    const buf = await readFile(file).catch(() => null);
    const read = buf ? rawEntries(buf) : { version: 2, entries: [] };
    if (!read) throw gitError('failed', 'The index (.git/index) is in a format Covenant does not write (version 4): run git update-index --index-version 3.');
    const kept = read.entries.filter((e) => !paths.has(e.path));
    const added: RawEntry[] = [];
    for (const [p, entries] of paths) for (const e of entries) added.push({ path: p, stage: e.stage, bytes: entryBytes(p, e) });
    const all = [...kept, ...added].sort((x, y) => Buffer.compare(Buffer.from(x.path), Buffer.from(y.path)) || x.stage - y.stage);
    const head = Buffer.alloc(12);
    head.write('DIRC', 0, 'latin1');
    head.writeUInt32BE(read.version, 4);
    head.writeUInt32BE(all.length, 8);
    const body = Buffer.concat([head, ...all.map((e) => e.bytes)]);
    const whole = Buffer.concat([body, createHash('sha1').update(body).digest()]);
    const sha1 = (b: Buffer) => createHash('sha1').update(b).digest();
    await writeFileAtomic(file, smudgeRacyEntries(whole, await racySince(file), sha1), { within: gitdir });
  });
}
