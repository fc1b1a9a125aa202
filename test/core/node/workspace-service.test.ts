import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CovenantError } from '../../../core/common/errors.js';
import { confine } from '../../../core/node/fs/confine.js';
import { OpenWorkspace, sha256 } from '../../../core/node/workspace-service.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';

const opened: OpenWorkspace[] = [];
afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

async function open(dir = exampleCopy()) {
  const ws = await OpenWorkspace.open(dir, () => undefined, { watch: false });
  opened.push(ws);
  return ws;
}

async function failure(p: Promise<unknown>): Promise<CovenantError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CovenantError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('path confinement', () => {
  it.each([
    ['../outside.txt', 'leads outside'],
    ['contracts/../../x', 'leads outside'],
    ['/etc/passwd', 'absolute path'],
    ['C:\\Windows\\x', 'absolute path'],
    ['a\0b', 'NUL'],
    ['.git/config', '.git'],
    ['.GIT/HEAD', '.git'],
    ['', 'required'],
  ])('refuses %j', async (rel, words) => {
    const root = tempDir();
    await expect(confine(root, rel)).rejects.toThrow(words);
  });

  it('/ws-evil is not inside /ws', async () => {
    const parent = tempDir();
    const root = path.join(parent, 'ws');
    mkdirSync(root);
    mkdirSync(path.join(parent, 'ws-evil'));
    await expect(confine(root, '../ws-evil/x')).rejects.toThrow('leads outside');
  });

  it('refuses paths through symlinks, to files or folders, inside or out', async () => {
    const root = tempDir();
    const outside = tempDir();
    writeFileSync(path.join(outside, 'secret'), 'x');
    symlinkSync(outside, path.join(root, 'linkdir'));
    symlinkSync(path.join(outside, 'secret'), path.join(root, 'linkfile'));
    await expect(confine(root, 'linkdir/secret')).rejects.toThrow('symbolic link');
    await expect(confine(root, 'linkfile')).rejects.toThrow('symbolic link');
    await expect(confine(root, 'linkdir/new.yaml')).rejects.toThrow('symbolic link');
  });

  it('accepts ordinary paths, including ones that do not exist yet, with spaces and unicode', async () => {
    const root = tempDir();
    expect(await confine(root, 'contracts/sow/SPRINT-01.yaml')).toBe(path.join(root, 'contracts/sow/SPRINT-01.yaml'));
    expect(await confine(root, 'test reports/Zoë 東京.md')).toBe(path.join(root, 'test reports/Zoë 東京.md'));
  });
});

