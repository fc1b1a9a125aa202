import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { Repo } from './repo.js';

/**
 * git's ignore rules for one walk of the working tree: .git/info/exclude, then every .gitignore from the root down
 * to the path's folder, a deeper file's rules over a shallower one's, the last matching pattern deciding (a `!`
 * pattern re-includes). A pattern ending in `/` matches folders only. Each file is read once per walk.
 */
export class IgnoreRules {
  private readonly files = new Map<string, Promise<Ignore | null>>();

  constructor(
    private readonly repo: Repo,
    private readonly read: (file: string) => Promise<Buffer | null>,
  ) {}

  private rules(file: string): Promise<Ignore | null> {
    let got = this.files.get(file);
    if (!got) {
      got = this.read(file).then((b) => (b && b.length ? ignore().add(b.toString('utf8')) : null));
      this.files.set(file, got);
    }
    return got;
  }

  /** Whether git ignores `p` (a workspace path; `folder` when it names a folder). Its parent folders are not ignored: the walk does not enter those. */
  async ignored(p: string, folder: boolean): Promise<boolean> {
    const name = folder ? `${p}/` : p;
    let verdict = false;
    const decide = (rules: Ignore | null, rel: string) => {
      if (!rules) return;
      const t = rules.test(rel);
      if (t.ignored) verdict = true;
      else if (t.unignored) verdict = false;
    };
    decide(await this.rules(path.join(this.repo.commondir, 'info', 'exclude')), name);
    decide(await this.rules(path.join(this.repo.dir, '.gitignore')), name);
    for (let i = p.indexOf('/'); i !== -1; i = p.indexOf('/', i + 1))
      decide(await this.rules(path.join(this.repo.dir, p.slice(0, i), '.gitignore')), name.slice(i + 1));
    return verdict;
  }
}
