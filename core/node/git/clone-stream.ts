/**
 * A clone with bounded memory: git's smart-HTTP protocol spoken here (ref list, one upload-pack request), the pack
 * streamed to disk as it arrives, indexed by `Pack` and checked out file by file, a big blob streamed into its file.
 * isomorphic-git's clone holds the whole pack, every object of it while indexing, and each blob whole while writing
 * it. The result is an ordinary repository (a pack, its .idx, packed-refs, an index git reads) that isomorphic-git
 * and system git both use from then on.
 */
import { randomBytes } from 'node:crypto';
import { createHash } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { lstat, mkdir, open, rename, symlink, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import { gitError } from './errors.js';
import { collect } from './http.js';
import { writeEntryStat } from './index-file.js';
import { newRepository } from './new-repo.js';
import { Pack } from './pack.js';
import { findRepo, gitFs } from './repo.js';
import { logRefUpdate } from './reflog.js';
import { git } from './iso.js';

export interface StreamCloneOptions {
  /** The operation's HTTP (transport.ts): redirects, credentials, proxies and TLS as git has them. */
  http: HttpClient;
  onProgress?: (phase: string, loaded: number, total: number | undefined) => void;
}

const pkt = (line: string) => `${(line.length + 4).toString(16).padStart(4, '0')}${line}`;

/** One HTTP exchange with the repository at `base` (a status other than 200 is an error, as transport.ts words it). */
function client(base: string, o: StreamCloneOptions) {
  return (req: Omit<GitHttpRequest, 'url'> & { path: string }): Promise<GitHttpResponse> => o.http.request({ ...req, url: `${base}${req.path}` });
}

/** pkt-lines of a whole body (the ref list), as strings. */
async function lines(body: GitHttpResponse['body']): Promise<string[]> {
  const buf = Buffer.from(await collect(body));
  const out: string[] = [];
  for (let i = 0; i + 4 <= buf.length;) {
    const len = Number.parseInt(buf.toString('latin1', i, i + 4), 16);
    if (len === 0) {
      i += 4;
      continue;
    }
    out.push(buf.toString('utf8', i + 4, i + len).replace(/\n$/, ''));
    i += len;
  }
  return out;
}

interface Advertised {
  refs: Map<string, string>;
  /** ref -> the commit an annotated tag points to */
  peeled: Map<string, string>;
  caps: Set<string>;
  head: string | null;
}

async function discover(send: ReturnType<typeof client>): Promise<Advertised> {
  const res = await send({ path: '/info/refs?service=git-upload-pack', method: 'GET', headers: { accept: '*/*' } });
  if (!/application\/x-git-upload-pack-advertisement/.test(String(res.headers?.['content-type'] ?? '')))
    throw gitError('failed', 'The server does not speak git’s smart HTTP protocol (a dumb HTTP server, or not a git repository).');
  const refs = new Map<string, string>();
  const peeled = new Map<string, string>();
  let caps = new Set<string>();
  for (const line of await lines(res.body)) {
    if (line.startsWith('#')) continue;
    const [refPart, capPart] = line.split('\0');
    if (capPart !== undefined) caps = new Set(capPart.trim().split(' '));
    const m = /^([0-9a-f]{40}) (\S+)$/.exec(refPart ?? '');
    if (!m) continue;
    if (m[2]!.endsWith('^{}')) peeled.set(m[2]!.slice(0, -3), m[1]!);
    else if (m[2] !== 'capabilities^{}') refs.set(m[2]!, m[1]!);
  }
  if (caps.has('object-format=sha256'))
    throw gitError('failed', 'The repository is in the SHA-256 object format: object format sha256 is not supported yet. Nothing was cloned.');
  const symref = [...caps].find((c) => c.startsWith('symref=HEAD:'))?.slice('symref=HEAD:'.length) ?? null;
  return { refs, peeled, caps, head: symref };
}

/** The branch a clone checks out: the one HEAD names, else one with HEAD's commit, else main, master, the first. */
function defaultBranch(ad: Advertised): string | null {
  const branches = [...ad.refs.keys()].filter((r) => r.startsWith('refs/heads/'));
  if (ad.head && ad.refs.has(ad.head)) return ad.head;
  const headOid = ad.refs.get('HEAD');
  return (
    branches.find((b) => ad.refs.get(b) === headOid) ??
    branches.find((b) => b === 'refs/heads/main') ??
    branches.find((b) => b === 'refs/heads/master') ??
    branches[0] ??
    null
  );
}

/** Asks for every branch and tag and writes the pack (from side band 1) to `file` as it arrives. */
async function fetchPack(send: ReturnType<typeof client>, ad: Advertised, file: string, o: StreamCloneOptions): Promise<void> {
  const wants = [...new Set([...ad.refs].filter(([r]) => r.startsWith('refs/heads/') || r.startsWith('refs/tags/')).map(([, oid]) => oid))];
  const band = ad.caps.has('side-band-64k') ? 'side-band-64k' : ad.caps.has('side-band') ? 'side-band' : null;
  const caps = [band, ad.caps.has('ofs-delta') ? 'ofs-delta' : null, 'agent=covenant'].filter(Boolean).join(' ');
  const body = wants.map((w, i) => pkt(`want ${w}${i === 0 ? ` ${caps}` : ''}\n`)).join('') + '0000' + pkt('done\n');
  const res = await send({
    path: '/git-upload-pack',
    method: 'POST',
    headers: { 'content-type': 'application/x-git-upload-pack-request', accept: 'application/x-git-upload-pack-result' },
    body: (async function* () {
      yield Buffer.from(body);
    })(),
  });
  const fh = await open(file, 'wx', 0o444);
  try {
    let buf = Buffer.alloc(0);
    let raw = false; // past the acknowledgements, without a side band: the pack itself
    let received = 0;
    let ended = false;
    let said = -1;
    const write = async (b: Buffer) => {
      received += b.length;
      // bytes, said in the phase ("Receiving 2.4 MB"): a count of bytes beside a count of objects would mislead
      if (received - said >= 256 * 1024) {
        said = received;
        o.onProgress?.(`Receiving ${(received / 1048576).toFixed(1)} MB`, 0, undefined);
      }
      await fh.write(b);
    };
    for await (const chunk of res.body ?? []) {
      if (raw) {
        await write(Buffer.from(chunk));
        continue;
      }
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4 && !raw) {
        const len = Number.parseInt(buf.toString('latin1', 0, 4), 16);
        if (!Number.isInteger(len)) throw gitError('failed', 'The server’s answer is not git’s protocol; nothing was cloned.');
        if (len === 0) {
          ended = true;
          buf = buf.subarray(4);
          continue;
        }
        if (buf.length < len) break;
        const payload = buf.subarray(4, len);
        buf = buf.subarray(len);
        if (!band) {
          if (/^(NAK|ACK)/.test(payload.toString('latin1'))) continue;
          raw = true;
          await write(Buffer.concat([payload, buf]));
          buf = Buffer.alloc(0);
        } else if (payload[0] === 1) await write(payload.subarray(1));
        else if (payload[0] === 3) throw gitError('failed', `The server stopped: ${payload.subarray(1).toString('utf8').trim()}`);
        // 2: the server's progress; NAK/ACK lines before the side band
      }
    }
    if (band && !ended) throw gitError('failed', 'The connection ended before the whole pack arrived; nothing was cloned. Try again.');
  } finally {
    await fh.close();
  }
}

