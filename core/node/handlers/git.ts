import type { Handlers } from '../../common/api.js';
import { CovenantError } from '../../common/errors.js';
import { classifyPath } from '../../common/model/kinds.js';
import type { HandlerContext } from './context.js';

/** The workspace's repository: state, changes, commits with the validation gate, history, restore. */
export function gitHandlers(c: HandlerContext) {
  return {
    'git.state': async () => c.repo().state(),
    'git.status': async () => {
      const repo = c.repo();
      const changes = await repo.changes();
      const state = await repo.state(changes);
      return { ...state, changes: changes.map((ch) => ({ ...ch, kind: classifyPath(ch.path) })) };
    },
    'git.init': async () => c.repo().init(),
    'git.changes': async () => c.repo().changes(),
    'git.proposeMessage': async ({ paths }) => c.repo().proposeMessage(paths),
    'git.diff': async ({ path: p }) => c.repo().diff(p),
    'git.commit': async ({ paths, message, allowErrors }) => {
      const repo = c.repo();
      for (const p of paths ?? []) await c.ws().confinePath(p); // a path outside is refused as such, before anything else
      const changes = await repo.changes();
      const changed = new Set(changes.map((ch) => ch.path));
      const chosen = paths ?? changes.filter((ch) => classifyPath(ch.path) !== null).map((ch) => ch.path);
      const left = paths ? [] : changes.filter((ch) => classifyPath(ch.path) === null).map((ch) => ch.path);
      const unchanged = chosen.filter((p) => !changed.has(p));
      if (unchanged.length)
        throw new CovenantError('invalid-input', `${unchanged.join(', ')} ${unchanged.length === 1 ? 'has' : 'have'} no changes to commit.`);
      if (chosen.length === 0) return { oid: null, message: '', paths: [], left };
      await c.saved(); // the gate judges with git's facts, as workspace.validate does
      const r = await repo.commit(chosen, message ?? (await repo.proposeMessage(chosen)), allowErrors ?? false);
      return { ...r, paths: chosen, left };
    },
    'git.log': async ({ path: p, limit, ref }) => (await import('../git/log.js')).log(c.ws().root, { filepath: p, limit, ref }),
    'git.readAt': async ({ oid, path: p }) => c.repo().readAt(oid, p),
    'git.compare': async ({ from, to }) => c.repo().compare(from, to),
    'git.restore': async ({ oid, path: p }) => c.repo().restore(oid, p),
  } satisfies Partial<Handlers>;
}
