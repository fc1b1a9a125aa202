// Analyses kept between CLI commands (issue 26, item 3): the next command parses only the files whose text changed,
// and what it reports is what a command with nothing kept reports, whatever happened to the kept table in between
// (an edit, an edit undone, a damaged or foreign table, one grown past the workspace).
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { covenant } from '../../helpers/cli.js';
import { sysgit } from '../../helpers/git.js';
import { exampleCopy } from '../../helpers/tmp.js';

const CR = 'contracts/changes/CR-42.yaml';

describe('analyses kept between CLI commands', () => {
  it('report what a fresh analysis reports, through edits, an undo, damage and another build', () => {
    const dir = exampleCopy();
    sysgit(dir, 'init', '-q', '-b', 'main');
    sysgit(dir, 'add', '-A');
    sysgit(dir, 'commit', '-q', '-m', 'base');
    const kept = path.join(dir, '.git/covenant/analysis');
    const validate = () => covenant(['validate', dir, '--format', 'json', '--today', '2025-10-20'], dir).stdout;
    const fresh = () => {
      rmSync(`${kept}.json`, { force: true });
      rmSync(`${kept}.log`, { force: true });
      return validate();
    };
    const clean = fresh();
    expect(validate()).toBe(clean); // from what was kept
    const text = readFileSync(path.join(dir, CR), 'utf8');
    writeFileSync(path.join(dir, CR), text.replace(/risk_score: \d+/, 'risk_score: lots'));
    const edited = validate();
    expect(edited).not.toBe(clean); // the changed file was analysed again, not taken from the table
    expect(edited).toContain('risk_score');
    expect(fresh()).toBe(edited);
    writeFileSync(path.join(dir, CR), text); // undone: its first analysis serves again
    expect(validate()).toBe(clean);
    appendFileSync(`${kept}.log`, '["another build","abc",{"diagnostics":[]}]\n{ cut short');
    writeFileSync(`${kept}.json`, '{ damaged');
    expect(validate()).toBe(clean);
    // a table grown far past the workspace (analyses of texts edited away long ago) is cut down to the files there are
    const stamp = (JSON.parse(readFileSync(`${kept}.log`, 'utf8').split('\n')[0]!) as [string])[0];
    const files = (JSON.parse(clean) as { files: number }).files;
    for (let i = 0; i < 300; i++) appendFileSync(`${kept}.log`, `${JSON.stringify([stamp, `old-${i}`, { diagnostics: [] }])}\n`);
    writeFileSync(path.join(dir, CR), `${text}# one more edit\n`);
    validate();
    const rows = Object.keys((JSON.parse(readFileSync(`${kept}.json`, 'utf8')) as { rows: object }).rows);
    expect(rows.length).toBe(files);
    expect(readFileSync(`${kept}.log`, 'utf8')).toBe('');
    expect(validate()).toBe(fresh());
  });
});
