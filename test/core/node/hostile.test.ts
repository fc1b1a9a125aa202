import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppState } from '../../../core/node/app-state.js';
import { Session } from '../../../core/node/session.js';
import { buildHostileWorkspace } from '../../fixtures/hostile.js';
import { tempDir } from '../../helpers/tmp.js';

describe('a hostile workspace', () => {
  it('every trick gets a diagnostic or a clean refusal; nothing outside is read or written', async () => {
    const h = buildHostileWorkspace(tempDir());
    const session = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
    await session.open(h.workspace); // a read of the FIFO outside would block here forever (the test's timeout fails it)
    const { diagnostics } = await session.handlers['workspace.validate']({ today: '2025-10-20' });
    const at = (file: string) => diagnostics.filter((d) => d.file === file).map((d) => `${d.code}: ${d.message}`);

    expect(at('contracts/changes/CR-43.yaml')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^path-outside-workspace: adr leads outside/),
        expect.stringMatching(/^path-outside-workspace: addendum is an absolute path/),
      ]),
    );
    expect(at('contracts/changes/CR-44.yaml')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^path-outside-workspace: adr is a URL/),
        expect.stringMatching(/^path-outside-workspace: addendum is a URL/),
      ]),
    );
    expect(at('contracts/sow/SPRINT-07.yaml')).toEqual([
      // evidence that cannot be followed shows nothing: the values alone leave both criteria unverified, not met
      'criterion-unverified: AC1 has the value 87 against its target >= 85 (from its description), but its evidence evidence-fifo.csv is not in the workspace; add the file so the criterion rests on evidence.',
      expect.stringMatching(/^path-outside-workspace: acceptance_criteria\[0\]\.evidence "evidence-fifo\.csv" is a link that leads outside/),
      'criterion-unverified: AC2 has the value 24.8 against its target >= 15% (from its description), but its evidence linked-outside/sentinel.txt is not in the workspace; add the file so the criterion rests on evidence.',
      expect.stringMatching(/^path-outside-workspace: acceptance_criteria\[1\]\.evidence "linked-outside\/sentinel\.txt" leads|is a link/),
    ]);
    expect(at('contracts/sow/SPRINT-66.yaml')).toEqual([expect.stringMatching(/^file-unreadable: This contract file is a link that leads outside/)]);
    expect(at('contracts/changes/CR-90.yaml')).toEqual([expect.stringMatching(/^file-unreadable: This contract file is a link/)]);
    expect(at('contracts/sow/SPRINT-99.yaml')).toEqual(['file-too-large: The file is 200.0 MB; contract files may be at most 5.0 MB.']);
    expect(at('contracts/changes/CR-45.yaml')).toEqual([expect.stringContaining('alias bomb')]);
    expect(at('contracts/changes/CR-46.yaml').length).toBeGreaterThan(0);
    expect(at('contracts/changes/CR-47.yaml')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^schema: "__proto__" is not a known field/),
        expect.stringMatching(/^schema: "constructor" is not a known field/),
        expect.stringMatching(/^schema: "prototype" is not a known field/),
      ]),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const bidi = at('contracts/sow/SPRINT-08.yaml').join('\n');
    expect(bidi).toContain('\\u202e');
    expect(bidi.includes('\u202e') || bidi.includes('\u0007')).toBe(false); // escaped, not raw
    expect(at('contracts/changes/CR-48.yaml')).toEqual([expect.stringContaining('decision.status must be one of')]);
    expect(at('contracts/sow/aux.yaml').join()).toContain('id-filename-mismatch');

    // the API refuses every way out, and the sentinel is untouched
    for (const p of [
      '../outside/sentinel.txt',
      'linked-outside/sentinel.txt',
      'contracts/sow/SPRINT-66.yaml',
      'evidence-fifo.csv',
      '/etc/passwd',
      '.git/config',
    ]) {
      await expect(session.handlers['files.read']({ path: p }), p).rejects.toMatchObject({ code: 'outside-workspace' });
      await expect(session.handlers['files.write']({ path: p, text: 'owned' }), p).rejects.toMatchObject({ code: 'outside-workspace' });
    }
    await expect(session.handlers['files.rename']({ from: 'contracts/ledger.yaml', to: 'linked-outside/ledger.yaml' })).rejects.toMatchObject({
      code: 'outside-workspace',
    });
    expect(readFileSync(h.sentinel, 'utf8')).toBe(h.sentinelText);
    expect(statSync(h.fifo).isFIFO()).toBe(true);

    // names with spaces, unicode and reserved names are ordinary files
    const list = (await session.handlers['files.list']()).map((f) => f.path);
    expect(list).toEqual(expect.arrayContaining(['test reports/Zoë 東京 €.md', 'CON.yaml', 'docs/NUL.md']));
    expect((await session.handlers['files.read']({ path: 'test reports/Zoë 東京 €.md' })).text).toBe('# ok');
    await session.close();
  });
});
