import { afterAll, beforeAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { EXAMPLE_DIR, REPO } from '../helpers/workspace.js';

export const ARTIFACTS = path.join(REPO, 'test-results');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Served {
  url: string;
  launchUrl: string;
  token: string;
  proc: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts the real `covenant serve` in a child process and waits for its URL. */
export async function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const proc = spawn(process.execPath, [path.join(REPO, 'bin', 'covenant.mjs'), 'serve', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const launchUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`covenant serve did not start:\n${out}`)), 20_000);
    const check = () => {
      const m = /running at (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => reject(new Error(`covenant serve exited with ${code}:\n${out}`)));
  });
  const url = launchUrl.replace(/\?token=.*/, '');
  return {
    url,
    launchUrl,
    token: new URL(launchUrl).searchParams.get('token')!,
    proc,
    output: () => out,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill(signal);
      }),
  };
}

export interface Env {
  dir: string;
  workspace: string;
  dataDir: string;
  cleanup(): void;
}

/** A temp folder with a copy of the example workspace and an app data folder of its own. */
export function tempEnv(): Env {
  const dir = mkdtempSync(path.join(tmpdir(), 'covenant-e2e-'));
  const workspace = path.join(dir, 'onboarding-redesign');
  cpSync(EXAMPLE_DIR, workspace, { recursive: true });
  const dataDir = path.join(dir, 'appdata');
  mkdirSync(dataDir);
  return { dir, workspace, dataDir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Debian's Chromium with a fresh profile, as the CI machine runs it. */
export async function browser(dir: string): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launchPersistentContext(path.join(dir, `profile-${Date.now()}`), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1360, height: 860 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

export interface App {
  env: Env;
  served: Served;
  ctx: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/**
 * A temp copy of the example, `covenant serve` on it (or on nothing: the start screen), Chromium, and the page opened
 * (with `open`, already at the launch URL with the workspace tree shown).
 */
export async function startApp(options: { workspace?: boolean; env?: Record<string, string>; open?: boolean } = {}): Promise<App> {
  const env = tempEnv();
  const served = await serve(options.workspace === false ? [] : [env.workspace], { COVENANT_DATA_DIR: env.dataDir, ...(options.env ?? {}) });
  const ctx = await browser(env.dir);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  if (options.open) {
    await page.goto(served.launchUrl);
    await page.waitForSelector('[data-testid=tree-item]');
  }
  return {
    env,
    served,
    ctx,
    page,
    async close() {
      await ctx.close();
      await served.stop();
      env.cleanup();
    },
  };
}

/**
 * Starts the app before the file's tests and closes it after them. The returned object is filled in beforeAll, so
 * tests read `app.page`, `app.env` and `app.served` when they run.
 */
export function useApp(options: Parameters<typeof startApp>[0] = {}): App {
  const app = {} as App;
  beforeAll(async () => {
    Object.assign(app, await startApp(options));
  });
  afterAll(async () => {
    await app.close?.();
  });
  return app;
}

/**
 * Answers the app's own dialog (never a native one): waits for it, fills the named fields, and confirms. Returns what it
 * asked (title and message), for the test to check.
 */
export async function answerDialog(page: Page, values: Record<string, string> = {}): Promise<string> {
  const dialog = page.locator('[data-testid=app-dialog]');
  await dialog.waitFor();
  const asked = (await dialog.textContent()) ?? '';
  for (const [name, value] of Object.entries(values)) await page.fill(`[data-testid=dialog-${name}]`, value);
  await page.click('[data-testid=dialog-confirm]');
  await dialog.waitFor({ state: 'detached' });
  return asked;
}
