/**
 * A git pack file read with bounded memory: indexed in one pass (what `git index-pack` does) and read object by
 * object, a large blob streamed rather than held whole. isomorphic-git keeps every object of a pack in memory while
 * it indexes it and inflates each one whole: a clone of 100,000 small files took 1.3 GB (git: 25 MB), one of a
 * 512 MB blob 2.2 GB (git: 0.5 GB). Here only deltas and their bases are held, in a cache of bounded size.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import zlib from 'node:zlib';
import { gitError } from './errors.js';

export type ObjectType = 'commit' | 'tree' | 'blob' | 'tag';
export const TYPES: Record<number, ObjectType> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };
export const OFS_DELTA = 6;
export const REF_DELTA = 7;

/**
 * A pack entry's header (git's format): its kind, the size its data inflates to, how far back an OFS_DELTA's base
 * starts, a REF_DELTA's base id, and where the compressed data starts. Shared by the clone's indexer and ObjectStore.
 */
export function entryHeader(b: Buffer): { kind: number; size: number; back: number; baseId: string | null; dataAt: number } {
  let k = 0;
  let c = b[k++]!;
  const kind = (c >> 4) & 7;
  let size = c & 15;
  let shift = 4;
  while (c & 0x80) {
    c = b[k++]!;
    size += (c & 0x7f) * 2 ** shift;
    shift += 7;
  }
  let back = 0;
  let baseId: string | null = null;
  if (kind === OFS_DELTA) {
    c = b[k++]!;
    back = c & 0x7f;
    while (c & 0x80) {
      c = b[k++]!;
      back = (back + 1) * 128 + (c & 0x7f);
    }
  } else if (kind === REF_DELTA) {
    baseId = b.toString('hex', k, k + 20);
    k += 20;
  }
  return { kind, size, back, baseId, dataAt: k };
}
/** Objects at least this big are inflated as a stream (never whole in memory) when they are not a delta's base. */
export const STREAM_AT = 1 << 20;
/** Bytes of resolved delta bases kept for the deltas after them. */
const CACHE_BYTES = 32 << 20;
const CHUNK = 1 << 20;

/** One object of the pack, as its header says (a view of the table's row while it is read). */
interface Entry {
  i: number;
  offset: number;
  /** Where the next entry starts (the end of this one's compressed data). */
  end: number;
  kind: number;
  size: number;
  dataOffset: number;
}

/**
 * The pack's objects in typed arrays, one row each (about 60 bytes a row: 100,000 objects in 6 MB, where objects and
 * maps took 60): where each starts and ends, its kind and size, its base, its id once known, and the rows sorted by id.
 */
class Table {
  readonly offset: Float64Array;
  readonly end: Float64Array;
  readonly dataOffset: Float64Array;
  readonly size: Float64Array;
  readonly kind: Uint8Array;
  /** The resolved type (1-4), 0 until known. */
  readonly type: Uint8Array;
  /** The row of an OFS_DELTA's base; -1 otherwise. */
  readonly base: Int32Array;
  /** A REF_DELTA's base id, by row (rare: servers send offsets when asked). */
  readonly refBase = new Map<number, string>();
  readonly oids: Buffer;
  readonly crc: Uint32Array;
  /** Rows with an id, sorted by it (rebuilt when ids are added). */
  private sorted = new Uint32Array(0);
  private sortedFor = -1;
  known = 0;

  constructor(readonly count: number) {
    [this.offset, this.end, this.dataOffset, this.size] = [0, 0, 0, 0].map(() => new Float64Array(count)) as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    this.kind = new Uint8Array(count);
    this.type = new Uint8Array(count);
    this.base = new Int32Array(count).fill(-1);
    this.oids = Buffer.alloc(count * 20);
    this.crc = new Uint32Array(count);
  }

  entry(i: number): Entry {
    return { i, offset: this.offset[i]!, end: this.end[i]!, kind: this.kind[i]!, size: this.size[i]!, dataOffset: this.dataOffset[i]! };
  }

