import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

const FILE = path.resolve('test-results', 'summary.json');

/** Adds this run's counts to test-results/summary.json, so `npm test` can close with one line for both runs. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    }
    mkdirSync(path.dirname(FILE), { recursive: true });
    let total = { passed: 0, failed: 0, skipped: 0 };
    try {
      total = JSON.parse(readFileSync(FILE, 'utf8'));
    } catch {
      /* first run */
    }
    writeFileSync(FILE, JSON.stringify({ passed: total.passed + passed, failed: total.failed + failed, skipped: total.skipped + skipped }));
  }
}
