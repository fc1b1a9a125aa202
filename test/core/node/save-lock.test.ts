// Saves that cannot lose an update (issue 25, item 2): the base-hash check and the write are one critical section per
// file. Writers append their own line to one file, each save against the version it read, retrying when told the file
// changed; afterwards every line a writer was told was saved must be in the file: in one process (three writers in
// one workspace, as three windows of one serve) and across processes (two, as two serves on one folder).
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenWorkspace } from '../../../core/node/workspace-service.js';
import { appendingWriter } from '../../helpers/saves.js';
import { exampleCopy } from '../../helpers/tmp.js';
import { REPO } from '../../helpers/workspace.js';

const FILE = 'docs/notes.md';

function lost(dir: string, saved: string[]): string[] {
  const text = readFileSync(path.join(dir, FILE), 'utf8');
  return saved.filter((line) => !text.split('\n').includes(line));
}

describe('no save is lost', () => {
  it('three writers in one process: every "saved" line is in the file', async () => {
    const dir = exampleCopy();
    const ws = await OpenWorkspace.open(dir, () => undefined, { watch: false });
    try {
      await ws.write(FILE, '# notes\n', null);
      const saved = (await Promise.all(['a', 'b', 'c'].map((n) => appendingWriter(ws, FILE, n, 40)))).flat();
      expect(saved).toHaveLength(120);
      expect(lost(dir, saved)).toEqual([]);
    } finally {
      await ws.close();
    }
  });

  it('three processes on one folder: every "saved" line is in the file, and no lock file is left', async () => {
    const dir = exampleCopy();
    const ws = await OpenWorkspace.open(dir, () => undefined, { watch: false });
    await ws.write(FILE, '# notes\n', null);
    await ws.close();
    const run = (name: string) =>
      new Promise<string[]>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/fixtures/concurrent-saves.ts'), dir, FILE, name, '60'], {
          cwd: REPO,
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as string[]) : reject(new Error(`writer ${name} exited ${code}`))));
      });
    const saved = (await Promise.all([run('p'), run('q'), run('r')])).flat();
    expect(saved).toHaveLength(180);
    expect(lost(dir, saved)).toEqual([]);
    expect(readdirSync(path.join(dir, 'docs')).filter((f) => f.includes('lock'))).toEqual([]);
  }, 60_000);
});