/**
 * .git/index (version 2) built as the checkout goes, in its order (a tree's order is the index's): entries packed
 * into buffers of 1 MB, their stats filled in as each file is written, no object kept per file.
 */
class IndexBuilder {
  private readonly chunks: Buffer[] = [];
  private cur = Buffer.alloc(0);
  private used = 0;
  private prev: Buffer | null = null;
  private sorted = true;
  count = 0;

  /** Adds an entry whose stats come later; returns where they go. */
  add(rel: string, oid: string, mode: number): { buf: Buffer; at: number; mode: number } {
    const name = Buffer.from(rel);
    const size = Math.ceil((62 + name.length + 1) / 8) * 8;
    if (this.used + size > this.cur.length) {
      if (this.used) this.chunks.push(this.cur.subarray(0, this.used));
      this.cur = Buffer.alloc(Math.max(1 << 20, size));
      this.used = 0;
    }
    const at = this.used;
    this.used += size;
    this.cur.writeUInt32BE(mode, at + 24);
    this.cur.write(oid, at + 40, 'hex');
    this.cur.writeUInt16BE(Math.min(name.length, 0xfff), at + 60);
    name.copy(this.cur, at + 62);
    if (this.prev && Buffer.compare(this.prev, name) >= 0) this.sorted = false; // a hostile tree's order
    this.prev = name;
    this.count++;
    return { buf: this.cur, at, mode };
  }

