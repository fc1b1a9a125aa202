import os from 'node:os';
import { parse } from 'yaml';
import { ApiFailure, type Author, type FileChange, type GitState, type LogEntry, type WriteResult } from '../common/api.js';
import { proposeCommitMessage, validationTrailer, type ChangedContract } from '../common/commit-message.js';
import { classifyPath } from '../common/model/kinds.js';
import { impactOf, thresholdsOf } from '../common/rules/workspace-rules.js';
import { evaluateChange } from '../common/thresholds.js';
import { isAuthor, resolveAuthor } from './git/author.js';
import { commit } from './git/commit.js';
import { compareCommits } from './git/compare.js';
import { GitError } from './git/errors.js';
import { crHistory, type CrHistory } from './git/history.js';
import { initRepository } from './git/init.js';
import { log } from './git/log.js';
import { readAt, readAtHead } from './git/read-at.js';
import { diffFile, type FileDiff } from './git/diff.js';
import { restoreFile } from './git/restore.js';
import { isRepository, repoState } from './git/repo.js';
import { status } from './git/status.js';
import type { OpenWorkspace } from './workspace-service.js';

const CONFLICT_RE = /^(<{7} |={7}$|>{7} )/m;

/** GitError -> the API's error codes and words. */
export function toApiFailure(e: unknown): unknown {
  if (!(e instanceof GitError)) return e;
  const code = e.code === 'not-a-repository' ? 'not-a-repository' : e.code === 'locked' ? 'locked' : e.code === 'no-author' ? 'no-author' : 'git';
  return new ApiFailure(code, e.message);
}

async function guarded<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw toApiFailure(e);
  }
}

/** A neutral author for the first commit of a new workspace when nobody is configured yet. */
export function fallbackAuthor(): Author {
  const user = os.userInfo().username || 'covenant';
  return { name: user, email: `${user}@${os.hostname() || 'localhost'}` };
}

/** Git for one open workspace: the API's git.* methods, and the facts rules take from history. */
export class WorkspaceGit {
  private history = new Map<string, CrHistory>();

  constructor(
    private readonly ws: OpenWorkspace,
    private readonly authorSetting: () => unknown,
    private readonly changed: () => void,
  ) {}

  get root(): string {
    return this.ws.root;
  }

  /** CR dates from history (created / decided), by CR path. */
  crFacts(): ReadonlyMap<string, CrHistory> {
    return this.history;
  }

  /** Reads the CR dates from history and hands creation dates to the engine (for decision-overdue). */
  async refreshFacts(): Promise<void> {
    if (!isRepository(this.root)) return;
    this.history = await crHistory(this.root).catch(() => new Map());
    for (const p of this.ws.engine.contractPaths()) if (classifyPath(p) === 'cr') this.ws.engine.setHistoryCreated(p, this.history.get(p)?.created);
  }

  async state(): Promise<GitState> {
    const conflictFiles = this.ws.engine.contractPaths().filter((p) => CONFLICT_RE.test(this.ws.engine.text(p) ?? ''));
    if (!isRepository(this.root)) return { repository: false, branch: null, detached: false, head: null, mergeInProgress: false, rebaseInProgress: false, cherryPickInProgress: false, locked: false, conflictFiles };
    const s = await guarded(() => repoState(this.root));
    return { repository: true, ...s, conflictFiles };
  }

  async init(): Promise<GitState> {
    await guarded(() => initRepository(this.root, (isAuthor(this.authorSetting()) ? this.authorSetting() : null) as Author | null ?? fallbackAuthor()));
    await this.refreshFacts();
    this.changed();
    return this.state();
  }

  changes(): Promise<FileChange[]> {
    return guarded(() => status(this.root));
  }

  diff(path: string): Promise<FileDiff> {
    const absolute = this.ws.confinePath(path);
    return guarded(() => diffFile(this.root, path, absolute));
  }

  async proposeMessage(paths: string[]): Promise<string> {
    const all = await this.changes();
    const chosen = all.filter((c) => paths.includes(c.path));
    const master = this.ws.engine.parsed('contracts/master_contract.yaml')?.value;
    const thresholds = thresholdsOf(master);
    const changes: ChangedContract[] = [];
    for (const c of chosen) {
      const kind = classifyPath(c.path);
      const parseSafe = (t: string | null) => {
        if (t === null || kind === null || kind === 'adr') return undefined;
        try {
          return parse(t) as unknown;
        } catch {
          return undefined;
        }
      };
      const before = c.status === 'new' ? undefined : parseSafe(await readAtHead(this.root, c.path).catch(() => null));
      const after = c.status === 'deleted' ? undefined : (this.ws.engine.parsed(c.path)?.value ?? undefined);
      const impact = kind === 'cr' ? impactOf(after) : undefined;
      changes.push({ path: c.path, kind, status: c.status, before, after, verdict: impact && thresholds ? evaluateChange(impact, thresholds).verdict : undefined });
    }
    return proposeCommitMessage(changes);
  }

  async commit(paths: string[], message: string, allowErrors: boolean): Promise<{ oid: string; message: string }> {
    const author = await resolveAuthor(this.root, this.authorSetting());
    if (!author) throw new ApiFailure('no-author', 'Who is committing? Set your name and email once; they are kept in the app settings.');
    const result = await this.ws.validate();
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    let text = message.trim();
    if (errors.length) {
      if (!allowErrors) {
        const list = errors.slice(0, 10).map((d) => `${d.file}:${d.line} ${d.message}`).join('\n');
        throw new ApiFailure('validation-errors', `The workspace has ${errors.length} validation error${errors.length === 1 ? '' : 's'}:\n${list}${errors.length > 10 ? `\n… and ${errors.length - 10} more` : ''}`);
      }
      text = `${text}\n\n${validationTrailer(errors.length, errors.map((d) => d.code))}`;
    }
    const oid = await guarded(() => commit(this.root, paths, text, author));
    await this.refreshFacts();
    this.changed();
    return { oid, message: text };
  }

  log(path?: string, limit?: number): Promise<LogEntry[]> {
    return guarded(() => log(this.root, { filepath: path, limit }));
  }

  async readAt(oid: string, path: string): Promise<{ text: string | null }> {
    this.ws.confinePath(path);
    return { text: await guarded(() => readAt(this.root, oid, path)) };
  }

  compare(from: string, to: string): Promise<FileChange[]> {
    return guarded(() => compareCommits(this.root, from, to));
  }

  restore(oid: string, path: string): Promise<WriteResult> {
    this.ws.confinePath(path);
    return guarded(() => restoreFile(this.root, oid, path, (text) => this.ws.write(path, text)));
  }
}
