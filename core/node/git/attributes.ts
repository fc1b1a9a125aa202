import { chmod, lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import ignore from 'ignore';
import type { GitConfig, Reader } from './config.js';
import type { Repo } from './repo.js';
import { writeFileAtomic } from '../fs/atomic.js';

/**
 * Line endings the way git converts them, from `.gitattributes` (text, -text, text=auto, eol=lf|crlf, binary) and
 * core.autocrlf / core.eol. "Clean" is what goes into the repository (CRLF normalised to LF for text), "smudge" what
 * a checkout writes (LF turned into CRLF where the attributes or the configuration ask for it).
 *
 * Patterns follow gitignore's rules (matched with the `ignore` package, which isomorphic-git itself uses); the
 * attributes files read are the working tree's .gitattributes files along a path, then $GIT_DIR/info/attributes.
 */
export interface EolRules {
  /** The bytes to store for a working file's bytes. */
  clean(filepath: string, bytes: Buffer): Promise<Buffer>;
  /** The bytes to write in the working tree for a stored text. */
  smudge(filepath: string, text: string): Promise<string>;
}

type TextAttr = 'set' | 'unset' | 'auto' | undefined;
interface Attrs {
  text: TextAttr;
  eol: 'lf' | 'crlf' | undefined;
}

interface Rule {
  base: string; // folder of the attributes file, workspace-relative ('' for the root)
  match: (rel: string) => boolean;
  text?: TextAttr;
  eol?: 'lf' | 'crlf' | null;
}

function parseAttributes(text: string, base: string): Rule[] {
  const rules: Rule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [pattern, ...attrs] = line.split(/\s+/);
    if (!pattern || pattern.startsWith('!') || pattern.startsWith('[attr]')) continue; // negation is not allowed; macros other than binary are not needed here
    const ig = ignore().add(pattern);
    const rule: Rule = { base, match: (rel) => ig.ignores(rel) };
    for (const a of attrs) {
      if (a === 'text') rule.text = 'set';
      else if (a === '-text' || a === 'binary') rule.text = 'unset';
      else if (a === 'text=auto') rule.text = 'auto';
      else if (a === '!text') rule.text = undefined;
      else if (a === 'eol=lf' || a === 'eol=crlf') rule.eol = a.slice(4) as 'lf' | 'crlf';
      else if (a === '-eol' || a === '!eol') rule.eol = null;
    }
    rules.push(rule);
  }
  return rules;
}

/** Git's guess whether bytes are text: no NUL, no lone CR, and few non-printable characters (convert.c). */
export function looksBinary(bytes: Buffer): boolean {
  let nonPrintable = 0;
  let printable = 0;
  const n = Math.min(bytes.length, 8000);
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c === 0) return true;
    if (c === 13) {
      if (bytes[i + 1] !== 10) return true;
      continue;
    }
    if (c === 127 || (c < 32 && c !== 9 && c !== 10 && c !== 8 && c !== 27 && c !== 12)) nonPrintable++;
    else printable++;
  }
  return printable >> 7 < nonPrintable;
}

const crlfToLf = (b: Buffer) => (b.includes(13) ? Buffer.from(b.toString('latin1').replace(/\r\n/g, '\n'), 'latin1') : b);

export async function eolRules(repo: Repo, config: GitConfig, read: Reader = (f) => readFile(f).catch(() => null)): Promise<EolRules> {
  const autocrlf = (await config.get('core.autocrlf'))?.toLowerCase();
  const coreEol = (await config.get('core.eol'))?.toLowerCase();
  const cache = new Map<string, Rule[]>();
  const rulesIn = async (file: string, base: string): Promise<Rule[]> => {
    let r = cache.get(file);
    if (!r) {
      r = parseAttributes((await read(file))?.toString('utf8') ?? '', base);
      cache.set(file, r);
    }
    return r;
  };

  const attrsOf = async (filepath: string): Promise<Attrs> => {
    const parts = filepath.split('/');
    const files: [string, string][] = [];
    for (let i = 0; i < parts.length; i++) {
      const base = parts.slice(0, i).join('/');
      files.push([path.join(repo.dir, ...parts.slice(0, i), '.gitattributes'), base]);
    }
    files.push([path.join(repo.commondir, 'info', 'attributes'), '']);
    const out: Attrs = { text: undefined, eol: undefined };
    for (const [file, base] of files) {
      for (const rule of await rulesIn(file, base)) {
        const rel = base ? filepath.slice(base.length + 1) : filepath;
        if (!rule.match(rel)) continue;
        if ('text' in rule) out.text = rule.text;
        if (rule.eol !== undefined) {
          out.eol = rule.eol ?? undefined;
        }
      }
    }
    return out;
  };

  /** Whether the file is converted at all, and what a checkout ends its lines with. */
  const modeOf = async (filepath: string, bytes: Buffer | null): Promise<{ convert: boolean; checkout: 'lf' | 'crlf' }> => {
    const a = await attrsOf(filepath);
    let text = a.text;
    if (text === undefined && a.eol) text = 'set'; // eol=... implies text
    if (text === undefined && (autocrlf === 'true' || autocrlf === 'input')) text = 'auto';
    if (text === 'unset' || text === undefined) return { convert: false, checkout: 'lf' };
    const convert = text === 'set' || (bytes !== null ? !looksBinary(bytes) : true);
    const checkout = a.eol ?? (autocrlf === 'true' ? 'crlf' : autocrlf === 'input' ? 'lf' : coreEol === 'crlf' ? 'crlf' : 'lf');
    return { convert, checkout };
  };

  return {
    async clean(filepath, bytes) {
      const { convert } = await modeOf(filepath, bytes);
      return convert ? crlfToLf(bytes) : bytes;
    },
    async smudge(filepath, text) {
      const { convert, checkout } = await modeOf(filepath, Buffer.from(text, 'utf8'));
      return convert && checkout === 'crlf' ? text.replace(/\r?\n/g, '\r\n') : text;
    },
  };
}

/**
 * Rewrites checked-out files the way git's checkout writes them (a text file with eol=crlf, or core.autocrlf=true,
 * gets CRLF): for each path whose stored text the rules change; returns the paths rewritten. Binary files stay.
 */
export async function smudgeCheckedOut(rules: EolRules, dir: string, paths: Iterable<string>): Promise<string[]> {
  const changed: string[] = [];
  for (const rel of paths) {
    const abs = path.join(dir, ...rel.split('/'));
    const info = await lstat(abs).catch(() => null);
    if (!info?.isFile()) continue;
    const bytes = await readFile(abs);
    if (looksBinary(bytes)) continue;
    const text = bytes.toString('utf8');
    const out = await rules.smudge(rel, text);
    if (out === text) continue;
    await writeFileAtomic(abs, out, { within: dir, durable: false });
    if (info.mode & 0o111) await chmod(abs, info.mode & 0o777); // an executable stays one
    changed.push(rel);
  }
  return changed;
}
