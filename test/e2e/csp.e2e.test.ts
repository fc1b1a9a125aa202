import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from './harness.js';

let app: App;
let page: Page;

beforeAll(async () => {
  app = await startApp({ open: true });
  page = app.page;
  await page.evaluate(`(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));
  })()`);
});

afterAll(async () => {
  await app?.close();
});

const violations = () => page.evaluate('window.__violations') as Promise<string[]>;

describe('the Content-Security-Policy in Chromium', () => {
  it('blocks an injected inline script', async () => {
    const ran = await page.evaluate(`(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.body.appendChild(s);
      return window.__inlineRan === true;
    })()`);
    expect(ran).toBe(false);
    await expect.poll(violations).toContain('script-src-elem');
  });

  it('blocks eval-style code (a string handed to setTimeout runs in the page, under its CSP)', async () => {
    // page.evaluate itself may bypass CSP (it is the debugger); a string timer is compiled by the page, like eval.
    await page.evaluate(`setTimeout('window.__evalRan = true', 0)`);
    // the refusal is reported when the string is compiled, which is when it would have run
    await expect.poll(violations).toContain('script-src');
    expect(await page.evaluate('window.__evalRan === true')).toBe(false);
  });

  it('blocks a remote iframe and a remote script', async () => {
    await page.evaluate(`(() => {
      const f = document.createElement('iframe');
      f.src = 'https://example.com/';
      document.body.appendChild(f);
      const s = document.createElement('script');
      s.src = 'https://cdn.example.com/x.js';
      document.body.appendChild(s);
    })()`);
    await expect.poll(violations).toEqual(expect.arrayContaining(['frame-src', 'script-src-elem']));
  });

  it('contract text that looks like HTML stays text in the page', async () => {
    const { writeFileSync, readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const p = path.join(app.env.workspace, 'contracts/changes/CR-42.yaml');
    writeFileSync(p, readFileSync(p, 'utf8').replace('status: approved', 'status: "<img src=x onerror=window.__xss=1>"'));
    const row = page.locator('[data-testid=problem-row][data-code=schema]');
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await row.textContent()).toContain('<img src=x onerror=window.__xss=1>');
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.locator('.problems img').count()).toBe(0);
  });
});
