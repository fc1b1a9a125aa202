import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Handlers, NewFileProposal, TemplateKind } from '../../common/api.js';
import { addDays, todayIso } from '../../common/dates.js';
import { CovenantError } from '../../common/errors.js';
import { adrPath, crPath, sowPath } from '../../common/model/kinds.js';
import { nextAdrId, nextCrId, nextSowId } from '../../common/model/next-ids.js';
import type { Signature } from '../git/author.js';
import type { HandlerContext } from './context.js';

/** The author for a first commit: git's identity, the settings, or null (the repository is made, nothing committed). */
async function initialIdentity(c: HandlerContext): Promise<{ author: Signature; committer: Signature } | null> {
  const { commitIdentity } = await import('../git-service.js');
  return commitIdentity(null, c.state.get('author')).catch(() => null);
}

// git, identity and templates are loaded by the handlers that need them (a CLI command pays for its own)
const gitModules = () => Promise.all([import('../git/repo.js'), import('../git/author.js'), import('../git/init.js'), import('../identity.js')]);
const templates = () => import('../init.js');

/** After a repository is made: a name given to Covenant goes into its config, so git agrees. */
async function rememberIdentityIn(c: HandlerContext, root: string): Promise<void> {
  const [{ findRepo }, { isAuthor, storeIdentity }, , { actingPerson }] = await gitModules();
  const repo = await findRepo(root);
  const remembered = c.state.get('author');
  if (repo && isAuthor(remembered) && (await actingPerson(repo, null).catch(() => null)) === null) await storeIdentity(repo, remembered);
}

async function propose(c: HandlerContext, kind: TemplateKind): Promise<NewFileProposal> {
  const model = (await c.saved()).model;
  const today = todayIso();
  const [id, file] =
    kind === 'sow'
      ? [nextSowId([...model.knownIds.sow]), sowPath]
      : kind === 'cr'
        ? [nextCrId([...model.knownIds.cr]), crPath]
        : [nextAdrId([...model.knownIds.adr]), adrPath];
  const requestor = model.master?.data.governance.steering_committee?.[0] ?? [...model.roles()][0] ?? 'client';
  const { fillTemplate, resourcesDir } = await templates();
  const template = await readFile(path.join(resourcesDir(), 'templates', 'new', kind === 'adr' ? 'adr.md' : `${kind}.yaml`), 'utf8');
  return { kind, path: file(id), text: fillTemplate(template, { id, today, today_plus_13: addDays(today, 13), requestor }) };
}

async function openExample(c: HandlerContext) {
  const dir = path.join(c.state.dir, 'examples', 'onboarding-redesign');
  if (!(await stat(dir).catch(() => null))) {
    const [[, , { initRepository }], { copyExample }] = await Promise.all([gitModules(), templates()]);
    await mkdir(path.dirname(dir), { recursive: true });
    await copyExample(dir);
    // the example's first commit is the example's, not the user's: it says so when nobody is configured
    const now = new Date();
    const example = {
      name: 'Covenant example',
      email: 'example@covenant.invalid',
      timestamp: Math.floor(now.getTime() / 1000),
      timezoneOffset: now.getTimezoneOffset(),
    };
    await initRepository(dir, (await initialIdentity(c)) ?? { author: example, committer: example }, 'Example workspace: onboarding redesign');
    await rememberIdentityIn(c, dir);
  }
  return c.open(dir);
}

