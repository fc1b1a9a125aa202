import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { AppState } from '../../../core/node/app-state.js';
import { scopeItems, volatilityRatio } from '../../../core/node/git/volatility.js';
import { Session } from '../../../core/node/session.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';

const gitEnv = (date: string) => ({
  ...process.env,
  GIT_AUTHOR_NAME: 'S',
  GIT_AUTHOR_EMAIL: 's@e.com',
  GIT_COMMITTER_NAME: 'S',
  GIT_COMMITTER_EMAIL: 's@e.com',
  GIT_AUTHOR_DATE: date,
  GIT_COMMITTER_DATE: date,
  GIT_CONFIG_GLOBAL: '/dev/null',
});

describe('ledger entries and scope volatility', () => {
  it('ledger.upsert adds a period and updates an existing one, keeping comments; a missing ledger is created', async () => {
    const dir = exampleCopy();
    const session = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
    await session.open(dir);
    await session.handlers['ledger.upsert']({ period: 'SPRINT-07', target_cost: 48000, actual_cost: 49000 });
    const text = readFileSync(path.join(dir, 'contracts/ledger.yaml'), 'utf8');
    expect(text.startsWith('# Incentive ledger')).toBe(true);
    expect(text).toContain('actual_cost: 49000');
    const view = await session.handlers['ledger.get']();
    expect(view.summary!.rows.map((r) => [r.period, r.variance])).toEqual([['SPRINT-07', 100_000]]);
    await expect(session.handlers['ledger.upsert']({ period: 'SPRINT-07', target_cost: -1, actual_cost: 1 } as never)).rejects.toBeTruthy();
    await session.close();

    const fresh = exampleCopy();
    execFileSync('rm', [path.join(fresh, 'contracts/ledger.yaml')]);
    const s2 = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
    await s2.open(fresh);
    expect((await s2.handlers['ledger.get']()).problem).toContain('There is no ledger yet');
    await s2.handlers['ledger.upsert']({ period: 'SPRINT-07', target_cost: 10, actual_cost: 12, note: 'first: entry' });
    // written in block style, as people write the ledger (not as a flow map beside block entries)
    expect(readFileSync(path.join(fresh, 'contracts/ledger.yaml'), 'utf8')).toContain(
      'entries:\n  - period: SPRINT-07\n    target_cost: 10\n    actual_cost: 12\n    note: "first: entry"\n',
    );
    // as of the iteration's last day (after it, the example's never-run qa_signoff is a missing gate)
    expect((await s2.handlers['workspace.validate']({ today: '2025-10-24' })).diagnostics).toEqual([]);
    await s2.close();
  });

  it('volatility: goals and criteria added or removed after the start date, from git history', async () => {
    expect(volatilityRatio(new Set(['a', 'b', 'c', 'd']), new Set(['a', 'b', 'c', 'e']))).toBe(0.5);
    const dir = exampleCopy();
    const g = (date: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, env: gitEnv(date) });
    g('2025-10-10T10:00:00Z', 'init', '-q', '-b', 'main');
    g('2025-10-10T10:00:00Z', 'add', '-A');
    g('2025-10-10T10:00:00Z', 'commit', '-q', '-m', 'before the start');
    const p = path.join(dir, 'contracts/sow/SPRINT-07.yaml');
    writeFileSync(
      p,
      readFileSync(p, 'utf8').replace(
        'goals:\n  - description: Redesign onboarding flow',
        'goals:\n  - description: Redesign onboarding flow\n  - description: Add a progress bar',
      ),
    );
    g('2025-10-15T10:00:00Z', 'commit', '-q', '-am', 'after the start');
    const session = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
    await session.open(dir);
    const dash = await session.handlers['dashboard.get']();
    // at the start: 1 goal + 2 criteria; one goal added since
    expect(dash.sows[0]!.scopeVolatility).toBeCloseTo(1 / 3);
    expect(scopeItems({ goals: [{ description: 'x' }], acceptance_criteria: [{ id: 'AC1', description: 'y' }] }).size).toBe(2);
    await session.close();
  });
});
