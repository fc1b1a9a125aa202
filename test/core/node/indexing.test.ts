// Opening a repository with a long history in the app (issue 26, item 4): the dashboard answers at once, its figures
// from git marked "indexing" (not known yet, never 0), and when the history is read a snapshot delta says the figures
// changed; they are then what a CLI command (which always waits) shows.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvent, DashboardView } from '../../../core/common/api.js';
import { AppState } from '../../../core/node/app-state.js';
import { Session } from '../../../core/node/session.js';
import { historyRepository } from '../../../bench/history.js';
import { tempDir } from '../../helpers/tmp.js';

const sessions: Session[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});

const open = async (dir: string, mode: 'browser' | 'cli') => {
  const session = new Session({ mode, state: new AppState(tempDir()), watch: false, historyWaitMs: 0 });
  sessions.push(session);
  await session.open(dir);
  return session;
};
const figures = (d: DashboardView) => JSON.stringify({ ...d, provenance: { ...d.provenance, generatedAt: '' } });

describe('a long history opened in the app', () => {
  it('shows the dashboard before the history is read, marked indexing, then the figures the CLI shows', async () => {
    const dir = path.join(tempDir(), 'h');
    historyRepository(dir, 2000);
    const app = await open(dir, 'browser');
    const events: ApiEvent[] = [];
    app.subscribe((e) => events.push(e));
    const early = await app.handlers['dashboard.get']({ today: '2026-01-15' });
    // answered before the history was read (the history's delta may arrive while this answer travels back: the answer
    // itself says which it was computed from)
    expect(early.provenance.indexing).toBe(true);
    // then the history is read: a delta says the figures changed, and the dashboard no longer says indexing
    for (let i = 0; i < 600 && !events.some((e) => e.type === 'snapshot' && e.delta.figuresChanged); i++) await new Promise((r) => setTimeout(r, 100));
    const done = await app.handlers['dashboard.get']({ today: '2026-01-15' });
    expect(done.provenance.indexing).toBeUndefined();
    const cli = await (await open(dir, 'cli')).handlers['dashboard.get']({ today: '2026-01-15' });
    expect(figures(done)).toBe(figures(cli));
    expect(figures(early)).not.toBe(figures(done)); // the history did change figures: the early answer was not final
  }, 120_000);
});