/** The app, the workspace's lifecycle, its files, templates, settings and hot-exit backups. */
export function workspaceHandlers(c: HandlerContext) {
  return {
    'app.info': async () => ({ mode: c.options.mode === 'electron' ? ('electron' as const) : ('browser' as const), version: c.options.version ?? '0.1.0' }),
    'workspace.current': async () => c.current()?.info ?? null,
    'workspace.open': async ({ root }) => c.open(root),
    'workspace.create': async ({ root, git }) => {
      if (!path.isAbsolute(root)) throw new CovenantError('invalid-input', `Give the full path of the new workspace folder (got ${JSON.stringify(root)}).`);
      const [[, { NO_IDENTITY }, { initRepository }], { initWorkspace }] = await Promise.all([gitModules(), templates()]);
      const files = await initWorkspace(root);
      let commit: string | null = null;
      let leftOut: string[] = [];
      let who: { author: Signature; committer: Signature } | null = null;
      const { isRepository } = await import('../git/repo.js');
      if (git !== false && (await isRepository(root)))
        c.emit({
          type: 'notice',
          level: 'info',
          message: `${root} is a git repository already: the new files are in it, not committed yet; review and commit them.`,
        });
      else if (git !== false) {
        who = await initialIdentity(c);
        ({ commit, leftOut } = await initRepository(root, who, 'Covenant workspace created', files));
        if (leftOut.length)
          c.emit({
            type: 'notice',
            level: 'info',
            message: `Left out of the first commit (they were in the folder before): ${leftOut.slice(0, 5).join(', ')}${leftOut.length > 5 ? ` and ${leftOut.length - 5} more` : ''}. Commit them yourself if they belong to the contract.`,
          });
        await rememberIdentityIn(c, root);
        if (!who) c.emit({ type: 'notice', level: 'warning', message: `The workspace is a git repository with nothing committed yet. ${NO_IDENTITY}` });
      }
      const info = await c.open(root);
      return { ...info, files, leftOut, commit: who ? commit : null, author: who ? { name: who.author.name, email: who.author.email } : null };
    },
    'workspace.openExample': async () => openExample(c),
    'workspace.close': async () => {
      await c.close();
      c.emit({ type: 'workspace-changed', workspace: null });
    },
    'workspace.recent': async () => c.state.recent(),
    'workspace.pickFolder': async () => {
      if (!c.options.pickFolder) throw new CovenantError('invalid-input', 'Folder dialogs exist only in the desktop app; type the folder path instead.');
      return c.options.pickFolder();
    },
    'workspace.editorSetup': async () => {
      const { writeEditorSetup, workspaceFiles } = await import('../editor-setup.js');
      return { files: await writeEditorSetup(workspaceFiles(c.ws())) };
    },
    'workspace.validate': async ({ overlays, today }) => {
      // git's facts first: the app, the CLI and the commit gate judge with the same facts; the app does not wait on a
      // first reading of a long history (it says so, and the diagnostics it changes come as a snapshot delta)
      const saved = await c.saved({ early: true });
      const snap = await c.ws().withUnsaved(overlays ?? {});
      const indexing = saved.facts.indexing ? { historyIndexing: true } : {};
      return { ...(await snap.validateSliced(today ? { today } : {})), enforcement: snap.model.enforcementMode(), ...indexing };
    },
    'files.list': async () => c.ws().list(),
    'files.read': async ({ path: p }) => c.ws().read(p),
    'files.write': async ({ path: p, text, baseHash }) => {
      const written = await c.ws().write(p, text, baseHash);
      await c.backupStore().discard(p); // saved: the hot-exit copy is no longer needed
      return written;
    },
    'files.create': async ({ path: p, text }) => c.ws().create(p, text),
    'files.rename': async ({ from, to }) => c.ws().rename(from, to),
    'files.delete': async ({ path: p }) => c.ws().delete(p),
    'templates.propose': async ({ kind }) => propose(c, kind),
    'settings.author': async () => {
      const [{ findRepo }, , , { actingPerson }] = await gitModules();
      const who = await actingPerson(c.current() ? await findRepo(c.ws().root) : null, c.state.get('author')).catch(() => null);
      return who ? { name: who.name, email: who.email } : null;
    },
    'settings.setAuthor': async ({ name, email }) => {
      const who = { name: name.trim(), email: email.trim() };
      await c.state.set('author', who); // for repositories made later
      const [{ findRepo }, { storeIdentity }] = await gitModules();
      const repo = c.current() ? await findRepo(c.ws().root) : null;
      if (repo) await storeIdentity(repo, who); // asked once: this repository's .git/config, as git config user.name does
    },
    'backups.save': async ({ path: p, text, baseHash }) => {
      await c.ws().confinePath(p);
      await c.backupStore().save({ path: p, text, baseHash });
    },
    'backups.discard': async ({ path: p }) => c.backupStore().discard(p),
    'backups.list': async () => listBackups(c),
  } satisfies Partial<Handlers>;
}

/** Unsaved buffers left from a run that stopped, each with the file on disk now; saved or stray ones are dropped. */
async function listBackups(c: HandlerContext) {
  const ws = c.ws();
  const store = c.backupStore();
  const out = [];
  for (const b of await store.list()) {
    if (
      !(await ws.confinePath(b.path).then(
        () => true,
        () => false,
      ))
    ) {
      await store.discard(b.path);
      continue;
    }
    const disk = await ws.read(b.path).catch((e: CovenantError) => {
      if (e.code === 'not-found') return null;
      throw e;
    });
    if (disk && disk.text === b.text) {
      await store.discard(b.path); // saved after all
      continue;
    }
    out.push({ ...b, disk: disk ? { text: disk.text, hash: disk.hash } : null, baseMatches: (disk ? disk.hash : null) === b.baseHash });
  }
  return out;
}
