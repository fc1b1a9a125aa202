import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerDialog, screenshot, useApp } from './harness.js';

const app = useApp({ open: true });

const file = (rel: string) => path.join(app.env.workspace, rel);

async function startFromSow(): Promise<void> {
  await app.page.click('[data-testid=tree-item][data-path="contracts/sow/SPRINT-07.yaml"]');
  await app.page.waitForSelector('[data-testid=tab][data-path="contracts/sow/SPRINT-07.yaml"][aria-selected=true]');
  await app.page.locator('nav.tree').click({ position: { x: 5, y: 5 } });
  await app.page.keyboard.press('Control+Shift+P');
  await app.page.keyboard.type('impact wizard');
  await app.page.keyboard.press('Enter');
  await app.page.waitForSelector('[data-testid=cr-wizard]');
}

describe('the change-request impact wizard', () => {
  it('checks fields inline, shows the verdict live against each threshold, and writes a major CR with its ADR and the SOW link', async () => {
    await startFromSow();
    // the request step: empty summary is refused inline
    await app.page.fill('[aria-label=Summary]', '');
    await app.page.click('[data-testid=wizard-next]');
    expect(await app.page.textContent('[data-testid=step-request] .field-error')).toContain('Say in one sentence');
    await app.page.fill('[aria-label=Summary]', 'Add single sign-on for suppliers');
    expect(await app.page.isChecked('[data-testid=step-request] input[type=checkbox]')).toBe(true); // started from SPRINT-07
    await app.page.click('[data-testid=wizard-next]');

    // impact: the verdict follows each field
    await app.page.waitForSelector('[data-testid=step-impact]');
    await expect.poll(() => app.page.textContent('[data-testid=verdict]')).toContain('Minor change');
    await app.page.fill('[aria-label="Schedule slip (days)"]', '12');
    await expect.poll(() => app.page.textContent('[data-testid=verdict]')).toContain('Major change');
    expect(await app.page.textContent('[data-testid=verdict]')).toContain('schedule slip 12 days exceeds 10 days');
    await app.page.fill('[aria-label="Risk score"]', '-1');
    expect(await app.page.textContent('[data-testid=step-impact]')).toContain('Risk points: 0 or more.');
    await app.page.fill('[aria-label="Risk score"]', '4');
    await app.page.fill('[aria-label=Dependencies]', 'identity');
    await app.page.keyboard.press('Enter');
    await app.page.fill('[aria-label=Value]', 'Fewer support tickets');
    await screenshot(app.page, 'cr-wizard-impact');
    await app.page.click('[data-testid=wizard-next]');

    // decision: approved is dated today unless changed; never before the request; a major approval offers the ADR
    await app.page.selectOption('[aria-label=Status]', 'approved');
    const today = await app.page.inputValue('[aria-label="Decision date"]');
    expect(today).toBe(new Date().toISOString().slice(0, 10));
    await app.page.fill('[aria-label="Decision date"]', '');
    await app.page.click('[data-testid=wizard-next]');
    expect(await app.page.textContent('[data-testid=step-decision]')).toContain('The decision date, as YYYY-MM-DD.');
    await app.page.fill('[aria-label="Decision date"]', '2025-10-20');
    await expect.poll(() => app.page.textContent('[data-testid=step-decision]')).toContain('it cannot be decided before that');
    await app.page.fill('[aria-label="Decision date"]', today);
    await app.page.waitForSelector('[data-testid=adr-offer]');
    expect(await app.page.textContent('[data-testid=adr-offer]')).toContain('ADR-0008');
    await app.page.click('[data-testid=wizard-next]');

    // review: the exact YAML, then write
    await app.page.waitForSelector('[data-testid=step-review]');
    const texts = await app.page.locator('[data-testid=review-text]').allTextContents();
    expect(texts[0]).toContain('id: CR-43');
    expect(texts[0]).toContain('threshold_eval: major');
    expect(texts[0]).toContain('adr: docs/adr/ADR-0008.md');
    await app.page.click('[data-testid=wizard-write]');
    await app.page.waitForSelector('[data-testid=tab][data-path="contracts/changes/CR-43.yaml"]');

    expect(readFileSync(file('contracts/changes/CR-43.yaml'), 'utf8')).toBe(texts[0]);
    expect(existsSync(file('docs/adr/ADR-0008.md'))).toBe(true);
    expect(readFileSync(file('docs/adr/ADR-0008.md'), 'utf8')).toContain('schedule slip 12 days exceeds 10 days');
    const sow = readFileSync(file('contracts/sow/SPRINT-07.yaml'), 'utf8');
    expect(sow).toContain('changes: [CR-42, CR-43]');
    // and the workspace validates clean
    await expect.poll(() => app.page.textContent('[data-testid=status-errors]')).toContain('0 errors');
  });
});

