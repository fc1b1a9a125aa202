import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { covenant } from '../../helpers/cli.js';
import { planArchive } from '../../../core/node/archive.js';
import { exampleCopy } from '../../helpers/tmp.js';
import { engineWith } from '../../helpers/workspace.js';

describe('covenant archive', () => {
  it('moves the iterations that ended before a date into a bundle with its summary; they stay validated and counted', () => {
    const ws = exampleCopy();
    const dry = covenant(['archive', ws, '--bundle', '2025-Q4', '--before', '2025-11-01', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(
      'would move contracts/sow/SPRINT-07.yaml -> contracts/archive/2025-Q4/sow/SPRINT-07.yaml\nwould write contracts/archive/2025-Q4/README.md (1 iteration)\n',
    );
    expect(existsSync(path.join(ws, 'contracts/archive'))).toBe(false);
    // as of a day of the iteration: the summary line alone (later, the never-run qa_signoff is a warning naming the file's path)
    const before = covenant(['validate', ws, '--today', '2025-10-20']);
    expect(covenant(['archive', ws, '--bundle', '2025-Q4', '--before', '2025-11-01']).code).toBe(0);
    expect(existsSync(path.join(ws, 'contracts/sow/SPRINT-07.yaml'))).toBe(false);
    const summary = readFileSync(path.join(ws, 'contracts/archive/2025-Q4/README.md'), 'utf8');
    expect(summary).toContain('1 iteration, 13 October 2025 to 24 October 2025, archived because they ended before 1 November 2025.');
    expect(summary).toContain(
      '| SPRINT-07 | 2025-10-13 to 2025-10-24 | 1/2 (50%) | 2/2 (100%) | Overrun of €3,250.50; Supplier bears €1,625.25 of the overrun; client bears €1,625.25 | CR-42 |',
    );
    expect(summary).toContain('not in a git repository');
    // the same count, still clean: links from the CR and the ledger period still find the SOW by id
    expect(covenant(['validate', ws, '--today', '2025-10-20']).stdout).toBe(before.stdout);
    const again = covenant(['archive', ws, '--bundle', '2025-Q4', '--before', '2025-11-01']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('No iteration that is not archived yet ended before 2025-11-01: nothing to archive.');
  });

  it('refuses a bundle name that is not a plain folder name and a date that is not one', () => {
    const ws = exampleCopy();
    const name = covenant(['archive', ws, '--bundle', '../outside', '--before', '2025-11-01']);
    expect(name.code).toBe(2);
    expect(name.stderr).toContain('A bundle name is letters, digits, dots, dashes or underscores');
    const date = covenant(['archive', ws, '--bundle', 'old', '--before', '2025-02-30']);
    expect(date.code).toBe(2);
    expect(date.stderr).toContain('YYYY-MM-DD');
  });
});

describe('the archive summary', () => {
  it('gates passed is passed of declared: 1/2 (50%), never 1/2 (100%)', () => {
    const plan = planArchive(engineWith().snapshot(), '2025-Q4', '2025-11-01', 'the saved files');
    expect(plan.summary).toContain('| SPRINT-07 | 2025-10-13 to 2025-10-24 | 1/2 (50%) | 2/2 (100%) |');
  });
});