  /** The stat fields of an entry, as git records them. */
  static fill(slot: { buf: Buffer; at: number; mode: number }, st: BigIntStats): void {
    writeEntryStat(slot.buf, slot.at, st, slot.mode === 0o160000 ? 0n : st.size);
  }

  /** The whole file: header, entries in path order, checksum. */
  toBuffer(): Buffer {
    let parts = [...this.chunks, this.cur.subarray(0, this.used)];
    if (!this.sorted) {
      const entries: [Buffer, Buffer][] = [];
      for (const c of parts)
        for (let at = 0; at < c.length;) {
          const end = c.indexOf(0, at + 62);
          const size = Math.ceil((end - at + 1) / 8) * 8;
          entries.push([c.subarray(at + 62, end), c.subarray(at, at + size)]);
          at += size;
        }
      parts = entries.sort(([x], [y]) => Buffer.compare(x, y)).map(([, e]) => e);
    }
    const head = Buffer.alloc(12);
    head.write('DIRC', 0, 'latin1');
    head.writeUInt32BE(2, 4);
    head.writeUInt32BE(this.count, 8);
    const body = Buffer.concat([head, ...parts]);
    return Buffer.concat([body, createHash('sha1').update(body).digest()]);
  }
}

/**
 * A name git itself would refuse to check out (its verify_path): it could write outside the folder or into the
 * repository. As git: case-insensitive, trailing dots and spaces dropped (NTFS), 8.3 names (git~1), alternate data
 * streams (`.git::$INDEX_ALLOCATION`), and HFS+'s ignored characters.
 */
function unsafeName(name: string): boolean {
  const hfs = name.replace(/[\u200C-\u200F\u202A-\u202E\u206A-\u206F\uFEFF]/g, '');
  const normal = hfs
    .split(':')[0]!
    .toLowerCase()
    .replace(/[. ]+$/, '');
  return name === '' || /[/\\\0]/.test(name) || hfs === '.' || hfs === '..' || normal === '.git' || /^\.?git~[1-9]$/.test(normal);
}

/** Writes the tree's files under `dir` (folders made here only: nothing is written through a link). */
/** What a checkout wrote: the index, each regular file's entry, and whether any .gitattributes came with them. */
interface CheckedOut {
  index: IndexBuilder;
  files: Map<string, { buf: Buffer; at: number; mode: number }>;
  attributes: boolean;
}

