// Electron security audit (Doyensec's electronegativity) over electron/ and the built main and preload.
// Its CLI always exits 0 and skips files it cannot parse, so this script gates on what it returns: any file it could
// not parse fails, and so does any finding not explained in security/electronegativity-allowlist.json. The SARIF
// report is kept in test-results/ as an artifact.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity');
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const electronVersion = JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;
const allowlist = JSON.parse(readFileSync(path.join(root, 'security/electronegativity-allowlist.json'), 'utf8'));
// electronegativity reads only .js/.ts/.html: the built main (.mjs) and preload (.cjs) are audited as .js copies.
const built = path.join(root, 'test-results', 'electronegativity-built');
rmSync(built, { recursive: true, force: true });
if (existsSync(path.join(root, 'dist/electron'))) {
  mkdirSync(built, { recursive: true });
  for (const f of readdirSync(path.join(root, 'dist/electron')))
    if (/\.(mjs|cjs)$/.test(f)) copyFileSync(path.join(root, 'dist/electron', f), path.join(built, f.replace(/\.(mjs|cjs)$/, '.js')));
}
const targets = process.argv.slice(2).length ? process.argv.slice(2) : ['electron', 'test-results/electronegativity-built'];

mkdirSync(path.join(root, 'test-results'), { recursive: true });
let failed = 0;
for (const target of targets) {
  const input = path.resolve(root, target);
  if (!existsSync(input)) {
    console.error(`electronegativity: ${target} does not exist (run npm run build first)`);
    failed++;
    continue;
  }
  const sarif = path.join(root, 'test-results', `electronegativity-${target.replace(/[\\/]/g, '_')}.sarif`);
  rmSync(sarif, { force: true });
  const result = await run({ input, output: sarif, isSarif: true, isRelative: true, electronVersionOverride: electronVersion });
  for (const e of result.errors) {
    console.error(`electronegativity: Error parsing ${e.file}: ${e.message}`);
    failed++;
  }
  // it writes the report asynchronously after returning
  let report = null;
  for (let i = 0; i < 100 && !report; i++) {
    try {
      report = JSON.parse(readFileSync(sarif, 'utf8'));
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  if (!report) throw new Error(`electronegativity wrote no SARIF report for ${target}`);
  const findings = report.runs.flatMap((r) => r.results ?? []);
  for (const f of findings) {
    const loc = f.locations?.[0]?.physicalLocation;
    const file = loc?.artifactLocation?.uri ?? '?';
    const base = path.basename(file).replace(/\.[^.]+$/, '');
    const allowed = allowlist.find((a) => a.id === f.ruleId && (a.file === '*' || base === a.file));
    if (allowed) continue;
    console.error(`electronegativity: ${f.ruleId} at ${file}:${loc?.region?.startLine ?? '?'}: ${f.message?.text ?? ''}`);
    failed++;
  }
  console.log(
    `electronegativity ${target}: ${result.atomicChecks + result.globalChecks} checks, ${findings.length} findings, ${result.errors.length} parse errors`,
  );
}
if (failed) {
  console.error(`electronegativity: ${failed} problem(s) not explained in security/electronegativity-allowlist.json`);
  process.exit(1);
}
