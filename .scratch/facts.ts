import { rebuildFacts } from '../core/node/git/history-facts.ts';
import { requireRepo } from '../core/node/git/repo.ts';
import { execFileSync } from 'node:child_process';
const dir = process.argv[2]!;
const repo = await requireRepo(dir);
const tip = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
const t0 = performance.now();
const f = await rebuildFacts(repo, tip);
const m = process.memoryUsage(); console.log('heap', Math.round(m.heapUsed/1e6), 'total', Math.round(m.heapTotal/1e6), 'ext', Math.round(m.external/1e6), 'ab', Math.round(m.arrayBuffers/1e6)); console.log('rebuild', Math.round(performance.now() - t0), 'ms', Object.keys(f.paths).length, 'paths', Math.round(process.memoryUsage().rss / 1e6), 'MB rss');
