/**
 * The analysis of every contract file kept between CLI commands (issue 26, item 3): a command validates the snapshot
 * an earlier command already analysed, and parses only the files whose text changed since. The app holds its snapshot
 * in memory and needs none of this.
 *
 * Kept in <commondir>/covenant/analysis.json and .log (never in the working tree, never committed: a table that grows by
 * appending, kept-table.ts), keyed by a hash of each file's path, kind and text; stamped with the build of Covenant that
 * wrote it (a new build's rules may judge the same text differently, so its analyses are not reused). Cut down to the
 * files of the current workspace when it holds many more: its size follows the workspace, not the history. A missing,
 * damaged or foreign file costs one full analysis.
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyseToData, type AnalysisData, type Offload } from '../../common/analysis.js';
import type { FileKind } from '../../common/model/kinds.js';
import { KeptTable } from '../git/kept-table.js';

type Kept = Omit<AnalysisData, 'yaml'> & { yaml: Omit<NonNullable<AnalysisData['yaml']>, 'text'> | null };

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
  /** The analyses used by this run: what the kept table is cut down to when it holds many more. */
  private readonly used = new Set<string>();

  private constructor(private readonly table: KeptTable<Kept>) {}

  /** The cache of a repository's workspace, loaded; null when nothing can be kept (no bundle). */
  static async open(commondir: string): Promise<AnalysisCache | null> {
    const stamp = await buildStamp();
    if (!stamp) return null;
    // another build's analyses are not read (its stamp differs): rebuilt as files are analysed
    return new AnalysisCache(await KeptTable.load(path.join(commondir, 'covenant', 'analysis'), stamp, isKept));
  }

  async analyse(file: string, kind: FileKind, text: string): Promise<AnalysisData> {
    const key = createHash('sha1').update(`${file}\0${kind}\0`).update(text).digest('base64');
    this.used.add(key);
    const kept = this.table.get(key);
    if (kept) return { ...kept, yaml: kept.yaml ? { ...kept.yaml, text } : null };
    const data = analyseToData(file, kind, text);
    const { yaml, ...rest } = data;
    this.table.set(key, { ...rest, yaml: yaml ? (({ text: _, ...k }) => k)(yaml) : null }); // the text is the file's own
    return data;
  }

  /**
   * Appends what this run analysed (a commit of three files appends three lines); when the table holds many analyses
   * of texts no longer in the workspace, it is cut down to this run's. A failure to write only costs speed next time.
   */
  async save(): Promise<void> {
    if (this.table.rows.size > this.used.size * 1.5 + 100) this.table.keepOnly(this.used);
    await this.table.save();
  }
}

const isKept = (row: unknown): row is Kept => !!row && typeof row === 'object' && Array.isArray((row as Kept).diagnostics);
