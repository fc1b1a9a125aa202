import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { covenant } from '../helpers/cli.js';
import { commitAt, sysgit } from '../helpers/git.js';
import { screenshot, useApp } from './harness.js';

const app = useApp({ open: true });

describe('Approve as … on the dashboard', () => {
  it('signs the approval with the member key as a commit that git verify-commit accepts, and shows it as holding', async () => {
    const ws = app.env.workspace;
    const key = path.join(app.env.dir, 'id_ana');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'open sesame', '-C', 'ana@laptop', '-f', key]);
    const pub = readFileSync(`${key}.pub`, 'utf8').trim();
    const master = path.join(ws, 'contracts/master_contract.yaml');
    writeFileSync(
      master,
      readFileSync(master, 'utf8').replace(
        '  decision_rights:',
        `  members:\n    - {id: ana, name: Ana Client, email: ana@client.example, roles: [client, steering_committee], ssh_key: ${pub}}\n    - {id: dana, name: Dana Design, email: dana@example.com, roles: [design_lead, dev_lead]}\n  decision_rights:`,
      ),
    );
    sysgit(ws, 'init', '-q', '-b', 'main');
    sysgit(ws, 'add', '-A');
    commitAt(ws, '2025-10-11T09:00:00Z', 'Contract signed');
    const page = app.page;
    await page.click('[data-testid=open-dashboard]');
    const row = page.locator('[data-testid=cr-row][data-cr="CR-42"]');
    await row.waitFor();
    await row.locator('[data-testid=approve-as]').click();
    await row.locator('[aria-label=Member]').fill('ana');
    await row.locator('[aria-label="Key file"]').fill(key);
    // a wrong passphrase is a sentence, and nothing is committed
    await row.locator('[aria-label=Passphrase]').fill('wrong');
    await row.locator('[data-testid=approve-sign]').click();
    await expect.poll(() => page.textContent('body')).toContain('The passphrase does not open id_ana.');
    expect(sysgit(ws, 'log', '--format=%s')).toBe('Contract signed\n');
    await row.locator('[aria-label=Passphrase]').fill('open sesame');
    await row.locator('[data-testid=approve-sign]').click();
    await expect.poll(() => row.locator('[data-testid=cr-approvals]').textContent()).toContain('✓ ana as steering_committee');
    // an edit after the approval shows as the redline the committee reads before it signs again
    const cr = path.join(ws, 'contracts/changes/CR-42.yaml');
    writeFileSync(cr, readFileSync(cr, 'utf8').replace('risk_score: 5', 'risk_score: 6'));
    await row.locator('[data-testid=redline]').click();
    await expect.poll(() => row.locator('[data-testid=redline-change]').allTextContents()).toEqual(['impact_analysis.risk_score: 5 → 6']);
    // the SOW and the trust root say how they stand, in verify's words; the SOW is signed from its row
    const sow = page.locator('[data-testid=dashboard-sow][data-sow="SPRINT-07"]');
    await expect.poll(() => sow.locator('[data-testid=approval-words]').textContent()).toBe('awaited: steering_committee');
    await expect.poll(() => page.locator('[data-testid=trust-root]').textContent()).toContain('its first commit (trust on first use');
    await sow.locator('[data-testid=approve-as]').click();
    await sow.locator('[aria-label=Member]').fill('ana');
    await sow.locator('[aria-label="Key file"]').fill(key);
    await sow.locator('[aria-label=Passphrase]').fill('open sesame');
    await sow.locator('[data-testid=approve-sign]').click();
    await expect.poll(() => sow.locator('[data-testid=approval-words]').textContent()).toBe('approved: signed by Ana Client (steering_committee)');
    const verified = JSON.parse(covenant(['verify', ws, '--format', 'json']).stdout) as { documents: { id: string; words: string }[] };
    expect(verified.documents.find((d) => d.id === 'SPRINT-07')!.words).toBe('approved: signed by Ana Client (steering_committee)');
    await screenshot(page, 'dashboard-approval');
    const allowed = path.join(app.env.dir, 'allowed_signers');
    expect(covenant(['allowed-signers', ws, '--out', allowed]).code).toBe(0);
    const git = spawnSync('git', ['-c', `gpg.ssh.allowedSignersFile=${allowed}`, 'verify-commit', 'HEAD'], { cwd: ws, encoding: 'utf8' });
    expect(git.stderr).toContain('Good "git" signature for ana@client.example');
    expect(git.status).toBe(0);
    // the passphrase field is emptied, and the key is nowhere in the app's data
    expect(spawnSync('grep', ['-r', 'open sesame', app.env.dataDir]).status).toBe(1);
  });
});
