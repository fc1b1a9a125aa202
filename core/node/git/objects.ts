/**
 * Objects read the way git reads them (issue 26, item 2): packs through their .idx (a binary search in the fan-out's
 * range, no file probed per object), loose objects only for what no pack holds, deltas resolved once with their bases
 * kept in a cache of bounded size, each read a positioned read of the pack file held open. isomorphic-git looks for a
 * loose file before every packed object (4,054 failed opens for one commit) and inflates in JavaScript: the history
 * facts of 1,000 commits took 10 s through it.
 *
 * Reads are synchronous (one pread each, from the page cache as a rule); callers that read many yield between
 * batches (`breathe`) so that a long first run never stalls the app's main process.
 */
// eslint-disable-next-line no-restricted-syntax -- one positioned read per object (microseconds, from the page cache): a promise each costs more than the read, and the loops reading many yield (breathe)
import { fstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { gitError } from './errors.js';
import { applyDelta, entryHeader, OFS_DELTA, REF_DELTA, TYPES, type ObjectType } from './pack.js';
import type { Repo } from './repo.js';

/**
 * Bytes of resolved objects kept (delta bases above all: a chain of 50 is resolved once, not 50 times). 24 MB holds
 * 400 versions of a folder of 2,000 CRs; more bought no speed on a history of 50,000 commits.
 */
const CACHE_BYTES = 24 << 20;

/** One entry of a tree, as git stores it. */
export interface TreeEntry {
  name: string;
  mode: string;
  oid: string;
  type: 'tree' | 'blob' | 'commit';
}

/** A commit's fields (what the history needs). */
export interface CommitObject {
  tree: string;
  parents: string[];
  author: { name: string; email: string; timestamp: number; timezoneOffset: number };
  committer: { name: string; email: string; timestamp: number; timezoneOffset: number };
  message: string;
}

/** A pack and its index: ids sorted (the fan-out narrows the search), offsets beside them, entry ends by offset. */
class PackFile {
  private fd = -1;
  private ends: Float64Array | null = null;
  readonly length: number;

  constructor(
    readonly file: string,
    private readonly ids: Buffer,
    private readonly fanout: Uint32Array,
    /** The i-th object's offset (read from the .idx when asked: a pack of 300,000 objects is not walked to open it). */
    private readonly offset: (i: number) => number,
  ) {
    this.length = fstatSync((this.fd = openSync(file, 'r'))).size;
  }

  static load(idxFile: string): PackFile | null {
    let idx: Buffer;
    try {
      idx = readFileSync(idxFile);
    } catch {
      return null;
    }
    const v2 = idx.length >= 8 && idx.readUInt32BE(0) === 0xff744f63;
    if (v2 && idx.readUInt32BE(4) !== 2) return null;
    const fanAt = v2 ? 8 : 0;
    if (idx.length < fanAt + 1024) return null;
    const fanout = new Uint32Array(256);
    for (let b = 0; b < 256; b++) fanout[b] = idx.readUInt32BE(fanAt + b * 4);
    const n = fanout[255]!;
    let ids: Buffer;
    let offset: (i: number) => number;
    if (v2) {
      const idsAt = fanAt + 1024;
      const offAt = idsAt + n * 24; // after the ids and their CRCs
      const bigAt = offAt + n * 4;
      if (idx.length < bigAt + 40) return null;
      ids = idx.subarray(idsAt, idsAt + n * 20);
      offset = (i) => {
        const o = idx.readUInt32BE(offAt + i * 4);
        return o & 0x80000000 ? Number(idx.readBigUInt64BE(bigAt + (o & 0x7fffffff) * 8)) : o;
      };
    } else {
      const at = fanAt + 1024;
      if (idx.length < at + n * 24 + 40) return null;
      ids = Buffer.allocUnsafe(n * 20);
      for (let i = 0; i < n; i++) idx.copy(ids, i * 20, at + i * 24 + 4, at + i * 24 + 24);
      offset = (i) => idx.readUInt32BE(at + i * 24);
    }
    try {
      return new PackFile(idxFile.replace(/\.idx$/, '.pack'), ids, fanout, offset);
    } catch {
      return null; // an index without its pack (being written, or removed by gc)
    }
  }

  /** The offset of an object, or -1. */
  find(key: Buffer): number {
    let lo = key[0] === 0 ? 0 : this.fanout[key[0]! - 1]!;
    let hi = this.fanout[key[0]!]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = key.compare(this.ids, mid * 20, mid * 20 + 20);
      if (c === 0) return this.offset(mid);
      if (c > 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Where the entry at `offset` ends: the next entry's start (or the trailing checksum). */
  end(offset: number): number {
    if (!this.ends) this.ends = Float64Array.from({ length: this.fanout[255]! }, (_, i) => this.offset(i)).sort();
    const e = this.ends;
    let [lo, hi] = [0, e.length - 1];
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (e[mid]! <= offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return lo < e.length ? e[lo]! : this.length - 20;
  }

  /** One buffer for the compressed bytes of every small object read (they are inflated at once, never kept). */
  private static scratch = Buffer.allocUnsafeSlow(1 << 20);

  /** Bytes of the pack; a view of a shared buffer that the next read overwrites: use it before reading again. */
  read(pos: number, len: number): Buffer {
    const want = Math.max(0, Math.min(len, this.length - pos));
    const buf = want <= PackFile.scratch.length ? PackFile.scratch.subarray(0, want) : Buffer.allocUnsafe(want);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(this.fd, buf, got, buf.length - got, pos + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  }
}

export const damaged = (what: string) => gitError('failed', `The repository's object store is damaged (${what}). Run git fsck to see what is wrong.`);

/** The objects of one repository (its packs, loose objects and alternates). One per repository in a process. */
export class ObjectStore {
  private static readonly stores = new Map<string, ObjectStore>();
  private packs: PackFile[] = [];
  private packNames = new Set<string>();
  private readonly dirs: string[];
  private cache = new Map<string, { type: number; content: Buffer }>();
  private cached = 0;

  private constructor(objects: string) {
    this.dirs = [objects, ...alternates(objects)];
    this.rescan();
  }

  static for(repo: Pick<Repo, 'commondir'>): ObjectStore {
    let s = ObjectStore.stores.get(repo.commondir);
    if (!s) ObjectStore.stores.set(repo.commondir, (s = new ObjectStore(path.join(repo.commondir, 'objects'))));
    return s;
  }

  /** Packs added since (a fetch, a gc): read their indexes. Returns whether any was new. */
  private rescan(): boolean {
    let added = false;
    for (const dir of this.dirs) {
      let names: string[] = [];
      try {
        names = readdirSync(path.join(dir, 'pack')).filter((n) => n.endsWith('.idx'));
      } catch {
        continue;
      }
      for (const n of names) {
        const file = path.join(dir, 'pack', n);
        if (this.packNames.has(file)) continue;
        const p = PackFile.load(file);
        if (!p) continue;
        this.packNames.add(file);
        this.packs.push(p);
        added = true;
      }
    }
    return added;
  }

  private remember(key: string, type: number, content: Buffer): void {
    if (content.length > CACHE_BYTES / 8 || this.cache.has(key)) return;
    this.cache.set(key, { type, content });
    this.cached += content.length + 128;
    while (this.cached > CACHE_BYTES) {
      const [k, v] = this.cache.entries().next().value as [string, { type: number; content: Buffer }];
      this.cache.delete(k);
      this.cached -= v.content.length + 128;
    }
  }

  /** An object by id: its type and content. Throws not-found when no pack and no loose file holds it. */
  read(oid: string): { type: ObjectType; content: Buffer } {
    const hit = this.hit(oid);
    if (hit) return { type: TYPES[hit.type]!, content: hit.content };
    const got = this.find(oid);
    if (!got) throw gitError('not-found', `The object ${oid} is not in the repository.`);
    return { type: TYPES[got.type]!, content: got.content };
  }

  private find(oid: string): { type: number; content: Buffer } | null {
    if (!/^[0-9a-f]{40}$/.test(oid)) return null;
    const key = Buffer.from(oid, 'hex');
    for (let round = 0; round < 2; round++) {
      for (const p of this.packs) {
        const at = p.find(key);
        if (at !== -1) return this.packed(p, at);
      }
      const loose = this.loose(oid);
      if (loose) return loose;
      if (!this.rescan()) break; // a pack written since the list was read
    }
    return null;
  }

  private loose(oid: string): { type: number; content: Buffer } | null {
    for (const dir of this.dirs) {
      let raw: Buffer;
      try {
        raw = zlib.inflateSync(readFileSync(path.join(dir, oid.slice(0, 2), oid.slice(2))));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw damaged(`the loose object ${oid} does not inflate`);
      }
      const nul = raw.indexOf(0);
      const [name, size] = raw.toString('latin1', 0, nul).split(' ');
      const type = Number(Object.keys(TYPES).find((k) => TYPES[Number(k)] === name));
      if (!type || Number(size) !== raw.length - nul - 1) throw damaged(`the loose object ${oid} has a bad header`);
      return { type, content: raw.subarray(nul + 1) };
    }
    return null;
  }

  /** The object at `offset` of a pack: its delta chain followed down to a base, then applied upwards once. */
  private packed(p: PackFile, offset: number): { type: number; content: Buffer } {
    const chain: { at: number; delta: Buffer }[] = [];
    let at = offset;
    let base: { type: number; content: Buffer } | null = null;
    for (let depth = 0; !base; depth++) {
      if (depth > 10_000) throw damaged(`a delta chain in ${path.basename(p.file)} does not end`);
      const key = `${p.file}:${at}`;
      const hit = this.hit(key);
      if (hit) {
        base = hit;
        break;
      }
      const { kind, back, baseId, data } = this.entry(p, at);
      const next = kind === OFS_DELTA ? at - back : -1;
      if (baseId) {
        const found = this.find(baseId);
        if (!found) throw damaged(`the base ${baseId} of a delta is missing`);
        base = found;
      }
      if (kind <= 4) base = { type: kind, content: data };
      else {
        chain.push({ at, delta: data });
        if (next !== -1) at = next;
      }
      if (kind <= 4 && chain.length) this.remember(key, kind, data);
    }
    // every step kept, as git's delta base cache keeps them: the history is read version after version of the same
    // file, each a delta of the next, and each then costs one delta, not its whole chain again
    let content = base.content;
    if (chain.length === 0) this.remember(`${p.file}:${offset}`, base.type, content);
    for (let i = chain.length - 1; i >= 0; i--) {
      try {
        content = applyDelta(chain[i]!.delta, content);
      } catch {
        throw damaged(`the delta at ${chain[i]!.at} of ${path.basename(p.file)} does not apply to its base`);
      }
      this.remember(`${p.file}:${chain[i]!.at}`, base.type, content);
    }
    return { type: base.type, content };
  }

  /**
   * The entry at `at`, inflated. Its compressed bytes are read up to zlib's bound for its size (a deflate stream of n
   * bytes from git's zlib is never longer), so no sorted table of every entry's end is needed (building one for a pack
   * of 300,000 objects cost a status 25 ms); a stream longer than the bound (another compressor's) is read to its end.
   */
  private entry(p: PackFile, at: number) {
    const head = entryHeader(p.read(at, 64));
    const bound = head.dataAt + head.size + 5 * (Math.floor(head.size / 16_000) + 1) + 64;
    for (const len of [bound, -1]) {
      const b = p.read(at, len === -1 ? p.end(at) - at : len);
      const h = entryHeader(b);
      if (h.kind !== OFS_DELTA && h.kind !== REF_DELTA && !TYPES[h.kind]) throw damaged(`an object of unknown type ${h.kind} in ${path.basename(p.file)}`);
      let data: Buffer;
      try {
        data = zlib.inflateSync(b.subarray(h.dataAt), { chunkSize: Math.max(64, h.size) }); // before any other read reuses b
      } catch {
        if (len !== -1) continue; // cut short by the bound: read to the entry's end
        throw damaged(`the object at ${at} of ${path.basename(p.file)} does not inflate`);
      }
      if (data.length !== h.size) throw damaged(`the object at ${at} of ${path.basename(p.file)} is not the size it says`);
      return { ...h, data };
    }
    throw damaged(`the object at ${at} of ${path.basename(p.file)} does not inflate`);
  }

  /** A kept object, moved to the end of the eviction order (least recently used goes first). */
  private hit(key: string): { type: number; content: Buffer } | undefined {
    const v = this.cache.get(key);
    if (v) {
      this.cache.delete(key);
      this.cache.set(key, v);
    }
    return v;
  }

  /** A commit's fields; not-found when the id names no commit. */
  commit(oid: string): CommitObject {
    const o = this.read(oid);
    if (o.type !== 'commit') throw gitError('not-found', `${oid} is a ${o.type}, not a commit.`);
    return parseCommit(o.content, oid);
  }

  /** A tree's entries in git's order; not-found when the id names no tree. */
  tree(oid: string): TreeEntry[] {
    const o = this.read(oid);
    if (o.type !== 'tree') throw gitError('not-found', `${oid} is a ${o.type}, not a tree.`);
    return parseTree(o.content, oid);
  }

  /** A tree's raw content (for diffRawTrees); not-found when the id names no tree. */
  readTree(oid: string): Buffer {
    const o = this.read(oid);
    if (o.type !== 'tree') throw gitError('not-found', `${oid} is a ${o.type}, not a tree.`);
    return o.content;
  }

  /** The blob at `filepath` in a tree (null when there is none: absent, a folder, a link or a submodule). */
  blobAt(treeOid: string, filepath: string): { oid: string; content: Buffer } | null {
    const entry = this.entryAt(treeOid, filepath);
    return entry && entry.type === 'blob' && entry.mode !== '120000' ? { oid: entry.oid, content: this.read(entry.oid).content } : null;
  }

  /** The entry at `filepath` in a tree, or null. */
  entryAt(treeOid: string, filepath: string): TreeEntry | null {
    const parts = filepath.split('/');
    let tree = treeOid;
    for (let i = 0; i < parts.length; i++) {
      const e = this.tree(tree).find((x) => x.name === parts[i]);
      if (!e) return null;
      if (i === parts.length - 1) return e;
      if (e.type !== 'tree') return null;
      tree = e.oid;
    }
    return null;
  }
}

function alternates(objects: string): string[] {
  try {
    return readFileSync(path.join(objects, 'info', 'alternates'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => path.resolve(objects, l));
  } catch {
    return [];
  }
}

/** Names and emails seen, each kept once (a history has a handful of authors and 50,000 commits). */
const interned = new Map<string, string>();
const intern = (x: string) => {
  const known = interned.get(x);
  if (known !== undefined) return known;
  if (interned.size < 10_000) interned.set(x, x);
  return x;
};

/** "Name <email> 1700000000 +0200" as isomorphic-git gives it (offset in minutes west of UTC, as Date does). */
function person(line: string): CommitObject['author'] {
  const m = /^(.*?) ?<([^>]*)> (\d+) ([+-])(\d\d)(\d\d)$/.exec(line);
  if (!m) return { name: line, email: '', timestamp: 0, timezoneOffset: 0 };
  const minutes = Number(m[5]) * 60 + Number(m[6]);
  return { name: intern(m[1]!), email: intern(m[2]!), timestamp: Number(m[3]), timezoneOffset: m[4] === '-' ? minutes : -minutes };
}

/**
 * A commit's fields, each decoded from its own bytes: a field sliced from the whole text would keep all of it (its
 * signature too) alive as long as the field is kept, and the commit index keeps 50,000 of them.
 */
function parseCommit(buf: Buffer, oid: string): CommitObject {
  const blank = buf.indexOf('\n\n');
  const headEnd = blank === -1 ? buf.length : blank;
  const c: CommitObject = { tree: '', parents: [], author: person(''), committer: person(''), message: blank === -1 ? '' : buf.toString('utf8', blank + 2) };
  for (let i = 0; i < headEnd;) {
    let j = buf.indexOf(0x0a, i);
    if (j === -1 || j > headEnd) j = headEnd;
    if (buf[i] !== 0x20) {
      // not a continuation (gpgsig, mergetag)
      const sp = buf.indexOf(0x20, i);
      const key = sp === -1 || sp > j ? '' : buf.toString('latin1', i, sp);
      if (key === 'tree') c.tree = buf.toString('latin1', sp + 1, j);
      else if (key === 'parent') c.parents.push(buf.toString('latin1', sp + 1, j));
      else if (key === 'author') c.author = person(buf.toString('utf8', sp + 1, j));
      else if (key === 'committer') c.committer = person(buf.toString('utf8', sp + 1, j));
    }
    i = j + 1;
  }
  if (!/^[0-9a-f]{40}$/.test(c.tree)) throw damaged(`the commit ${oid} names no tree`);
  return c;
}

function parseTree(buf: Buffer, oid: string): TreeEntry[] {
  const out: TreeEntry[] = [];
  let i = 0;
  while (i < buf.length) {
    const sp = buf.indexOf(0x20, i);
    const nul = buf.indexOf(0, sp);
    if (sp === -1 || nul === -1 || nul + 21 > buf.length) throw damaged(`the tree ${oid} is cut short`);
    const mode = buf.toString('latin1', i, sp);
    out.push({
      mode,
      name: buf.toString('utf8', sp + 1, nul),
      oid: buf.toString('hex', nul + 1, nul + 21),
      type: mode.startsWith('4') ? 'tree' : mode === '160000' ? 'commit' : 'blob',
    });
    i = nul + 21;
  }
  return out;
}

/** Yields to the event loop when `ms` have passed since `since` (a long read loop stays out of the app's way). */
export async function breathe(since: { t: number }, ms = 20): Promise<void> {
  if (performance.now() - since.t < ms) return;
  await new Promise((r) => setImmediate(r));
  since.t = performance.now();
}