describe('decision records in the workbench', () => {
  it('lists the ADRs with the CRs citing them; superseding one creates the next and flags the stale citation', async () => {
    await app.page.click('[data-testid=open-adrs]');
    const row = app.page.locator('[data-testid=adr-row][data-id="ADR-0007"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('CR-42');
    await row.locator('text=Supersede…').click();
    expect(await answerDialog(app.page, { title: 'Navigation with a search box' })).toContain('supersedes ADR-0007');
    await app.page.waitForSelector('[data-testid=tab][data-path="docs/adr/ADR-0009.md"]');
    expect(readFileSync(file('docs/adr/ADR-0007.md'), 'utf8')).toContain('status: superseded by ADR-0009');
    await expect.poll(() => app.page.locator('[data-testid=problem-row][data-code=adr-superseded]').count(), { timeout: 10_000 }).toBe(1);
  });
});

describe('the SOW drafting wizard', () => {
  it('suggests the next id and dates, checks the order, warns of overlap, assigns AC ids and writes a SOW that validates', async () => {
    await app.page.locator('nav.tree').click({ position: { x: 5, y: 5 } });
    await app.page.keyboard.press('Control+Shift+P');
    await app.page.keyboard.type('drafting wizard');
    await app.page.keyboard.press('Enter');
    await app.page.waitForSelector('[data-testid=sow-wizard]');
    expect(await app.page.inputValue('[aria-label="SOW id"]')).toBe('SPRINT-08');
    expect(await app.page.inputValue('[aria-label=Start]')).toBe('2025-10-27');
    await app.page.fill('[aria-label=End]', '2025-10-20');
    expect(await app.page.textContent('[data-testid=sow-wizard]')).toContain('The iteration cannot end before it starts.');
    await app.page.fill('[aria-label=Start]', '2025-10-20');
    await app.page.fill('[aria-label=End]', '2025-10-31');
    expect(await app.page.textContent('[data-testid=overlap]')).toContain('SPRINT-07');
    await app.page.fill('[aria-label="Goal 1"]', 'Ship single sign-on');
    await app.page.fill('[aria-label="Criterion 1"]', 'Login p95 under one second');
    await app.page.fill('[aria-label="Evidence 1"]', 'analytics/exp_123.csv');
    await app.page.click('text=+ criterion');
    await app.page.fill('[aria-label="Criterion 2"]', 'No P1 defects open');
    await app.page.click('text=+ gate');
    await app.page.fill('[aria-label="Gate 1"]', 'qa_signoff');
    await app.page.fill('[aria-label="Validator 1"]', 'validation_utils:functional_suite');
    // a review step shows exactly what will be written before anything is
    await app.page.click('[data-testid=sow-review-next]');
    await app.page.waitForSelector('[data-testid=sow-review]');
    expect(await app.page.textContent('[data-testid=sow-review] [data-testid=review-text]')).toContain('  - id: AC2\n    description: No P1 defects open');
    expect(existsSync(file('contracts/sow/SPRINT-08.yaml'))).toBe(false);
    await app.page.click('[data-testid=sow-write]');
    await app.page.waitForSelector('[data-testid=tab][data-path="contracts/sow/SPRINT-08.yaml"]');
    const text = readFileSync(file('contracts/sow/SPRINT-08.yaml'), 'utf8');
    expect(text).toContain('dates: {start: 2025-10-20, end: 2025-10-31}');
    expect(text).toContain('  - id: AC2\n    description: No P1 defects open');
    // it validates: its only finding is the truth that an iteration which ended in 2025 never ran its gate
    const rows = app.page.locator('[data-testid=problem-row][data-file="contracts/sow/SPRINT-08.yaml"]');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-code')).toBe('gate-missing');
  });
});

describe('an existing change request in the wizard', () => {
  it('fills every step from the file and edits only what changed, keeping comments', async () => {
    await app.page.click('[data-testid=tree-item][data-path="contracts/changes/CR-42.yaml"]');
    await app.page.waitForSelector('[data-testid=tab][data-path="contracts/changes/CR-42.yaml"][aria-selected=true]');
    await app.page.locator('nav.tree').click({ position: { x: 5, y: 5 } });
    await app.page.keyboard.press('Control+Shift+P');
    await app.page.keyboard.type('this change request in the impact wizard');
    await app.page.keyboard.press('Enter');
    await app.page.waitForSelector('[data-testid=cr-wizard]');
    await expect.poll(() => app.page.inputValue('[aria-label=Summary]')).toBe('Redesign navigation per user tests');
    expect(await app.page.inputValue('[aria-label=Requestor]')).toBe('design_lead');
    await app.page.click('[data-testid=wizard-next]');
    expect(await app.page.inputValue('[aria-label="Schedule slip (days)"]')).toBe('4');
    expect(await app.page.textContent('[data-testid=step-impact] .chips')).toContain('frontend');
    await app.page.fill('[aria-label="Risk score"]', '6');
    await app.page.click('[data-testid=wizard-next]');
    expect(await app.page.inputValue('[aria-label=Status]')).toBe('approved');
    await app.page.click('[data-testid=wizard-next]');
    await app.page.waitForSelector('[data-testid=step-review]');
    await app.page.click('[data-testid=wizard-write]');
    await expect.poll(() => readFileSync(file('contracts/changes/CR-42.yaml'), 'utf8')).toContain('risk_score: 6');
    const text = readFileSync(file('contracts/changes/CR-42.yaml'), 'utf8');
    expect(text).toContain('threshold_eval: minor  # per master thresholds');
    expect(text.split('\n')).toHaveLength(17);
  });
});
