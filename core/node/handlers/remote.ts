import path from 'node:path';
import type { Handlers } from '../../common/api.js';
import type { MergeState } from '../../common/merge.js';
import { CovenantError } from '../../common/errors.js';
import { prepared } from '../analysis/offload.js';
import type { HandlerContext } from './context.js';

/** Settles one conflict of the waiting pull, and reads the file it wrote. */
async function resolve(c: HandlerContext, key: string, take: 'mine' | 'theirs' | 'edit', edit?: string): Promise<MergeState> {
  const who = await c.actorOrNull();
  const { resolveConflict } = await import('../git/merge-state.js');
  const state = await resolveConflict(c.ws().root, key, { take, edit, by: who?.label });
  await c.filesChanged([state.conflicts.find((x) => x.key === key)!.path]);
  return state;
}

/** Commits the waiting merge once every conflict is resolved and it adds no error; returns the merge commit. */
/** Who commits a merge, as git decides it (or the settings). */
async function committer(c: HandlerContext) {
  const [{ commitIdentity }, { findRepo }] = await Promise.all([import('../git-service.js'), import('../git/repo.js')]);
  return commitIdentity(await findRepo(c.ws().root), c.state.get('author'));
}

async function finish(c: HandlerContext): Promise<string> {
  const ws = c.ws();
  const who = await committer(c);
  const [{ continueMerge }, { errorsAddedSince }] = await Promise.all([import('../git/merge-state.js'), import('../git/remote.js')]);
  const { oid, state } = await continueMerge(ws.root, who, async (touched, ours) => errorsAddedSince(ws.root, ours, touched, await c.saved()));
  await c.filesChanged(state.touched);
  return oid;
}

/** The shared repository: fetch, pull with the contract-aware merge, push, clone, and a pull waiting for people. */
export function remoteHandlers(c: HandlerContext) {
  return {
    'remote.state': async () => c.remoteState(),
    'remote.fetch': async ({ credentials }) => {
      const { fetchOrigin } = await import('../git/remote.js');
      await c.remote('fetch', credentials, (o) => fetchOrigin(c.ws().root, o));
      return c.remoteState();
    },
    'remote.pull': async ({ credentials }) => {
      const ws = c.ws();
      const who = await committer(c);
      const { pull, newErrors, withFiles } = await import('../git/remote.js');
      // the merge is checked against the open snapshot: only the merged files are parsed again
      const check = async (changes: { path: string; text: string | null }[]) => {
        const now = await c.saved();
        const after = await (await prepared(withFiles(now, changes))).validateSliced();
        return newErrors((await now.validateSliced()).diagnostics, after.diagnostics);
      };
      const r = await c.remote('pull', credentials, (o) => pull(ws.root, who, { ...o, check, onWrite: (paths) => void c.filesChanged(paths) }));
      if (r.outcome !== 'conflicts') c.pushGitStatus();
      return r;
    },
    'remote.push': async ({ credentials }) => {
      const { push } = await import('../git/remote.js');
      await c.remote('push', credentials, (o) => push(c.ws().root, o));
      return c.remoteState();
    },
    'remote.clone': async ({ url, root, credentials }) => {
      if (!path.isAbsolute(root)) throw new CovenantError('invalid-input', `Give the full path of the folder to clone into (got ${JSON.stringify(root)}).`);
      const { clone } = await import('../git/remote.js');
      const r = await c.remote('clone', credentials, (o) => clone(url, root, o));
      if (r.credentialsInUrl)
        c.emit({
          type: 'notice',
          level: 'info',
          message:
            'The user and password in the URL were used for this clone only, not written into .git/config; for the next pull, set COVENANT_GIT_TOKEN or a git credential helper (the app asks and can keep them).',
        });
      return c.open(root);
    },
    'merge.resolve': async ({ key, take, edit }) => resolve(c, key, take, edit),
    'merge.continue': async () => ({ oid: await finish(c) }),
    'merge.settle': async ({ resolve: choices, takeAll, commit }) => {
      const { requireMergeState } = await import('../git/merge-state.js');
      let state = await requireMergeState(c.ws().root);
      for (const ch of choices ?? []) state = await resolve(c, ch.key, ch.take);
      for (const x of takeAll ? state.conflicts.filter((y) => !y.resolution) : []) state = await resolve(c, x.key, takeAll!);
      const open = state.conflicts.filter((x) => !x.resolution).length;
      return { state, open, oid: commit && open === 0 ? await finish(c) : null };
    },
    'merge.abort': async () => {
      const { abortMerge } = await import('../git/merge-state.js');
      const state = await abortMerge(c.ws().root);
      const restored = [...new Set([...state.touched, ...state.conflicts.map((x) => x.path)])];
      await c.filesChanged(restored);
      return { restored, head: state.ours };
    },
  } satisfies Partial<Handlers>;
}
