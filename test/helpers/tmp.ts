import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { EXAMPLE_DIR } from './workspace.js';

const made: string[] = [];
afterEach(() => {
  while (made.length) rmSync(made.pop()!, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test. */
export function tempDir(prefix = 'covenant-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A copy of the example workspace in a temporary folder; returns the workspace folder. */
export function exampleCopy(): string {
  const dir = path.join(tempDir(), 'ws');
  cpSync(EXAMPLE_DIR, dir, { recursive: true });
  return dir;
}
