// Several files whole or not at all (issue 25, item 3): `addendum --apply` writes the contract edits, the addendum and
// the CR; killed at any moment (20 times) the next open finds all three written or none; a failure halfway puts back
// what was written.
import { spawn } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAll } from '../../../core/node/fs/write-all.js';
import { covenant, IDENTITY } from '../../helpers/cli.js';
import { exampleCopy } from '../../helpers/tmp.js';
import { REPO } from '../../helpers/workspace.js';

const SOW = 'contracts/sow/SPRINT-07.yaml';
const CR = 'contracts/changes/CR-42.yaml';
const ADDENDUM = 'contracts/addenda/CR-42.yaml';
const sha = async (t: string) => (await import('node:crypto')).createHash('sha256').update(t).digest('hex');

describe('a multi-file write', () => {
  it('that fails halfway puts back the files it had written', async () => {
    const dir = exampleCopy();
    const [sow, cr] = [SOW, CR].map((p) => readFileSync(path.join(dir, p), 'utf8'));
    mkdirSync(path.join(dir, 'contracts/zz-folder')); // the last write (in path order) meets a folder
    await expect(
      writeAll(dir, [
        { path: SOW, text: `${sow}# edited\n`, baseHash: await sha(sow!) },
        { path: CR, text: `${cr}# edited\n`, baseHash: await sha(cr!) },
        { path: 'contracts/zz-folder', text: 'x', baseHash: null },
      ]),
    ).rejects.toThrow(/is a folder/);
    expect(readFileSync(path.join(dir, SOW), 'utf8')).toBe(sow);
    expect(readFileSync(path.join(dir, CR), 'utf8')).toBe(cr);
  });

  it('addendum --apply that cannot write its last file (the CR) leaves the SOW and the addendum as they were', () => {
    const dir = exampleCopy();
    const sow = readFileSync(path.join(dir, SOW), 'utf8');
    linkSync(path.join(dir, CR), path.join(dir, 'CR-42.hardlink')); // a file with another hard link is never written
    const r = covenant(['addendum', 'CR-42', dir, '--set', `${SOW}:value_hypothesis="Reduce drop-off by 30%"`, '--apply'], undefined, IDENTITY);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('has other hard links');
    expect(readFileSync(path.join(dir, SOW), 'utf8')).toBe(sow);
    expect(existsSync(path.join(dir, ADDENDUM))).toBe(false);
  });

  it('addendum --apply killed at any moment: the next open finds all three files written, or none (20 kills)', async () => {
    let killed = 0;
    for (let i = 0; i < 20; i++) {
      const dir = exampleCopy();
      const before = [SOW, CR].map((p) => readFileSync(path.join(dir, p), 'utf8'));
      const child = spawn(
        process.execPath,
        [path.join(REPO, 'bin/covenant.mjs'), 'addendum', 'CR-42', dir, '--set', `${SOW}:value_hypothesis="Reduce drop-off by ${30 + i}%"`, '--apply'],
        { env: { ...process.env, ...IDENTITY }, stdio: 'ignore' },
      );
      const timer = setTimeout(() => child.kill('SIGKILL'), 150 + Math.floor(Math.random() * 400));
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      clearTimeout(timer);
      if (code === null) killed++;
      expect(covenant(['validate', dir]).code, `${i}`).not.toBe(2); // opening puts back a half-done write
      const after = [SOW, CR].map((p) => readFileSync(path.join(dir, p), 'utf8'));
      const none = after[0] === before[0] && after[1] === before[1] && !existsSync(path.join(dir, ADDENDUM));
      const all = after[0]!.includes(`Reduce drop-off by ${30 + i}%`) && /implemented: /.test(after[1]!) && existsSync(path.join(dir, ADDENDUM));
      expect(
        all || none,
        `${i}: all or nothing (sow ${after[0] !== before[0]}, cr ${after[1] !== before[1]}, addendum ${existsSync(path.join(dir, ADDENDUM))})`,
      ).toBe(true);
      writeFileSync(path.join(dir, 'done'), ''); // (the folder is removed after the test)
    }
    process.stdout.write(`write-all: ${killed} of 20 applies killed\n`);
  }, 120_000);
});
