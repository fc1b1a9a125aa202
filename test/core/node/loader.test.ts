import { mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../core/common/diagnostics.js';
import { loadWorkspace } from '../../../core/node/workspace-loader.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';

async function validate(dir: string): Promise<string[]> {
  const { snapshot } = await loadWorkspace(dir);
  return snapshot.validate({ today: '2025-10-20' }).diagnostics.map(formatDiagnostic);
}

describe('loading a workspace from disk', () => {
  it('a contract file or evidence that is a pipe is named as such, never opened to wait for a writer', async () => {
    const ws = exampleCopy();
    execFileSync('mkfifo', [path.join(ws, 'contracts/changes/CR-77.yaml'), path.join(ws, 'analytics/pipe.csv')]);
    const diags = await validate(ws);
    expect(diags).toContainEqual(expect.stringMatching(/^contracts\/changes\/CR-77\.yaml.*not a regular file \(a pipe, socket or device\)/));
  });

  it('the example copy validates clean', async () => {
    expect(await validate(exampleCopy())).toEqual([]);
  });

  it('evidence that is a symlink to a file outside the workspace is refused, and the outside file is never read', async () => {
    const ws = exampleCopy();
    const outside = path.join(tempDir(), 'secret.csv');
    writeFileSync(outside, 'sentinel\n');
    const evidence = path.join(ws, 'analytics/exp_123.csv');
    writeFileSync(evidence, '');
    await import('node:fs/promises').then((fs) => fs.rm(evidence));
    symlinkSync(outside, evidence);
    const diags = await validate(ws);
    expect(diags).toEqual([
      // evidence that cannot be followed shows nothing: AC2's recorded value alone leaves it unverified, not met
      'contracts/sow/SPRINT-07.yaml:11:18 warning criterion-unverified AC2 has the value 24.8 against its target >= 15% (from its description), but its evidence analytics/exp_123.csv is not in the workspace; add the file so the criterion rests on evidence.',
      expect.stringContaining(
        'contracts/sow/SPRINT-07.yaml:12:15 error path-outside-workspace acceptance_criteria[1].evidence "analytics/exp_123.csv" is a link that leads outside the workspace',
      ),
    ]);
    expect(readFileSync(outside, 'utf8')).toBe('sentinel\n');
  });

  it('a contract file that links outside the workspace is not read', async () => {
    const ws = exampleCopy();
    const outside = path.join(tempDir(), 'CR-50.yaml');
    writeFileSync(outside, 'id: CR-50\n');
    symlinkSync(outside, path.join(ws, 'contracts/changes/CR-50.yaml'));
    const diags = await validate(ws);
    expect(diags).toEqual([
      'contracts/changes/CR-50.yaml:1:1 error file-unreadable This contract file is a link that leads outside the workspace (or nowhere); Covenant does not follow it.',
    ]);
  });

  it('a folder of evidence linked from outside counts as outside', async () => {
    const ws = exampleCopy();
    const outsideDir = tempDir();
    writeFileSync(path.join(outsideDir, 'r.md'), 'x');
    symlinkSync(outsideDir, path.join(ws, 'linked'));
    const sow = path.join(ws, 'contracts/sow/SPRINT-07.yaml');
    writeFileSync(sow, readFileSync(sow, 'utf8').replace('analytics/exp_123.csv', 'linked'));
    expect((await validate(ws)).join('\n')).toContain('path-outside-workspace');
  });

  it('a 200 MB contract file is refused by its size without being read', async () => {
    const ws = exampleCopy();
    const big = path.join(ws, 'contracts/sow/SPRINT-99.yaml');
    closeSync(openSync(big, 'w'));
    truncateSync(big, 200 * 1024 * 1024); // sparse: no disk used
    const diags = await validate(ws);
    expect(diags).toEqual(['contracts/sow/SPRINT-99.yaml:1:1 error file-too-large The file is 200.0 MB; contract files may be at most 5.0 MB.']);
  });

  it('.git and node_modules are never read', async () => {
    const ws = exampleCopy();
    mkdirSync(path.join(ws, '.git/contracts/sow'), { recursive: true });
    writeFileSync(path.join(ws, '.git/contracts/sow/BAD.yaml'), ': : :');
    mkdirSync(path.join(ws, 'node_modules/contracts/changes'), { recursive: true });
    writeFileSync(path.join(ws, 'node_modules/contracts/changes/CR-1.yaml'), ': : :');
    expect(await validate(ws)).toEqual([]);
  });

  it('file names with spaces and unicode are fine', async () => {
    const ws = exampleCopy();
    mkdirSync(path.join(ws, 'test reports'));
    writeFileSync(path.join(ws, 'test reports/Zoë 東京.md'), '# ok');
    const sow = path.join(ws, 'contracts/sow/SPRINT-07.yaml');
    writeFileSync(sow, readFileSync(sow, 'utf8').replace('analytics/exp_123.csv', '"test reports/Zoë 東京.md"'));
    expect(await validate(ws)).toEqual([]);
  });
});