async function checkoutTree(pack: Pack, treeOid: string, dir: string, o: StreamCloneOptions): Promise<CheckedOut> {
  const index = new IndexBuilder();
  const files = new Map<string, { buf: Buffer; at: number; mode: number }>();
  let attributes = false;
  // files are written 16 at a time (the disk works while the next is inflated), the walk waiting for a free slot
  const state: { failure: { e: unknown } | null } = { failure: null };
  let running = 0;
  const waiting: (() => void)[] = [];
  const slot = async () => {
    while (running >= 16) await new Promise<void>((r) => waiting.push(r));
    running++;
  };
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  const walk = async (oid: string, prefix: string) => {
    const { type, content } = await pack.object(oid);
    if (type !== 'tree') throw gitError('failed', `${prefix || 'The root'} is not a folder in the repository.`);
    const seen = new Set<string>();
    for (let i = 0; i < content.length;) {
      const sp = content.indexOf(0x20, i);
      const nul = content.indexOf(0, sp);
      if (sp < 0 || nul < 0 || nul + 21 > content.length) throw gitError('failed', `The folder ${prefix || '/'} in the repository is damaged.`);
      const mode = Number.parseInt(content.toString('latin1', i, sp), 8);
      const name = content.toString('utf8', sp + 1, nul);
      const child = content.toString('hex', nul + 1, nul + 21);
      i = nul + 21;
      const rel = prefix ? `${prefix}/${name}` : name;
      if (unsafeName(name) || seen.has(name.toLowerCase()))
        throw gitError(
          'failed',
          `The repository holds a path Covenant will not check out (${JSON.stringify(rel)}): it could write outside the folder or into .git. Nothing was cloned.`,
        );
      seen.add(name.toLowerCase());
      const abs = path.join(dir, ...rel.split('/'));
      if (mode === 0o40000) {
        await mkdir(abs);
        await walk(child, rel);
      } else if (mode === 0o160000) {
        await mkdir(abs); // a submodule: an empty folder, as git leaves it
        IndexBuilder.fill(index.add(rel, child, mode), await lstat(abs, { bigint: true }));
      } else if (mode === 0o120000) {
        await symlink((await pack.object(child)).content.toString('utf8'), abs);
        IndexBuilder.fill(index.add(rel, child, mode), await lstat(abs, { bigint: true }));
      } else if ((mode & 0o170000) === 0o100000) {
        const exec = (mode & 0o111) !== 0;
        await slot();
        if (state.failure) {
          release(); // the slot is not used: the first failure ends the checkout
          throw state.failure.e;
        }
        const entry = index.add(rel, child, exec ? 0o100755 : 0o100644); // 100664 and the like: as git reads them
        files.set(rel, entry);
        if (name === '.gitattributes') attributes = true;
        writeBlob(pack, child, abs, exec)
          .then(async () => IndexBuilder.fill(entry, await lstat(abs, { bigint: true })))
          .catch((e: unknown) => void (state.failure ??= { e }))
          .finally(release);
        if (index.count % 500 === 0) o.onProgress?.('Updating workdir', index.count, undefined);
      } else throw gitError('failed', `${rel} has a file mode git does not know (${mode.toString(8)}).`);
    }
  };
  try {
    await walk(treeOid, '');
  } finally {
    while (running > 0) await new Promise<void>((r) => waiting.push(r)); // every write started has ended
  }
  if (state.failure) throw state.failure.e;
  return { index, files, attributes };
}

/** Line endings as git's checkout writes them: only when .gitattributes or core.autocrlf/core.eol ask for a change. */
async function smudgeAll(dir: string, out: CheckedOut): Promise<void> {
  const repo = (await findRepo(dir))!;
  const { GitConfig } = await import('./config.js');
  const config = await GitConfig.load(repo);
  if (!out.attributes && !(await config.get('core.autocrlf')) && !(await config.get('core.eol'))) return;
  const { eolRules, smudgeCheckedOut } = await import('./attributes.js');
  for (const rel of await smudgeCheckedOut(await eolRules(repo, config), dir, out.files.keys()))
    IndexBuilder.fill(out.files.get(rel)!, await lstat(path.join(dir, ...rel.split('/')), { bigint: true }));
}

async function writeBlob(pack: Pack, oid: string, abs: string, exec: boolean): Promise<void> {
  const fh = await open(abs, 'wx', exec ? 0o755 : 0o644);
  try {
    if (pack.info(oid)?.streams) await pack.streamObject(oid, async (chunk) => void (await fh.write(chunk)));
    else {
      const { type, content } = await pack.object(oid);
      if (type !== 'blob') throw gitError('failed', `${abs} is not a file in the repository.`);
      await fh.write(content);
    }
  } finally {
    await fh.close();
  }
}

