// Bounded cost (issue 25, item 4): an old version of a contract file over the history budget is not parsed; what it
// would have told (the decision day) is unknown and says why, never guessed and never slow.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { crHistory, HISTORY_BLOB_BUDGET } from '../../../core/node/git/history.js';
import { covenantAsync as covenant, IDENTITY } from '../../helpers/cli.js';
import { commitAt, memberKey, sysgit, withMemberAna } from '../../helpers/git.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';

describe('history facts within a budget', () => {
  it('a CR version bigger than the budget leaves its decision day unknown, with the reason', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'contracts/changes'), { recursive: true });
    const cr = (status: string, pad: number) =>
      `id: CR-1\nrequestor: client\nsummary: Big\nimpact_analysis: {budget_delta_pct: 1, schedule_slip_days: 0, risk_score: 1}\ndecision: {status: ${status}}\nx-notes: "${'x'.repeat(pad)}"\n`;
    sysgit(dir, 'init', '-q', '-b', 'main');
    writeFileSync(path.join(dir, 'contracts/changes/CR-1.yaml'), cr('proposed', 10));
    sysgit(dir, 'add', '-A');
    commitAt(dir, '2025-10-01T09:00:00Z', 'proposed');
    writeFileSync(path.join(dir, 'contracts/changes/CR-1.yaml'), cr('approved', HISTORY_BLOB_BUDGET + 1000));
    sysgit(dir, 'add', '-A');
    commitAt(dir, '2025-10-03T09:00:00Z', 'approved, with a huge note');
    const facts = (await crHistory(dir)).get('contracts/changes/CR-1.yaml')!;
    expect(facts.created).toBe('2025-10-01');
    expect(facts.decided).toBeUndefined();
    expect(facts.unread).toBe(`its version of 2025-10-03 is ${Math.round((HISTORY_BLOB_BUDGET + 1250) / 1024)} KB, over the 512 KB read from history`);
  });
});

describe('signature facts within a budget', () => {
  it('an approval committed in a version over the budget is not taken on trust, and verify says why', async () => {
    const dir = exampleCopy();
    const ana = memberKey(tempDir());
    withMemberAna(dir, ana.pub);
    writeFileSync(
      path.join(dir, 'contracts/changes/CR-100.yaml'),
      `id: CR-100\nrequestor: ana\nsummary: Big\nimpact_analysis: {budget_delta_pct: 1, schedule_slip_days: 0, risk_score: 1}\ndecision: {status: proposed}\nx-notes: "${'x'.repeat(HISTORY_BLOB_BUDGET)}"\n`,
    );
    sysgit(dir, 'init', '-q', '-b', 'main');
    sysgit(dir, 'add', '-A');
    commitAt(dir, '2025-10-11T09:00:00Z', 'Contract signed');
    const approved = await covenant(['approve', 'CR-100', dir, '--as', 'ana', '--key', ana.file], undefined, IDENTITY);
    expect(approved.code, approved.stderr).toBe(0);
    const v = await covenant(['verify', dir]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('over the 512 KB read from history, so what was signed is not known');
    // and the figures say the decision day is unknown (a lead time not computed), and exit 1 as for files left out
    const m = await covenant(['metrics', dir]);
    expect(m.stdout + m.stderr).toMatch(
      /CR-100\.yaml.*its decision day is unknown: its version of \d{4}-\d\d-\d\d is \d+ KB, over the 512 KB read from history/,
    );
    expect(m.code).toBe(1);
  }, 60_000);
});
