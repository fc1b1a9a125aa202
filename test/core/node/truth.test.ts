import { signed } from '../../helpers/git.js';
// The defects of issue 12, each as a test that failed before the fix: outputs say what they show, figures never
// read what the schema rejected, the CLI never turns a wrong path green, the watcher never kills the server.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppState } from '../../../core/node/app-state.js';
import { initRepository } from '../../../core/node/git/init.js';
import { Session } from '../../../core/node/session.js';
import { covenant } from '../../helpers/cli.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';
import { CR, diagnosticsOf, edited, engineWith, MASTER, only, SOW } from '../../helpers/workspace.js';

const pdfText = (buf: Buffer) => {
  const file = path.join(tempDir(), 'x.pdf');
  writeFileSync(file, buf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
};

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('outputs say what they show', () => {
  it('a PDF exported while a tab is dirty shows the saved files; asked to include the edits, its footer says so', async () => {
    const dir = exampleCopy();
    await initRepository(dir, signed({ name: 'T', email: 't@example.com' }), 'start');
    const session = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
    await session.open(dir);
    const unsaved = { [CR]: edited(CR, 'summary: Redesign navigation per user tests', 'summary: UNSAVED SUMMARY TEXT') };
    // the editor validates with its buffer (as it does on every keystroke) ...
    // (qa_signoff never ran, and SPRINT-07 ended 2025-10-24: the one finding, a missing gate)
    expect((await session.handlers['workspace.validate']({ overlays: unsaved })).diagnostics.map((d) => d.code)).toEqual(['gate-missing']);
    // ... and the export of the saved files neither shows the buffer nor claims a clean tree it does not show
    const saved = await session.handlers['pdf.export']({ scope: 'contract' });
    const text = pdfText(Buffer.from(saved.base64, 'base64'));
    expect(text).not.toContain('UNSAVED');
    expect(text).not.toContain('includes unsaved edits');
    expect(saved.provenance).toMatchObject({ uncommitted: false, unsaved: [] });
    // with the buffers asked for: they are in, and every page says so
    const withEdits = await session.handlers['pdf.export']({ scope: 'contract', unsaved });
    const t2 = pdfText(Buffer.from(withEdits.base64, 'base64'));
    expect(t2).toContain('UNSAVED');
    const pages = t2.split('\f').filter((p) => p.trim());
    for (const p of pages) expect(p).toContain('includes unsaved edits');
    expect(withEdits.provenance.unsaved).toEqual([CR]);
    // and the shared snapshot is still the saved one
    const again = pdfText(Buffer.from((await session.handlers['pdf.export']({ scope: 'cr', id: 'CR-42' })).base64, 'base64'));
    expect(again).not.toContain('UNSAVED');
    expect(again).toContain('Redesign navigation per user tests');
    // a saved but uncommitted change is named as such
    writeFileSync(path.join(dir, 'README.md'), 'changed\n');
    const dirty = await session.handlers['pdf.export']({ scope: 'contract' });
    expect(pdfText(Buffer.from(dirty.base64, 'base64'))).toContain('uncommitted changes');
    await session.close();
  });

  it('wizards validate their previews in snapshots of their own: a dirty buffer is not wiped from later validations', async () => {
    const dir = exampleCopy();
    const session = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
    await session.open(dir);
    const broken = { [SOW]: edited(SOW, 'id: SPRINT-07', 'id: SPRINT-7') };
    expect(only((await session.handlers['workspace.validate']({ overlays: broken })).diagnostics, 'id-filename-mismatch')).toHaveLength(1);
    await session.handlers['wizard.sowContext']();
    const draft = {
      summary: 'x',
      requestor: 'client',
      sows: [],
      budget_delta_pct: '1',
      schedule_slip_days: '0',
      risk_score: '1',
      dependencies: [],
      value: '',
      status: 'proposed' as const,
      approvers: [],
      date: '',
      createAdr: false,
    };
    await session.handlers['wizard.crPreview']({ draft });
    // the saved snapshot never held the buffer, and the dashboard is computed from saved files only
    expect((await session.handlers['workspace.validate']({})).diagnostics.map((d) => d.code)).toEqual(['gate-missing']); // qa_signoff never ran
    expect((await session.handlers['dashboard.get']()).provenance.unsaved).toEqual([]);
    await session.close();
  });
});

describe('figures never read what the schema rejected', () => {
  for (const [value, why] of [
    ['lots', 'must be a number'],
    ['-50', 'must be 0 or more (got -50)'],
  ] as const) {
    it(`pain_share_pct: ${value} leaves the master out: metrics and export-pdf exit 1 naming file and field, with no NaN`, () => {
      const ws = exampleCopy();
      const m = path.join(ws, MASTER);
      writeFileSync(m, readFileSync(m, 'utf8').replace('pain_share_pct: 50', `pain_share_pct: ${value}`));
      const metrics = covenant(['metrics', ws]);
      expect(metrics.code).toBe(1);
      expect(metrics.stderr).toContain(`${MASTER}:`);
      expect(metrics.stderr).toContain('pain_share_pct');
      expect(metrics.stderr).toContain(why);
      expect(metrics.stdout).not.toMatch(/BigInt|^covenant_ledger_\S+ NaN$/m); // unknown figures are NaN; money never is
      expect(metrics.stdout).toContain('covenant_files_left_out 1');
      expect(metrics.stdout).not.toMatch(/^covenant_ledger_supplier_share\{/m); // unknown, not wrong money
      const out = path.join(tempDir(), 'c.pdf');
      const pdf = covenant(['export-pdf', ws, '--out', out]);
      expect(pdf.code).toBe(1);
      expect(pdf.stderr).toContain('pain_share_pct');
      expect(pdf.stderr).not.toMatch(/NaN|BigInt|at .*\.mjs/);
      const text = execFileSync('pdftotext', [out, '-'], { encoding: 'utf8' });
      expect(text).toContain('1 file left out of the figures');
      expect(text).not.toContain('NaN');
    });
  }
});

describe('the CLI tells the truth', () => {
  it('validate, metrics and export-pdf on a folder without a master contract: exit 2 and a sentence', () => {
    const empty = tempDir();
    const ws = exampleCopy();
    for (const args of [
      ['validate', empty],
      ['validate', path.join(ws, 'contracts')],
      ['metrics', empty],
      ['export-pdf', empty, '--out', path.join(tempDir(), 'x.pdf')],
    ]) {
      const r = covenant(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('is not a Covenant workspace: there is no contracts/master_contract.yaml');
      expect(r.stdout).not.toContain('0 files checked');
    }
  });

  it('a decision dated before the CR was created is an error; approvers and requestors nobody in governance holds are errors', () => {
    const cr = edited(CR, 'summary:', 'created: 2025-10-20\nsummary:');
    const early = only(diagnosticsOf(engineWith({ [CR]: cr })), 'date-order');
    expect(early).toHaveLength(1);
    expect(early[0]!.message).toContain('decision.date (2025-10-15) is before created (2025-10-20)');
    const intern = edited(CR, 'approvers: [steering_committee]', 'approvers: [random_intern]', 'requestor: design_lead', 'requestor: somebody');
    const parties = only(diagnosticsOf(engineWith({ [CR]: intern })), 'unknown-party');
    expect(parties.map((d) => d.message)).toEqual([
      expect.stringContaining('requestor somebody is no role in the master contract'),
      expect.stringContaining('approver random_intern is no role in the master contract'),
    ]);
  });

  it('the CR wizard refuses a decision dated before today for a new request', async () => {
    const dir = exampleCopy();
    const session = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
    await session.open(dir);
    const draft = {
      summary: 'x',
      requestor: 'client',
      sows: [],
      budget_delta_pct: '1',
      schedule_slip_days: '0',
      risk_score: '1',
      dependencies: [],
      value: '',
      status: 'approved' as const,
      approvers: ['steering_committee'],
      date: '2020-01-01',
      createAdr: false,
    };
    await expect(session.handlers['wizard.crPreview']({ draft })).rejects.toThrow('cannot be decided before that');
    await session.close();
  });

  it('SPRINT-07 links CR-42: the wizard opened on CR-42 shows the SOW, whichever side names the link', async () => {
    const dir = exampleCopy();
    const session = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
    await session.open(dir);
    expect((await session.handlers['wizard.crLoad']({ path: CR })).sows).toEqual(['SPRINT-07']);
    await session.close();
  });
});

describe('the watcher never kills the server', () => {
  it('a top-level name starting with .. is seen by the watcher', async () => {
    const dir = exampleCopy();
    const session = new Session({ mode: 'browser', state: new AppState(tempDir()) });
    const events: string[] = [];
    session.subscribe((e) => {
      if (e.type === 'snapshot') events.push(...e.delta.added.map((a) => a.path));
    });
    await session.open(dir);
    writeFileSync(path.join(dir, '..notes.md'), 'notes\n');
    await until(() => events.includes('..notes.md'), 'the watcher reported ..notes.md');
    expect((await session.handlers['files.list']()).map((f) => f.path)).toContain('..notes.md');
    await session.close();
  });

  // root ignores permissions: CI runs this file again as a non-root user (runuser in .ci/run), where it runs
  const nonRoot = process.getuid?.() !== 0;
  it.skipIf(!nonRoot)(
    '(non-root) a folder unreadable at start, or made unreadable while serving, is a diagnostic, not a crash or a false "no such CR"',
    async () => {
      const dir = exampleCopy();
      const changes = path.join(dir, 'contracts/changes');
      chmodSync(changes, 0o000);
      try {
        const r = covenant(['validate', dir]);
        expect(r.stdout).toContain('contracts/changes:1:1 error file-unreadable The folder contracts/changes could not be read (permission denied)');
        expect(r.stdout).not.toContain('no such change request');
        expect(r.code).toBe(1);
        // the figures made without it say so, and exit 1: its CRs are unknown, not none
        const m = covenant(['metrics', dir]);
        expect(m.code).toBe(1);
        expect(m.stderr).toContain('contracts/changes:1 is left out of the figures: the folder could not be read');
        expect(covenant(['export-csv', 'changes', dir]).code).toBe(1);
        chmodSync(changes, 0o755);
        const session = new Session({ mode: 'browser', state: new AppState(tempDir()) });
        const notices: string[] = [];
        session.subscribe((e) => {
          if (e.type === 'notice') notices.push(e.message);
        });
        await session.open(dir);
        mkdirSync(path.join(dir, 'docs/extra'));
        chmodSync(path.join(dir, 'docs/extra'), 0o000);
        chmodSync(changes, 0o000);
        writeFileSync(path.join(dir, 'README.md'), 'poke\n');
        // the server is alive and answers: the folder is reported, its CRs are unknown rather than missing
        await until(
          async () => (await session.handlers['workspace.validate']({})).diagnostics.some((d) => d.code === 'file-unreadable'),
          'the unreadable folder is reported',
          8000,
        );
        const diags = (await session.handlers['workspace.validate']({})).diagnostics;
        expect(diags.filter((d) => d.code === 'unknown-reference')).toEqual([]);
        await session.close();
      } finally {
        chmodSync(changes, 0o755);
      }
    },
  );
});