/** Clones `url` into the new folder `dir` (made by the caller's temp-folder logic). Returns the branch checked out. */
export async function streamClone(url: string, dir: string, o: StreamCloneOptions): Promise<string | null> {
  const send = client(url.replace(/\/+$/, ''), o);
  const ad = await discover(send);
  const branch = defaultBranch(ad);
  if (!branch) throw gitError('not-found', 'the repository has no commits yet.');
  const name = branch.slice('refs/heads/'.length);
  await newRepository(dir, name);
  const gitdir = path.join(dir, '.git');
  const packDir = path.join(gitdir, 'objects', 'pack');
  await mkdir(packDir, { recursive: true });
  const temp = path.join(packDir, `tmp_pack_${randomBytes(6).toString('hex')}`);
  await fetchPack(send, ad, temp, o);
  const pack = await Pack.index(temp, (n, total) => o.onProgress?.('Indexing objects', n, total));
  let index: IndexBuilder;
  try {
    const headOid = ad.refs.get(branch)!;
    const commit = await pack.object(headOid);
    const tree = /^tree ([0-9a-f]{40})/.exec(commit.content.toString('latin1', 0, 64))?.[1];
    if (commit.type !== 'commit' || !tree) throw gitError('failed', `The branch ${name} does not name a commit.`);
    for (const [, oid] of ad.refs) if (!pack.has(oid)) throw gitError('failed', 'The server’s pack is missing objects its branches need; nothing was cloned.');
    const out = await checkoutTree(pack, tree, dir, o);
    await smudgeAll(dir, out);
    index = out.index;
    const { idx, packSha } = await pack.indexFile();
    await gitFs.promises.writeFile(path.join(packDir, `pack-${packSha}.idx`), idx);
    await rename(temp, path.join(packDir, `pack-${packSha}.pack`));
  } finally {
    await pack.close();
    await unlink(temp).catch(() => undefined);
  }
  // the refs: this branch, origin's branches and the tags (packed, as git clone writes them)
  const packed = ['# pack-refs with: peeled fully-peeled sorted'];
  for (const [ref, oid] of [...ad.refs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const as = ref.startsWith('refs/heads/') ? `refs/remotes/origin/${ref.slice(11)}` : ref.startsWith('refs/tags/') ? ref : null;
    if (!as) continue;
    packed.push(`${oid} ${as}`);
    if (ad.peeled.has(ref)) packed.push(`^${ad.peeled.get(ref)}`);
  }
  await gitFs.promises.writeFile(path.join(gitdir, 'packed-refs'), `${packed.join('\n')}\n`);
  await mkdir(path.join(gitdir, 'refs', 'remotes', 'origin'), { recursive: true });
  await gitFs.promises.writeFile(path.join(gitdir, 'refs', 'remotes', 'origin', 'HEAD'), `ref: refs/remotes/origin/${name}\n`);
  await mkdir(path.dirname(path.join(gitdir, ...branch.split('/'))), { recursive: true });
  await gitFs.promises.writeFile(path.join(gitdir, ...branch.split('/')), `${ad.refs.get(branch)}\n`);
  const repo = (await findRepo(dir))!;
  for (const ref of [branch, 'refs/remotes/origin/HEAD']) await logRefUpdate(repo, ref, null, ad.refs.get(branch)!, `clone: from ${url}`);
  for (const [p, value] of [
    ['remote.origin.url', url],
    ['remote.origin.fetch', '+refs/heads/*:refs/remotes/origin/*'],
    [`branch.${name}.remote`, 'origin'],
    [`branch.${name}.merge`, branch],
  ] as const)
    await git.setConfig({ fs: gitFs, dir, path: p, value });
  // files written in this second are smudged in the index (racily clean); the first status a second later records
  // their stats again, as git's does (waiting here for the next second cost every clone half a second)
  await gitFs.promises.writeFile(path.join(gitdir, 'index'), index.toBuffer());
  return name;
}
