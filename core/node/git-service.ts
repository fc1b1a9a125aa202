import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { Author, FileChange, GitState, WriteResult } from '../common/api.js';
import { proposeCommitMessage, validationTrailer, type ChangedContract, type Sections } from '../common/commit-message.js';
import { CovenantError } from '../common/errors.js';
import { rawId } from '../common/model/contract.js';
import { classifyPath } from '../common/model/kinds.js';
import { splitFrontMatter } from '../common/model/adr.js';
import { parseYaml, type YamlFile } from '../common/yaml/parse.js';
import type { Signature } from './git/author.js';
import type { FileDiff } from './git/diff.js';
import type { Repo } from './git/repo.js';
import type { OpenWorkspace } from './workspace-service.js';
import type { Snapshot } from '../common/workspace.js';

let loading: Promise<typeof import('./git/modules.js')> | null = null;
/** Git's modules (isomorphic-git behind them), loaded by the first request that needs git: never by a command on a folder without git. */
const gitModules = () => (loading ??= import('./git/modules.js'));

const CONFLICT_RE = /^(<{7} |={7}$|>{7} )/m;

/** The paths whose text holds conflict markers, sorted. */
const marked = (snap: Snapshot, paths: readonly string[]) => paths.filter((p) => CONFLICT_RE.test(snap.text(p) ?? '')).sort();

/** Top-level sections of a (possibly old, possibly invalid) contract text, read with the hardened parser. */
function sectionsOf(path: string, text: string | null): { sections?: Sections; yaml?: YamlFile } {
  if (text === null) return {};
  const fm = classifyPath(path) === 'adr' ? splitFrontMatter(text).yaml : text;
  if (fm === null) return {};
  const yaml = parseYaml(path, fm);
  const v = yaml.value;
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? { sections: v as Sections, yaml } : {};
}

function decisionStatus(s: Sections | undefined): string | undefined {
  const d = s?.decision;
  const st = d !== null && typeof d === 'object' && !Array.isArray(d) ? (d as { status?: unknown }).status : undefined;
  return typeof st === 'string' ? st : undefined;
}

/**
 * Who commits, as git decides it (environment, then git config); else the name and email the person gave Covenant
 * once, which is then written into the repository's own config so that git agrees. Refuses (reason no-author) when
 * nobody is known: git would refuse too.
 */
export async function commitIdentity(
  repo: Repo | null,
  remembered: unknown,
  onNote: (note: string) => void = () => undefined,
): Promise<{ author: Signature; committer: Signature }> {
  const { actingPerson, NO_IDENTITY, storeIdentity } = await gitModules();
  const who = await actingPerson(repo, remembered, new Date(), { commits: true });
  if (!who) throw new CovenantError('invalid-input', NO_IDENTITY, { reason: 'no-author' });
  if (who.from === 'settings' && repo) {
    await storeIdentity(repo, who);
    onNote(`Commits in this repository are now made as ${who.label} (stored in .git/config).`);
  }
  return { author: who.author, committer: who.committer };
}

/** Git for one open workspace: the API's git.* methods, and the facts rules take from history. */
export class WorkspaceGit {
  constructor(
    private readonly ws: OpenWorkspace,
    private readonly authorSetting: () => unknown,
    private readonly changed: () => void,
    private readonly note: (message: string) => void = () => undefined,
  ) {}

  get root(): string {
    return this.ws.root;
  }

  /** Reads what git knows (CR dates, scope volatility) into a new snapshot (for decision-overdue and the figures). */
  refreshFacts(): Promise<void> {
    // one at a time, in order: a read that started earlier (from an older snapshot) must never land after a later one
    const run = this.factsChain.then(async () => {
      await this.ws.settle();
      // no repository at the workspace root: no facts to read, and git's modules are not even loaded
      if (!(await lstat(path.join(this.root, '.git')).catch(() => null))) {
        const f = this.ws.snapshot.facts;
        const none = f.history.size === 0 && !f.masters?.length && !f.signatures?.size && !f.volatility?.size;
        return none ? undefined : this.ws.setFacts({ history: new Map() }); // already none: no new snapshot to analyse
      }
      const [{ gitFacts }, { prepared }, { historyFacts }, { findRepo }] = await Promise.all([
        import('./figures.js'),
        import('./analysis/offload.js'),
        import('./git/history-facts.js'),
        import('./git/repo.js'),
      ]);
      // the history first (a first reading of a long one lets go of its commits before the files are analysed), then
      // the files, in slices (and from the kept analyses in a CLI command): the signatures read the model
      const repo = await findRepo(this.root);
      if (repo) await historyFacts(repo);
      await this.ws.setFacts(await gitFacts(this.root, await prepared(this.ws.snapshot)));
    });
    this.factsChain = run.catch(() => undefined);
    return run;
  }
  private factsChain: Promise<void> = Promise.resolve();

  /** Resolves when no reading of git's facts is under way (a closed workspace leaves nothing writing in .git). */
  idle(): Promise<void> {
    return this.factsChain;
  }

  /** Reads the approvals' signatures again (in the same order as every other read of git's facts). */
  refreshSignatures(): Promise<void> {
    const run = this.factsChain.then(async () => {
      await this.ws.settle();
      const { signatureFacts } = await import('./approvals.js');
      const snap = this.ws.snapshot;
      await this.ws.setFacts({ ...snap.facts, signatures: await signatureFacts(this.root, snap.model) });
    });
    this.factsChain = run.catch(() => undefined);
    return run;
  }

