import type { BigIntStats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** One entry of .git/index: what git last recorded about a tracked file. */
export interface IndexEntry {
  path: string;
  oid: string;
  mtimeSeconds: number;
  mtimeNanoseconds: number;
  size: number;
  mode: number;
  /** Merge stage (0 = normal; 1-3 during a conflicted merge). */
  stage: number;
}

export interface IndexFile {
  entries: IndexEntry[];
  /** When the index was written (ms): entries modified at or after it are "racily clean" and must be hashed. */
  mtimeMs: number;
}

/**
 * Reads .git/index (versions 2 and 3, which git writes by default). Returns null for anything else (version 4's
 * compressed paths, a damaged file), so callers fall back to the slower general path.
 */
export async function readIndexFile(
  gitdir: string,
  io: { statBig(p: string): Promise<BigIntStats>; readFile(p: string): Promise<Buffer> } = { statBig: (p) => stat(p, { bigint: true }), readFile },
): Promise<IndexFile | null> {
  const file = path.join(gitdir, 'index');
  let buf: Buffer;
  let mtimeMs: number;
  let key: string;
  try {
    // stat first: the time recorded must not be newer than the content read (an older time only means more hashing)
    const st = await io.statBig(file);
    mtimeMs = Number(st.mtimeMs);
    key = `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    const known = parsed.get(file);
    if (known?.key === key) return known.index;
    buf = await io.readFile(file);
  } catch {
    return { entries: [], mtimeMs: 0 };
  }
  const index = parseIndex(buf, mtimeMs);
  if (index) parsed.set(file, { key, index });
  return index;
}

/** The last index parsed per file, by its identity on disk (inode, size, times): status runs often, the index changes rarely. */
const parsed = new Map<string, { key: string; index: IndexFile }>();

function parseIndex(buf: Buffer, mtimeMs: number): IndexFile | null {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'DIRC') return null;
  const version = buf.readUInt32BE(4);
  if (version !== 2 && version !== 3) return null;
  const count = buf.readUInt32BE(8);
  const entries: IndexEntry[] = [];
  let off = 12;
  for (let i = 0; i < count; i++) {
    if (off + 62 > buf.length) return null;
    const mtimeSeconds = buf.readUInt32BE(off + 8);
    const mtimeNanoseconds = buf.readUInt32BE(off + 12);
    const mode = buf.readUInt32BE(off + 24);
    const size = buf.readUInt32BE(off + 36);
    const oid = buf.toString('hex', off + 40, off + 60);
    const flags = buf.readUInt16BE(off + 60);
    const extended = version === 3 && (flags & 0x4000) !== 0;
    const start = off + 62 + (extended ? 2 : 0);
    const end = buf.indexOf(0, start);
    if (end === -1) return null;
    const p = buf.toString('utf8', start, end);
    entries.push({ path: p, oid, mtimeSeconds, mtimeNanoseconds, size, mode, stage: (flags >> 12) & 0x3 });
    const entryLength = end - off + 1;
    off += Math.ceil(entryLength / 8) * 8;
  }
  return { entries, mtimeMs };
}

/**
 * "Racy git": an entry whose file was modified in the same second the index is written cannot be trusted by stat
 * later (a same-size edit in that second looks unchanged). Git smudges such entries when it writes the index
 * (size set to 0, so the next reader compares content); isomorphic-git does not, so Covenant does it for every
 * index it writes. Versions 2 and 3 only; anything else is returned as is. The trailing checksum is recomputed.
 */
export function smudgeRacyEntries(buf: Buffer, nowSeconds: number, hash: (b: Buffer) => Buffer): Buffer {
  if (buf.length < 32 || buf.toString('latin1', 0, 4) !== 'DIRC') return buf;
  const version = buf.readUInt32BE(4);
  if (version !== 2 && version !== 3) return buf;
  const out = Buffer.from(buf);
  const count = out.readUInt32BE(8);
  let off = 12;
  let changed = false;
  for (let i = 0; i < count; i++) {
    if (off + 62 > out.length) return buf;
    const mtimeSeconds = out.readUInt32BE(off + 8);
    if (mtimeSeconds >= nowSeconds && out.readUInt32BE(off + 36) !== 0) {
      out.writeUInt32BE(0, off + 36);
      changed = true;
    }
    const flags = out.readUInt16BE(off + 60);
    const start = off + 62 + (version === 3 && (flags & 0x4000) !== 0 ? 2 : 0);
    const end = out.indexOf(0, start);
    if (end === -1) return buf;
    off += Math.ceil((end - off + 1) / 8) * 8;
  }
  if (!changed) return buf;
  hash(out.subarray(0, out.length - 20)).copy(out, out.length - 20);
  return out;
}

/**
 * The stat fields of the index entry at `at`, as git records them (seconds and nanoseconds of ctime and mtime, device,
 * inode, uid, gid, size; each modulo 2^32). `size: 0` for a gitlink, whose folder has no size of its own.
 */
export function writeEntryStat(buf: Buffer, at: number, st: BigIntStats, size = st.size): void {
  const b = BigInt(1_000_000_000);
  const u32 = (n: bigint) => Number(n % BigInt(2 ** 32));
  [u32(st.ctimeNs / b), Number(st.ctimeNs % b), u32(st.mtimeNs / b), Number(st.mtimeNs % b), u32(st.dev), u32(st.ino)].forEach((v, f) =>
    buf.writeUInt32BE(v, at + f * 4),
  );
  buf.writeUInt32BE(u32(st.uid), at + 28);
  buf.writeUInt32BE(u32(st.gid), at + 32);
  buf.writeUInt32BE(u32(size), at + 36);
}

/**
 * Records the stats of unchanged files again in the index, as `git update-index --refresh` does: for each entry that
 * stat alone cannot vouch for (smudged, or written in the same second as the index), `check` is asked whether the
 * file still holds the entry's content and, if so, for its stat now. Without this, a fresh checkout (a clone) would
 * have every file hashed by every status until the index is written again. Versions 2 and 3 only; returns null when
 * nothing changed. The trailing checksum is recomputed.
 */
export async function refreshEntries(
  buf: Buffer,
  indexMtimeSeconds: number,
  check: (path: string, oid: string) => Promise<BigIntStats | null>,
  hash: (b: Buffer) => Buffer,
): Promise<Buffer | null> {
  if (buf.length < 32 || buf.toString('latin1', 0, 4) !== 'DIRC') return null;
  const version = buf.readUInt32BE(4);
  if (version !== 2 && version !== 3) return null;
  const out = Buffer.from(buf);
  const count = out.readUInt32BE(8);
  let off = 12;
  let changed = false;
  for (let i = 0; i < count; i++) {
    if (off + 62 > out.length) return null;
    const flags = out.readUInt16BE(off + 60);
    const start = off + 62 + (version === 3 && (flags & 0x4000) !== 0 ? 2 : 0);
    const end = out.indexOf(0, start);
    if (end === -1) return null;
    const stage = (flags >> 12) & 0x3;
    const doubtful = out.readUInt32BE(off + 36) === 0 || out.readUInt32BE(off + 8) >= indexMtimeSeconds;
    if (stage === 0 && doubtful) {
      const st = await check(out.toString('utf8', start, end), out.toString('hex', off + 40, off + 60));
      if (!st && out.readUInt32BE(off + 36) !== 0) {
        // changed, or too new to vouch for: smudged, so that its stat never passes for the file's (racy git)
        out.writeUInt32BE(0, off + 36);
        changed = true;
      }
      if (st) {
        writeEntryStat(out, off, st);
        changed = true;
      }
    }
    off += Math.ceil((end - off + 1) / 8) * 8;
  }
  if (!changed) return null;
  hash(out.subarray(0, out.length - 20)).copy(out, out.length - 20);
  return out;
}
