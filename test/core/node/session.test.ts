import { describe, expect, it } from 'vitest';
import { AppState } from '../../../core/node/app-state.js';
import { Session } from '../../../core/node/session.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';
import path from 'node:path';

describe('new files from templates', () => {
  it.each([
    ['sow', 'contracts/sow/SPRINT-08.yaml', 'id: SPRINT-08'],
    ['cr', 'contracts/changes/CR-43.yaml', 'id: CR-43'],
    ['adr', 'docs/adr/ADR-0008.md', '# ADR-0008'],
  ] as const)('New %s proposes the next id and validates clean once created', async (kind, file, text) => {
    const session = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
    await session.open(exampleCopy());
    const proposal = await session.handlers['templates.propose']({ kind });
    expect(proposal.path).toBe(file);
    expect(proposal.text).toContain(text);
    await session.handlers['files.create']({ path: proposal.path, text: proposal.text });
    // as of the example iteration's last day (after it, its never-run qa_signoff is a missing gate)
    const result = await session.handlers['workspace.validate']({ today: '2025-10-24' });
    expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    await session.close();
  });

  it('recent workspaces are remembered, newest first', async () => {
    const state = new AppState(tempDir());
    const session = new Session({ mode: 'browser', state, watch: false });
    const a = exampleCopy();
    const b = exampleCopy();
    await session.open(a);
    await session.open(b);
    expect((await session.handlers['workspace.recent']()).map((r) => r.name)).toEqual([path.basename(b), path.basename(a)]);
    await session.close();
  });

  it('folder dialogs are refused in browser mode with a plain message', async () => {
    const session = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
    await expect(session.handlers['workspace.pickFolder']()).rejects.toThrow('type the folder path');
  });
});
