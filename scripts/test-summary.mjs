// Prints the closing line of `npm test` for the unit and end-to-end runs together: "tests: N passed, N failed".
import { readFileSync, rmSync } from 'node:fs';

const file = 'test-results/summary.json';
if (process.argv[2] === '--reset') {
  rmSync(file, { force: true });
} else {
  const s = JSON.parse(readFileSync(file, 'utf8'));
  console.log(`tests: ${s.passed} passed, ${s.failed} failed${s.skipped ? `, ${s.skipped} skipped` : ''}`);
}