  /**
   * The repository's state, with the contract files that hold conflict markers and are not committed as they are
   * (a conflict waits in them). `known`: the changes, when the caller has just read them.
   */
  async state(known?: FileChange[]): Promise<GitState> {
    // repo.js and status.js alone: a status never loads isomorphic-git
    const { isRepository, repoState } = await import('./git/repo.js');
    if (!(await isRepository(this.root)))
      return {
        repository: false,
        branch: null,
        detached: false,
        head: null,
        mergeInProgress: false,
        rebaseInProgress: false,
        cherryPickInProgress: false,
        locked: false,
        conflictFiles: marked(this.ws.snapshot, this.ws.snapshot.contractPaths()),
      };
    const s = await repoState(this.root);
    return { repository: true, ...s, conflictFiles: await this.conflictFiles(known) };
  }

  /** Changed contract files with conflict markers: from the texts held when the files are read (usually none, and git is not asked), else from the changed files alone. */
  private async conflictFiles(known?: FileChange[]): Promise<string[]> {
    if (this.ws.isRead) {
      const held = marked(this.ws.snapshot, this.ws.snapshot.contractPaths());
      if (held.length === 0) return [];
      const changed = new Set((known ?? (await this.changes())).map((c) => c.path));
      return held.filter((p) => changed.has(p));
    }
    const changed = (known ?? (await this.changes())).filter((c) => c.status !== 'deleted' && classifyPath(c.path) !== null).map((c) => c.path);
    const { contractText } = await import('./workspace-loader.js');
    return changed.filter((p) => CONFLICT_RE.test(contractText(this.root, p) ?? '')).sort();
  }

  async init(): Promise<GitState> {
    const who = await commitIdentity(null, this.authorSetting());
    const { initRepository, findRepo, resolveIdentity, isAuthor, storeIdentity } = await gitModules();
    await initRepository(this.root, who);
    const repo = await findRepo(this.root);
    if (repo && !(await resolveIdentity(repo)) && isAuthor(this.authorSetting())) await storeIdentity(repo, this.authorSetting() as Author);
    await this.refreshFacts();
    this.changed();
    return this.state();
  }

  /** Changed files as git sees them; a failure is an error, never an empty list (that would read as "clean"). */
  async changes(): Promise<FileChange[]> {
    return (await import('./git/status.js')).status(this.root);
  }

  async diff(path: string): Promise<FileDiff> {
    const absolute = await this.ws.confinePath(path);
    return (await gitModules()).diffFile(this.root, path, absolute);
  }

  async proposeMessage(paths: string[]): Promise<string> {
    const { readAtHead } = await gitModules();
    const all = await this.changes();
    const chosen = all.filter((c) => paths.includes(c.path));
    await this.ws.settle();
    const snap = this.ws.snapshot;
    const model = snap.model;
    const changes: ChangedContract[] = [];
    for (const c of chosen) {
      const kind = classifyPath(c.path);
      const before = c.status === 'new' || kind === null ? {} : sectionsOf(c.path, await readAtHead(this.root, c.path).catch(() => null));
      const after = c.status === 'deleted' || kind === null ? {} : sectionsOf(c.path, snap.text(c.path));
      const cr = kind === 'cr' ? model.crAt(c.path) : undefined;
      changes.push({
        path: c.path,
        kind,
        status: c.status,
        id: rawId(after.yaml) ?? rawId(before.yaml),
        before: before.sections,
        after: after.sections,
        statusBefore: decisionStatus(before.sections),
        statusAfter: decisionStatus(after.sections),
        verdict: cr ? (model.verdict(cr).verdict ?? undefined) : undefined,
      });
    }
    return proposeCommitMessage(changes);
  }

  async commit(paths: string[], message: string, allowErrors: boolean): Promise<{ oid: string; message: string }> {
    const { findRepo, commit } = await gitModules();
    const who = await commitIdentity(await findRepo(this.root), this.authorSetting(), this.note);
    const result = await this.ws.validate();
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    let text = message.trim();
    if (errors.length) {
      if (!allowErrors) {
        const list = errors
          .slice(0, 10)
          .map((d) => `${d.file}:${d.line} ${d.message}`)
          .join('\n');
        throw new CovenantError(
          'invalid-input',
          `The workspace has ${errors.length} validation error${errors.length === 1 ? '' : 's'}:\n${list}${errors.length > 10 ? `\n… and ${errors.length - 10} more` : ''}`,
          { reason: 'validation-errors' },
        );
      }
      text = `${text}\n\n${validationTrailer(
        errors.length,
        errors.map((d) => d.code),
      )}`;
    }
    for (const p of paths) await this.ws.confinePath(p);
    const oid = await commit(this.root, paths, text, who, this.note);
    // a CLI command ends here: nobody reads the facts again in this process (the next one brings them up to date)
    if (!(await import('./analysis/offload.js')).isAlone()) await this.refreshFacts();
    this.changed();
    return { oid, message: text };
  }

  async readAt(oid: string, path: string): Promise<{ text: string | null }> {
    await this.ws.confinePath(path);
    return { text: await (await gitModules()).readAt(this.root, oid, path) };
  }

  async compare(from: string, to: string): Promise<FileChange[]> {
    return (await gitModules()).compareCommits(this.root, from, to);
  }

  async restore(oid: string, path: string): Promise<WriteResult> {
    await this.ws.confinePath(path);
    return (await gitModules()).restoreFile(this.root, oid, path, (text) => this.ws.write(path, text));
  }
}
