/**
 * A table kept on disk that grows by appending (issue 26, item 3: the index written incrementally): a base file
 * (`name.json`, written whole and atomically) and a journal of what came after (`name.log`, one JSON line per entry,
 * appended). A commit adds one line, not a rewrite of 25 MB; the journal is folded into the base when it has grown to a
 * fifth of it. A line cut short by a kill is skipped (its entry is computed again), and entries never change, so two
 * processes appending at once at worst compute one entry twice. Rebuildable: deleting both costs one slower run.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';

interface Base<T> {
  version: number | string;
  rows: Record<string, T>;
}

export class KeptTable<T> {
  private readonly pending = new Map<string, T>();
  private journalled = 0;
  /** Rows the base file held when loaded. */
  private inBase = 0;
  /** The next save writes the base whole (rows were let go). */
  private fold = false;
  /** The journal does not end with a newline (a kill cut its last line): the next append starts a fresh line. */
  private torn = false;

  private constructor(
    private readonly file: string,
    private readonly version: number | string,
    readonly rows: Map<string, T>,
  ) {}

  static async load<T>(file: string, version: number | string, valid: (row: unknown) => row is T): Promise<KeptTable<T>> {
    const rows = new Map<string, T>();
    const table = new KeptTable<T>(file, version, rows);
    try {
      const base = JSON.parse(await readFile(`${file}.json`, 'utf8')) as Base<T>;
      if (base.version === version && base.rows && typeof base.rows === 'object') for (const [k, v] of Object.entries(base.rows)) rows.set(k, v);
      table.inBase = rows.size;
    } catch {
      /* missing or damaged: rebuilt as rows are computed */
    }
    const journal = await readFile(`${file}.log`, 'utf8').catch(() => '');
    table.torn = journal.length > 0 && !journal.endsWith('\n');
    for (const line of journal.split('\n')) {
      if (!line) continue;
      try {
        const [v, k, row] = JSON.parse(line) as [number | string, string, unknown];
        if (v === version && typeof k === 'string' && valid(row)) rows.set(k, row);
        table.journalled++;
      } catch {
        /* a line cut short by a kill */
      }
    }
    return table;
  }

  get(key: string): T | undefined {
    return this.rows.get(key);
  }

  set(key: string, row: T): void {
    this.rows.set(key, row);
    this.pending.set(key, row);
  }

  /** The base file's JSON (a Base<T>), in pieces of 2,000 rows: 25 MB of commits never become one string. */
  private *baseText(): Generator<string> {
    let piece = `{"version":${JSON.stringify(this.version)},"rows":{`;
    let n = 0;
    for (const [k, row] of this.rows) {
      piece += `${n++ ? ',' : ''}${JSON.stringify(k)}:${JSON.stringify(row)}`;
      if (n % 2000 === 0) {
        yield piece;
        piece = '';
      }
    }
    yield `${piece}}}`;
  }

  /** Keeps only these rows (the rest are of files that changed since): the next save writes the base again. */
  keepOnly(keys: ReadonlySet<string>): void {
    for (const k of [...this.rows.keys()]) if (!keys.has(k)) this.rows.delete(k);
    this.fold = true;
  }

  /** Appends what was added (or folds everything into the base); a failure to write only costs speed next time. */
  async save(): Promise<void> {
    if (this.pending.size === 0 && !this.fold) return;
    const added = [...this.pending];
    this.pending.clear();
    try {
      await mkdir(path.dirname(this.file), { recursive: true });
      if (this.fold || this.journalled + added.length > Math.max(2000, this.inBase / 5)) {
        this.fold = false;
        // folded: the base holds every row, the journal starts again empty
        await writeFileAtomic(`${this.file}.json`, this.baseText());
        await writeFileAtomic(`${this.file}.log`, '');
        [this.journalled, this.inBase, this.torn] = [0, this.rows.size, false];
      } else {
        const lines = added.map(([k, row]) => JSON.stringify([this.version, k, row])).join('\n');
        await appendFile(`${this.file}.log`, `${this.torn ? '\n' : ''}${lines}\n`);
        this.journalled += added.length;
        this.torn = false;
      }
    } catch {
      /* a read-only repository: kept in memory for this run */
    }
  }
}
