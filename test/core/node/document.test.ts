import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sectionsOf } from '../../../core/common/document.js';
import { SCHEMAS } from '../../../core/common/schemas.js';
import { AppState } from '../../../core/node/app-state.js';
import { Session } from '../../../core/node/session.js';
import { contractDocument } from '../../../core/node/document-service.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';
import { CR, engineWith, SOW } from '../../helpers/workspace.js';

async function opened(edit?: (ws: string) => void) {
  const ws = exampleCopy();
  edit?.(ws);
  const session = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
  await session.open(ws);
  return { ws, session };
}

describe('the document view of a contract file', () => {
  it('a SOW: schema titles, each criterion and gate with the evidence that decides it, linked changes, the ledger line', async () => {
    const { session } = await opened();
    const doc = await session.handlers['document.get']({ path: 'contracts/sow/SPRINT-07.yaml' });
    expect(doc.title).toBe('SPRINT-07');
    expect(doc.shows).toBe('The saved file, no commit yet');
    expect(doc.sections.map((s) => s.title)).toEqual([
      'Overview',
      'Goals',
      'Acceptance criteria',
      'Gates',
      'Links',
      'Linked change requests',
      'Ledger',
      'Approvals (from signatures)',
    ]);
    const overview = doc.sections[0]!.blocks[0]!;
    expect(overview.type === 'fields' && overview.rows.map((r) => r.label)).toEqual(['Dates', 'Value hypothesis']); // titles, not keys
    const criteria = doc.sections.find((s) => s.title === 'Acceptance criteria')!.blocks[0]!;
    expect(criteria.type === 'checks' && criteria.items.map((i) => [i.label, i.status, i.evidence?.present])).toEqual([
      ['AC1', 'met', true],
      ['AC2', 'met', true],
    ]);
    const gates = doc.sections.find((s) => s.title === 'Gates')!.blocks[0]!;
    expect(gates.type === 'checks' && gates.items.map((i) => [i.label, i.status])).toEqual([
      ['design_review', 'passed'],
      ['qa_signoff', 'missing'], // the iteration ended 2025-10-24 and the gate never ran
    ]);
    const ledger = doc.sections.find((s) => s.title === 'Ledger')!.blocks[0]!;
    expect(ledger.type === 'fields' && ledger.rows.map((r) => r.value)).toContain('Supplier bears €1,625.25 of the overrun; client bears €1,625.25');
    await session.close();
  });

  it('unsaved edits are shown and it says so; a typed status without evidence stays unverified', async () => {
    const { ws, session } = await opened();
    const p = 'contracts/sow/SPRINT-07.yaml';
    const text = readFileSync(path.join(ws, p), 'utf8').replace(
      '  - name: qa_signoff\n    validator: validation_utils:functional_suite',
      '  - name: qa_signoff\n    validator: validation_utils:functional_suite\n    status: passed',
    );
    const doc = await session.handlers['document.get']({ path: p, unsaved: { [p]: text } });
    expect(doc.shows).toMatch(/^Your unsaved edits to contracts\/sow\/SPRINT-07.yaml \(not saved yet\)/);
    const gates = doc.sections.find((s) => s.title === 'Gates')!.blocks[0]!;
    expect(gates.type === 'checks' && gates.items.find((i) => i.label === 'qa_signoff')?.status).toBe('unverified');
    await session.close();
  });

  it('a file that fails its schema is shown as written, and says why it is not checked', async () => {
    const { session } = await opened((ws) => {
      const f = path.join(ws, 'contracts/changes/CR-42.yaml');
      writeFileSync(f, readFileSync(f, 'utf8').replace('status: approved', 'status: aproved'));
    });
    const doc = await session.handlers['document.get']({ path: 'contracts/changes/CR-42.yaml' });
    expect(doc.sections[0]!.title).toBe('Not checked');
    expect(JSON.stringify(doc.sections[0])).toContain('aproved');
    expect(doc.sections.map((s) => s.title)).toContain('Impact analysis');
    await expect(session.handlers['document.get']({ path: 'docs/adr/ADR-0007.md' })).rejects.toThrow(/no document view/);
    await expect(session.handlers['document.get']({ path: 'contracts/sow/NOPE.yaml' })).rejects.toThrow(/There is no file/);
    await session.close();
  });

  it('a change request leads with its computed verdict', async () => {
    const { session } = await opened();
    const doc = await session.handlers['document.get']({ path: 'contracts/changes/CR-42.yaml' });
    expect(doc.title).toBe('CR-42 — Redesign navigation per user tests');
    expect(doc.sections[0]!.title).toBe('Verdict (computed)');
    expect(JSON.stringify(doc.sections[0])).toContain('"minor: ');
    await session.close();
  });
});

describe('the document view says each status and verdict once', () => {
  it('a change request: "minor: no threshold crossed", never "minor: minor:"', () => {
    const doc = contractDocument(engineWith().snapshot(), CR, 'the saved file');
    const fields = doc.sections[0]!.blocks[0]!;
    expect(fields.type === 'fields' && fields.rows.map((r) => [r.label, r.value])).toEqual([
      ['Verdict', 'minor: no threshold crossed'],
      ['Declared in the file', 'minor'],
      ['Judged against', 'master-2025-10 as saved (not committed; effective 2025-10-11)'],
    ]);
  });

  it('a SOW whose iteration has ended: the gate that never ran is missing, and says so', () => {
    const doc = contractDocument(engineWith().snapshot(), SOW, 'the saved file');
    const gates = doc.sections.find((s) => s.title === 'Gates')!.blocks[0]!;
    expect(gates.type === 'checks' && gates.items.map((i) => [i.label, i.status, i.detail])).toEqual([
      ['design_review', 'passed', 'hand, 2025-10-17T15:00:00Z, Dana Design <dana@example.com>'],
      ['qa_signoff', 'missing', 'no result recorded, and SPRINT-07 ended 2025-10-24: it never ran'],
    ]);
  });
});

describe('sections from a schema', () => {
  it('follow the schema order, take its titles, show lists of maps as tables and keep x- extensions', () => {
    const sections = sectionsOf(SCHEMAS.master as Record<string, unknown>, {
      'x-owner': 'PMO',
      version: 1,
      governance: { steering_committee: ['client'], decision_rights: [{ area: 'scope', owner: 'client', sla_days: 3 }] },
    });
    expect(sections.map((s) => s.title)).toEqual(['Overview', 'Governance']);
    const rows = sections[0]!.blocks[0]!;
    expect(rows.type === 'fields' && rows.rows.map((r) => [r.label, r.value])).toEqual([
      ['Format version', '1'],
      ['X-owner', 'PMO'],
    ]);
    const table = sections[1]!.blocks.find((b) => b.type === 'table');
    expect(table?.type === 'table' && table.columns).toEqual(['Area', 'Owner', 'SLA (days)']);
  });
});