  oid(i: number): string {
    return this.oids.toString('hex', i * 20, i * 20 + 20);
  }

  setOid(i: number, oid: Buffer, type: number): void {
    oid.copy(this.oids, i * 20);
    this.type[i] = type;
    this.known++;
  }

  /** The row at a byte offset (rows are in offset order), or -1. */
  rowAt(offset: number, below: number): number {
    let [lo, hi] = [0, below - 1];
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.offset[mid]!;
      if (v === offset) return mid;
      if (v < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private byId(): Uint32Array {
    if (this.sortedFor !== this.known) {
      const rows: number[] = [];
      for (let i = 0; i < this.count; i++) if (this.type[i]) rows.push(i);
      rows.sort((a, b) => this.oids.compare(this.oids, b * 20, b * 20 + 20, a * 20, a * 20 + 20));
      this.sorted = Uint32Array.from(rows);
      this.sortedFor = this.known;
    }
    return this.sorted;
  }

  /** The row of an object id, or -1. */
  find(oid: string): number {
    if (!/^[0-9a-f]{40}$/.test(oid)) return -1;
    const key = Buffer.from(oid, 'hex');
    const sorted = this.byId();
    let [lo, hi] = [0, sorted.length - 1];
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const row = sorted[mid]!;
      const c = this.oids.compare(key, 0, 20, row * 20, row * 20 + 20);
      if (c === 0) return row;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Every row in id order (for the .idx). */
  inIdOrder(): Uint32Array {
    return this.byId();
  }
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const corrupt = (why: string) => gitError('failed', `The pack the server sent is damaged (${why}); nothing was cloned. Try again.`);

/** git's delta format: copy runs of the base and inserts, into a result of the size it declares. */
export function applyDelta(delta: Buffer, base: Buffer): Buffer {
  let i = 0;
  const varint = () => {
    let n = 0;
    let shift = 0;
    let b: number;
    do {
      b = delta[i++]!;
      n += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80 && i < delta.length);
    return n;
  };
  if (varint() !== base.length) throw corrupt('a delta does not fit its base');
  const out = Buffer.allocUnsafeSlow(varint()); // its own memory: a small result kept in a cache must not hold a pooled 8 KB slab
  let o = 0;
  while (i < delta.length) {
    const op = delta[i++]!;
    if (op & 0x80) {
      let off = 0;
      let len = 0;
      for (let k = 0; k < 4; k++) if (op & (1 << k)) off += delta[i++]! * 2 ** (8 * k);
      for (let k = 0; k < 3; k++) if (op & (1 << (4 + k))) len += delta[i++]! * 2 ** (8 * k);
      if (len === 0) len = 0x10000;
      if (off + len > base.length || o + len > out.length) throw corrupt('a delta copies past its base');
      base.copy(out, o, off, off + len);
      o += len;
    } else if (op) {
      if (o + op > out.length || i + op > delta.length) throw corrupt('a delta inserts past its end');
      delta.copy(out, o, i, i + op);
      i += op;
      o += op;
    } else throw corrupt('a delta has an unknown instruction');
  }
  if (o !== out.length) throw corrupt('a delta is shorter than it says');
  return out;
}

/** The header of an object in git's sense ("blob 12\0"), which its id hashes first. */
const objectHash = (type: ObjectType, size: number): Hash => createHash('sha1').update(`${type} ${size}\0`);

/** A pack file on disk, indexed: its objects by id, each read whole or streamed. */
export class Pack {
  private t = new Table(0);
  private cache = new Map<number, Buffer>();
  private cached = 0;

  private constructor(
    private readonly fh: FileHandle,
    private readonly length: number,
  ) {}

  /** Reads and indexes `file` (a whole pack: header, objects, trailing checksum), checking every object's data. */
  static async index(file: string, onProgress?: (done: number, total: number) => void): Promise<Pack> {
    const fh = await open(file, 'r');
    try {
      const { size } = await fh.stat();
      const pack = new Pack(fh, size);
      await pack.scan(onProgress);
      return pack;
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  has(oid: string): boolean {
    return this.t.find(oid) !== -1;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }

  /** The last window read by the scan: most of its reads fall inside the one before (one read, not thousands). */
  private window = { pos: 0, buf: Buffer.alloc(0) };

  /**
   * Bytes of the pack. `windowed` (the scan, one read at a time): served from a window of 1 MB, as a view the caller
   * reads at once. Otherwise (objects read while others are: the checkout) exactly the bytes asked for, fresh.
   */
  private async read(pos: number, len: number, windowed = false): Promise<Buffer> {
    const want = Math.max(0, Math.min(len, this.length - 20 - pos));
    const w = this.window;
    if (windowed && pos >= w.pos && pos + want <= w.pos + w.buf.length) return w.buf.subarray(pos - w.pos, pos - w.pos + want);
    const buf = Buffer.allocUnsafe(windowed ? Math.max(want, Math.min(CHUNK, this.length - 20 - pos)) : want);
    const { bytesRead } = await this.fh.read(buf, 0, buf.length, pos);
    if (windowed && buf.length <= CHUNK) this.window = { pos, buf: buf.subarray(0, bytesRead) };
    return buf.subarray(0, Math.min(want, bytesRead));
  }

  private async scan(onProgress?: (done: number, total: number) => void): Promise<void> {
    const head = await this.read(0, 12, true);
    if (head.length < 12 || head.toString('latin1', 0, 4) !== 'PACK' || ![2, 3].includes(head.readUInt32BE(4))) throw corrupt('no pack header');
    const total = head.readUInt32BE(8);
    if (total > this.length / 2) throw corrupt(`it claims ${total} objects in ${this.length} bytes`);
    this.t = new Table(total);
    // the checksum of everything before it
    const sum = createHash('sha1');
    for (let pos = 0; pos < this.length - 20; pos += CHUNK) sum.update(await this.read(pos, Math.min(CHUNK, this.length - 20 - pos), true));
    const trailer = Buffer.allocUnsafe(20);
    await this.fh.read(trailer, 0, 20, this.length - 20);
    if (!sum.digest().equals(trailer)) throw corrupt('its checksum does not match');
    let pos = 12;
    for (let n = 0; n < total; n++) {
      if (pos >= this.length - 20) throw corrupt('fewer objects than it says');
      const e = await this.header(n, pos);
      this.t.end[n] = e.end = await this.inflateEnd(e);
      // the entry's CRC for the .idx, while its bytes are in the window (in id order they would be read at random)
      let crc = 0;
      for (let at = e.offset; at < e.end; at += CHUNK) crc = crc32(await this.read(at, Math.min(CHUNK, e.end - at), true), crc);
      this.t.crc[n] = crc;
      pos = e.end;
      if (n % 1000 === 0) onProgress?.(n, total);
    }
    if (pos !== this.length - 20) throw corrupt('bytes after its last object');
    await this.resolveAll(total, onProgress);
  }

  private async header(i: number, offset: number): Promise<Entry> {
    const b = await this.read(offset, 32, true);
    const { kind, size, back, baseId, dataAt: k } = entryHeader(b);
    const t = this.t;
    if (kind === OFS_DELTA) {
      const row = t.rowAt(offset - back, i);
      if (row === -1) throw corrupt(`a delta at ${offset} names no object as its base`);
      t.base[i] = row;
    } else if (kind === REF_DELTA) t.refBase.set(i, baseId!);
    else if (!TYPES[kind]) throw corrupt(`an object of unknown type ${kind}`);
    if (k > b.length) throw corrupt('an object header runs past its end');
    [t.offset[i], t.kind[i], t.size[i], t.dataOffset[i]] = [offset, kind, size, offset + k];
    return t.entry(i);
  }

  /**
   * Inflates an entry's data without keeping it (a non-delta object is hashed on the way, which gives its id): returns
   * where its compressed data ends. Small ones at once, big ones as a stream.
   */
  private async inflateEnd(e: Entry): Promise<number> {
    const hash = e.kind <= 4 ? objectHash(TYPES[e.kind]!, e.size) : null;
    let consumed: number;
    if (e.size < STREAM_AT) {
      const window = await this.read(e.dataOffset, e.size + Math.ceil(e.size / 100) + 64, true);
      let r: { buffer: Buffer; engine: zlib.Inflate } | null = null;
      try {
        r = zlib.inflateSync(window, { info: true, chunkSize: Math.max(64, e.size) }) as unknown as { buffer: Buffer; engine: zlib.Inflate };
      } catch {
        // compressed bigger than the window (odd but valid compression): the stream reads as far as it needs
        if (e.dataOffset + window.length >= this.length - 20) throw corrupt(`the object at ${e.offset} does not inflate`);
      }
      if (r && r.buffer.length !== e.size) throw corrupt(`the object at ${e.offset} is not the size it says`);
      if (r) hash?.update(r.buffer);
      consumed = r ? r.engine.bytesWritten : await this.stream(e, (chunk) => void hash?.update(chunk));
    } else consumed = await this.stream(e, (chunk) => void hash?.update(chunk));
    if (hash) this.t.setOid(e.i, hash.digest(), e.kind);
    return e.dataOffset + consumed;
  }

  /** Streams an entry's inflated data to `sink` in chunks; returns the compressed bytes it took. */
  private stream(e: Entry, sink: (chunk: Buffer) => void | Promise<void>): Promise<number> {
    return new Promise((resolve, reject) => {
      const inflate = zlib.createInflate();
      let produced = 0;
      let pos = e.dataOffset;
      let done = false;
      let failed = false;
      const fail = (why: string) => {
        if (failed) return;
        failed = true;
        inflate.destroy();
        reject(corrupt(why));
      };
      inflate.on('data', (chunk: Buffer) => {
        produced += chunk.length;
        const r = sink(chunk);
        if (r) {
          inflate.pause();
          r.then(
            () => inflate.resume(),
            (err: unknown) => ((failed = true), inflate.destroy(), reject(err)),
          );
        }
      });
      inflate.on('error', () => fail(`the object at ${e.offset} does not inflate`));
      inflate.on('end', () => {
        done = true;
        if (produced !== e.size) fail(`the object at ${e.offset} is not the size it says`);
        else resolve(inflate.bytesWritten);
      });
      const feed = async () => {
        while (!done && !failed && pos < this.length - 20) {
          const chunk = await this.read(pos, CHUNK); // fresh: zlib may still hold the one before
          pos += chunk.length;
          if (!inflate.write(chunk)) await new Promise((r) => inflate.once('drain', r));
        }
        if (!done && !failed) inflate.end();
      };
      feed().catch((err: unknown) => fail(String(err)));
    });
  }

  /** Every delta's id and type: resolved against its base (in this pack), base before child. */
  private async resolveAll(total: number, onProgress?: (done: number, total: number) => void): Promise<void> {
    const t = this.t;
    let pending: number[] = [];
    for (let i = 0; i < total; i++) if (!t.type[i]) pending.push(i);
    let n = total - pending.length;
    while (pending.length) {
      const next: number[] = [];
      for (const i of pending) {
        const base = this.baseOf(i);
        if (base === -1 || !t.type[base]) {
          next.push(i); // a base not resolved yet (a REF_DELTA's, or a delta's own delta)
          continue;
        }
        const content = await this.content(i);
        const type = t.type[base]!;
        t.setOid(i, objectHash(TYPES[type]!, content.length).update(content).digest(), type);
        if (++n % 1000 === 0) onProgress?.(n, total);
      }
      if (next.length === pending.length) throw corrupt(`${next.length} deltas whose bases are not in it (a thin pack)`);
      pending = next;
    }
  }

  private baseOf(i: number): number {
    const ref = this.t.refBase.get(i);
    return ref === undefined ? this.t.base[i]! : this.t.find(ref);
  }

  private remember(row: number, content: Buffer): void {
    if (content.length > CACHE_BYTES / 4 || this.cache.has(row)) return;
    const cost = (b: Buffer) => b.length + 256; // a small buffer costs more than its bytes
    this.cache.set(row, content);
    this.cached += cost(content);
    while (this.cached > CACHE_BYTES) {
      const [first, buf] = this.cache.entries().next().value as [number, Buffer];
      this.cache.delete(first);
      this.cached -= cost(buf);
    }
  }

  /** A row's content, whole: inflated, and for a delta applied to its base (bases are cached, nothing else). */
  private async content(i: number, asBase = false): Promise<Buffer> {
    const hit = this.cache.get(i);
    if (hit) return hit;
    const e = this.t.entry(i);
    const data = await this.read(e.dataOffset, e.end - e.dataOffset);
    let raw: Buffer;
    try {
      raw = zlib.inflateSync(data, { chunkSize: Math.max(64, e.size) }); // the size it says: no 16 KB buffer per small object
    } catch {
      throw corrupt(`the object at ${e.offset} does not inflate`);
    }
    const out = e.kind === OFS_DELTA || e.kind === REF_DELTA ? applyDelta(raw, await this.content(this.baseOf(i), true)) : raw;
    if (asBase) this.remember(i, out);
    return out;
  }

  private row(oid: string): number {
    const i = this.t.find(oid);
    if (i === -1) throw gitError('not-found', `The object ${oid} is not in the pack.`);
    return i;
  }

  /** An object by id: its type and whole content. */
  async object(oid: string): Promise<{ type: ObjectType; content: Buffer }> {
    const i = this.row(oid);
    return { type: TYPES[this.t.type[i]!]!, content: await this.content(i) };
  }

  /** The size of an object, and whether it is streamed (big and not a delta: no base needs to be read). */
  info(oid: string): { size: number; streams: boolean } | null {
    const i = this.t.find(oid);
    if (i === -1) return null;
    const plain = this.t.kind[i]! <= 4;
    return { size: plain ? this.t.size[i]! : -1, streams: plain && this.t.size[i]! >= STREAM_AT };
  }

  /** Writes a big non-delta object's content to `sink`, chunk by chunk. */
  async streamObject(oid: string, sink: (chunk: Buffer) => Promise<void>): Promise<void> {
    const i = this.row(oid);
    if (this.t.kind[i]! > 4) throw gitError('not-found', `The object ${oid} cannot be streamed.`);
    await this.stream(this.t.entry(i), sink);
  }

  /** The pack's index (version 2, as git writes it), which git and isomorphic-git read beside the pack. */
  async indexFile(): Promise<{ idx: Buffer; packSha: string }> {
    const t = this.t;
    const rows = t.inIdOrder();
    const n = rows.length;
    const big = [...rows].filter((i) => t.offset[i]! >= 0x80000000);
    const out = Buffer.alloc(8 + 1024 + n * 28 + big.length * 8 + 40);
    out.writeUInt32BE(0xff744f63, 0);
    out.writeUInt32BE(2, 4);
    let pos = 8;
    for (let b = 0, k = 0; b < 256; b++) {
      while (k < n && t.oids[rows[k]! * 20]! <= b) k++;
      out.writeUInt32BE(k, pos + b * 4);
    }
    pos += 1024;
    for (const i of rows) pos += t.oids.copy(out, pos, i * 20, i * 20 + 20);
    for (const i of rows) pos = out.writeUInt32BE(t.crc[i]!, pos);
    let k = 0;
    for (const i of rows) pos = out.writeUInt32BE(t.offset[i]! < 0x80000000 ? t.offset[i]! : (0x80000000 | k++) >>> 0, pos);
    for (const i of big) pos = out.writeBigUInt64BE(BigInt(t.offset[i]!), pos);
    const trailer = Buffer.allocUnsafe(20);
    await this.fh.read(trailer, 0, 20, this.length - 20);
    pos += trailer.copy(out, pos);
    createHash('sha1').update(out.subarray(0, pos)).digest().copy(out, pos);
    return { idx: out, packSha: trailer.toString('hex') };
  }
}
