import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppState } from '../../../core/node/app-state.js';
import { Session } from '../../../core/node/session.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';

describe('decision records', () => {
  it('lists ADRs with status and citing CRs; superseding numbers the new one, links both ways, and the validator flags the stale citation', async () => {
    const dir = exampleCopy();
    const session = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
    await session.open(dir);
    expect(await session.handlers['adr.list']()).toEqual([
      {
        id: 'ADR-0007',
        path: 'docs/adr/ADR-0007.md',
        title: 'Redesign the navigation per user tests',
        status: 'accepted',
        date: '2025-10-15',
        supersedes: null,
        supersededBy: null,
        citedBy: [{ id: 'CR-42', path: 'contracts/changes/CR-42.yaml' }],
      },
    ]);
    const before = readFileSync(path.join(dir, 'docs/adr/ADR-0007.md'), 'utf8');
    const { path: created } = await session.handlers['adr.supersede']({ id: 'ADR-0007', title: 'Navigation with a search box' });
    expect(created).toBe('docs/adr/ADR-0008.md');
    const old = readFileSync(path.join(dir, 'docs/adr/ADR-0007.md'), 'utf8');
    expect(old).toContain('status: superseded by ADR-0008');
    expect(old).toContain('superseded-by: ADR-0008');
    // only the front matter changed: the body is byte for byte the same
    expect(old.slice(old.indexOf('# ADR-0007'))).toBe(before.slice(before.indexOf('# ADR-0007')));
    const fresh = readFileSync(path.join(dir, created), 'utf8');
    expect(fresh).toContain('supersedes: ADR-0007');
    expect(fresh).toContain('# ADR-0008: Navigation with a search box');
    // as of the iteration's last day (after it, the example's never-run qa_signoff is a missing gate)
    const diags = (await session.handlers['workspace.validate']({ today: '2025-10-24' })).diagnostics;
    expect(diags.map((d) => `${d.file} ${d.code}`)).toEqual(['contracts/changes/CR-42.yaml adr-superseded']);
    await expect(session.handlers['adr.supersede']({ id: 'ADR-0007', title: 'again' })).rejects.toMatchObject({ code: 'conflict' });
    await session.close();
  });
});
