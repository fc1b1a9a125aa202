/**
 * The analysis of every contract file kept between CLI commands (issue 26, item 3): a command validates the snapshot
 * an earlier command already analysed, and parses only the files whose text changed since. The app holds its snapshot
 * in memory and needs none of this.
 *
 * Kept in <commondir>/covenant/analysis.json (never in the working tree, never committed), keyed by a hash of each
 * file's path, kind and text; stamped with the build of Covenant that wrote it (a new build's rules may judge the same
 * text differently, so its analyses are not reused). Written atomically, with only the files of the current workspace:
 * its size follows the workspace, not the history. A missing, damaged or foreign file costs one full analysis.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyseToData, type AnalysisData, type Offload } from '../../common/analysis.js';
import type { FileKind } from '../../common/model/kinds.js';
import { writeFileAtomic } from '../fs/atomic.js';

type Kept = Omit<AnalysisData, 'yaml'> & { yaml: Omit<NonNullable<AnalysisData['yaml']>, 'text'> | null };

interface Stored {
  stamp: string;
  files: Record<string, Kept>;
}

/** Which build this is: the names of the bundle's chunks carry their contents' hashes. Null outside a bundle. */
async function buildStamp(): Promise<string | null> {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.mjs')) return null; // running from the sources (tests of the sources): nothing is kept
  const dir = path.basename(path.dirname(here)) === 'chunks' ? path.dirname(here) : path.join(path.dirname(here), 'chunks');
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.length ? createHash('sha1').update(names.sort().join('\n')).digest('hex') : null;
}

export class AnalysisCache implements Offload {
  readonly minChars = 0;
  private files: Record<string, Kept> = {};
  private used: Record<string, Kept> = {};
  private misses = 0;

  private constructor(
    private readonly file: string,
    private readonly stamp: string,
  ) {}

  /** The cache of a repository's workspace, loaded; null when nothing can be kept (no bundle). */
  static async open(commondir: string): Promise<AnalysisCache | null> {
    const stamp = await buildStamp();
    if (!stamp) return null;
    const cache = new AnalysisCache(path.join(commondir, 'covenant', 'analysis.json'), stamp);
    try {
      const s = JSON.parse(await readFile(cache.file, 'utf8')) as Stored;
      if (s.stamp === stamp && s.files && typeof s.files === 'object') cache.files = s.files;
    } catch {
      /* missing or damaged: every file is analysed */
    }
    return cache;
  }

  async analyse(file: string, kind: FileKind, text: string): Promise<AnalysisData> {
    const key = createHash('sha1').update(`${file}\0${kind}\0`).update(text).digest('base64');
    const kept = this.files[key];
    if (kept) {
      this.used[key] = kept;
      return { ...kept, yaml: kept.yaml ? { ...kept.yaml, text } : null };
    }
    this.misses++;
    const data = analyseToData(file, kind, text);
    const { yaml, ...rest } = data;
    this.used[key] = { ...rest, yaml: yaml ? (({ text: _, ...kept }) => kept)(yaml) : null }; // the text is the file's own
    return data;
  }

  /** Writes what this run analysed, when anything was new (a failure only costs speed next time). */
  async save(): Promise<void> {
    if (this.misses === 0 && Object.keys(this.used).length === Object.keys(this.files).length) return;
    this.misses = 0;
    this.files = this.used;
    try {
      await mkdir(path.dirname(this.file), { recursive: true });
      await writeFileAtomic(this.file, JSON.stringify({ stamp: this.stamp, files: this.used } satisfies Stored));
    } catch {
      /* a read-only repository */
    }
  }
}
