/**
 * Repositories that grow the way an engagement does (issue 26, item 5), made by system git's fast-import: 200 SOWs and
 * 1,800 CRs (a third of them open), then `commits` commits of small edits to one to three contract files each (a CR decided, a figure or a
 * goal changed; every fifth commit adds one of 200 more CRs), by four authors in four time zones, with a merge of a side branch every 100 commits.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { generatedWorkspace } from './generate.js';
import { GIT_ENV } from './lib.js';

const AUTHORS = [
  ['Ana Client', 'ana@client.example', '+0100'],
  ['Dev Lead', 'dev@supplier.example', '+0530'],
  ['Design Lead', 'design@supplier.example', '-0500'],
  ['Carla PO', 'carla@client.example', '+0900'],
] as const;

/** A deterministic stream of numbers (the same repository every run). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** Makes the repository in `dir` (a new folder); returns the number of commits it has. */
export function historyRepository(dir: string, commits: number, seed = 26): number {
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir, env: GIT_ENV });
  const files = generatedWorkspace(200, 2000);
  // a third of the CRs still open at the start (decided later by the edits), and the last 200 written later on
  const allCrs = [...files.keys()].filter((p) => p.startsWith('contracts/changes/'));
  allCrs.forEach((p, i) => i % 3 === 0 && files.set(p, files.get(p)!.replace(/status: approved/, 'status: proposed')));
  const later = allCrs.slice(-200);
  const current = new Map(files);
  for (const p of later) files.delete(p);
  const paths = [...files.keys()];
  const crs = paths.filter((p) => p.startsWith('contracts/changes/'));
  const sows = paths.filter((p) => p.startsWith('contracts/sow/'));
  const rnd = random(seed);
  const out: string[] = [];
  let mark = 0;
  let t = Date.UTC(2025, 0, 6, 9) / 1000;
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const commit = (branch: string, message: string, changed: string[], parent: string | null, merge: string | null) => {
    const [name, email, tz] = AUTHORS[Math.floor(rnd() * AUTHORS.length)]!;
    t += 600 + Math.floor(rnd() * 7200);
    out.push(
      `commit refs/heads/${branch}`,
      `mark :${++mark}`,
      `author ${name} <${email}> ${t} ${tz}`,
      `committer ${name} <${email}> ${t} ${tz}`,
      data(message).trimEnd(),
    );
    if (parent) out.push(`from ${parent}`);
    if (merge) out.push(`merge ${merge}`);
    for (const p of changed) out.push(`M 100644 inline ${p}`, data(current.get(p)!).trimEnd());
    out.push('');
    return `:${mark}`;
  };
  let main = commit('main', 'The contract as signed', paths, null, null);
  let side: string | null = null;
  let n = 1;
  for (let i = 1; i < commits; i++) {
    const onSide = i % 100 > 90; // the last commits before each hundred happen on a side branch, then merge
    const changed = new Set<string>();
    if (i % 5 === 0 && later.length) {
      const p = later.shift()!; // a new CR
      crs.push(p);
      changed.add(p);
    }
    for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) {
      const r = rnd();
      if (r < 0.5) {
        const p = crs[Math.floor(rnd() * crs.length)]!;
        const text = current.get(p)!;
        current.set(
          p,
          text.includes('status: proposed')
            ? text.replace('status: proposed', 'status: approved')
            : text.replace(/budget_delta_pct: [\d.]+/, `budget_delta_pct: ${(rnd() * 12).toFixed(1)}`),
        );
        changed.add(p);
      } else {
        const p = sows[Math.floor(rnd() * sows.length)]!;
        current.set(p, current.get(p)!.replace(/value_hypothesis: .*/, `value_hypothesis: "Reduce drop-off by ${Math.floor(rnd() * 40)}% (rev ${i})"`));
        changed.add(p);
      }
    }
    if (onSide) side = commit('side', `Side change ${i}`, [...changed], side ?? main, null);
    else if (side) {
      main = commit('main', `Merge side into main (${i})`, [...changed], main, side);
      side = null;
    } else main = commit('main', `Change ${i}`, [...changed], main, null);
    n++;
  }
  out.push('done', '');
  execFileSync('git', ['fast-import', '--quiet', '--done'], { cwd: dir, env: GIT_ENV, input: out.join('\n'), maxBuffer: 1 << 30 });
  execFileSync('git', ['checkout', '-q', '-f', 'main'], { cwd: dir, env: GIT_ENV });
  try {
    execFileSync('git', ['branch', '-q', '-D', 'side'], { cwd: dir, env: GIT_ENV, stdio: 'ignore' });
  } catch {
    /* no side branch open at the end */
  }
  return n;
}