describe('an open workspace', () => {
  it('reads with a content hash and writes atomically, leaving no temp file', async () => {
    const ws = await open();
    const file = await ws.read('contracts/changes/CR-42.yaml');
    expect(file.hash).toBe(sha256(readFileSync(path.join(ws.root, 'contracts/changes/CR-42.yaml'))));
    const text = file.text.replace('risk_score: 5', 'risk_score: 6');
    const written = await ws.write('contracts/changes/CR-42.yaml', text, file.hash);
    expect(readFileSync(path.join(ws.root, 'contracts/changes/CR-42.yaml'), 'utf8')).toBe(text);
    expect(written.hash).toBe(sha256(Buffer.from(text)));
    expect(readdirSync(path.join(ws.root, 'contracts/changes'))).toEqual(['CR-42.yaml']);
  });

  it('refuses to save over a file that changed on disk since it was read (by content hash)', async () => {
    const ws = await open();
    const file = await ws.read('contracts/changes/CR-42.yaml');
    const abs = path.join(ws.root, 'contracts/changes/CR-42.yaml');
    writeFileSync(abs, file.text.replace('design_lead', 'client'));
    const e = await failure(ws.write('contracts/changes/CR-42.yaml', 'mine', file.hash));
    expect(e.code).toBe('conflict');
    expect(readFileSync(abs, 'utf8')).toContain('requestor: client');
  });

  it('a failed write leaves the old file intact and says why', async () => {
    const ws = await open();
    const dir = path.join(ws.root, 'contracts/changes');
    const before = readFileSync(path.join(dir, 'CR-42.yaml'), 'utf8');
    if (process.getuid?.() !== 0) {
      chmodSync(dir, 0o555);
      const e = await failure(ws.write('contracts/changes/CR-42.yaml', 'new'));
      chmodSync(dir, 0o755);
      expect(e.message).toContain('No permission');
      expect(readFileSync(path.join(dir, 'CR-42.yaml'), 'utf8')).toBe(before);
    }
    mkdirSync(path.join(ws.root, 'contracts/sow/FOLDER.yaml'));
    const folder = await failure(ws.write('contracts/sow/FOLDER.yaml', 'x'));
    expect(folder.code).toBe('invalid-input');
    expect(folder.message).toContain('is a folder');
  });

  it('create refuses an existing file; delete and rename stay inside', async () => {
    const ws = await open();
    expect((await failure(ws.create('contracts/changes/CR-42.yaml', 'x'))).code).toBe('conflict');
    await ws.create('contracts/changes/CR-43.yaml', 'id: CR-43\n');
    await ws.rename('contracts/changes/CR-43.yaml', 'contracts/changes/CR-44.yaml');
    expect(existsSync(path.join(ws.root, 'contracts/changes/CR-44.yaml'))).toBe(true);
    expect((await failure(ws.rename('contracts/changes/CR-44.yaml', '../CR-44.yaml'))).code).toBe('outside-workspace');
    await ws.delete('contracts/changes/CR-44.yaml');
    expect(ws.list().map((f) => f.path)).not.toContain('contracts/changes/CR-44.yaml');
  });

  it('validates unsaved buffers without saving, and falls back to the disk text when they are gone', async () => {
    const ws = await open();
    const text = (await ws.read('contracts/changes/CR-42.yaml')).text.replace('status: approved', 'status: aproved');
    const dirty = await ws.validate({ 'contracts/changes/CR-42.yaml': text }, '2025-10-20');
    expect(dirty.diagnostics.map((d) => d.code)).toEqual(['schema']);
    expect(readFileSync(path.join(ws.root, 'contracts/changes/CR-42.yaml'), 'utf8')).toContain('status: approved');
    expect((await ws.validate({}, '2025-10-20')).diagnostics).toEqual([]);
  });

  it('removes temp files left by an interrupted save when opened, never one another Covenant is writing now', async () => {
    const dir = exampleCopy();
    const torn = path.join(dir, 'contracts/changes/.covenant-tmp-abc123-CR-42.yaml');
    writeFileSync(torn, 'torn');
    const fresh = path.join(dir, 'contracts/changes/.covenant-tmp-def456-CR-42.yaml');
    writeFileSync(fresh, 'in flight');
    const past = new Date(Date.now() - 5 * 60_000);
    utimesSync(torn, past, past); // left two minutes ago by a save that was killed
    const ws = await open(dir);
    expect(readdirSync(path.join(ws.root, 'contracts/changes')).sort()).toEqual(['.covenant-tmp-def456-CR-42.yaml', 'CR-42.yaml']);
  });

  it("a CLI command removes at once what a killed writer left (its process is gone), never a live writer's", async () => {
    const dir = exampleCopy();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout; // exited
    const left = path.join(dir, `contracts/changes/.covenant-tmp-p${gone}-0a1b2c-CR-42.yaml`);
    const live = path.join(dir, `contracts/changes/.covenant-tmp-p${process.ppid}-3d4e5f-CR-42.yaml`);
    writeFileSync(left, 'cut short by a kill a moment ago');
    writeFileSync(live, 'being written');
    await OpenWorkspace.open(dir, () => undefined, { watch: false, deltas: false });
    expect(
      readdirSync(path.join(dir, 'contracts/changes'))
        .filter((n) => n.includes('CR-42'))
        .sort(),
    ).toEqual([path.basename(live), 'CR-42.yaml']);
  });
});
