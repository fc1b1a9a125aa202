import { describe, expect, it } from 'vitest';
import { AppState } from '../../../core/node/app-state.js';
import { Session } from '../../../core/node/session.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';
import path from 'node:path';
import { appendFileSync, writeFileSync } from 'node:fs';
import { sysgit } from '../../helpers/git.js';

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

describe('one command reads only what it needs', () => {
  const committedExample = () => {
    const dir = exampleCopy();
    sysgit(dir, 'init', '-q', '-b', 'main');
    sysgit(dir, 'add', '.');
    sysgit(dir, 'commit', '-qm', 'example');
    return dir;
  };
  const markers = '<<<<<<< mine\ntitle: a\n=======\ntitle: b\n>>>>>>> theirs\n';

  it('a CLI status reads no contract file; its conflict files are the changed ones with markers, as the app has them', async () => {
    const dir = committedExample();
    // markers committed as they are wait in no file: only what is not committed yet is a conflict to resolve
    writeFileSync(path.join(dir, 'contracts/changes/CR-60.yaml'), markers);
    sysgit(dir, 'add', '.');
    sysgit(dir, 'commit', '-qm', 'markers committed');
    appendFileSync(path.join(dir, 'contracts/sow/SPRINT-07.yaml'), markers);
    const cli = new Session({ mode: 'cli', state: new AppState(tempDir()), watch: false });
    await cli.open(dir);
    const status = await cli.handlers['git.status']();
    expect(cli.current()!.isRead).toBe(false);
    expect(status.conflictFiles).toEqual(['contracts/sow/SPRINT-07.yaml']);
    expect(status.changes.map((c) => c.path)).toEqual(['contracts/sow/SPRINT-07.yaml']);
    await cli.close();
    const app = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
    await app.open(dir);
    expect((await app.handlers['git.state']()).conflictFiles).toEqual(status.conflictFiles);
    expect((await app.handlers['git.status']()).conflictFiles).toEqual(status.conflictFiles);
    await app.close();
  });

  it('a CLI command that needs the files reads them at its first need', async () => {
    const dir = committedExample();
    const cli = new Session({ mode: 'cli', state: new AppState(tempDir()), watch: false });
    await cli.open(dir);
    expect(cli.current()!.isRead).toBe(false);
    const result = await cli.handlers['workspace.validate']({ today: '2025-10-24' });
    expect(cli.current()!.isRead).toBe(true);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    await cli.close();
  });
});
