// A pull that met conflicts waits in the working tree (issue 15, item 3): every kind of conflict can be kept, taken
// or edited, continued into a merge commit, or aborted back to before the pull. Driven on real repositories made with
// system git (two branches standing for mine and theirs).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { setField, WHOLE_FILE } from '../../../core/common/merge.js';
import { abortMerge, beginMerge, continueMerge, readMergeState, resolveConflict } from '../../../core/node/git/merge-state.js';
import { commitAt, signed, sysgit } from '../../helpers/git.js';
import { tempDir } from '../../helpers/tmp.js';

const SOW = 'contracts/sow/S-1.yaml';
const ADR = 'contracts/adr/ADR-001.md';
const BASE_SOW = `# the sprint
id: S-1
dates:
  start: 2025-10-13 # agreed at kick-off
  end: 2025-10-24
acceptance_criteria:
  - id: AC1
    description: One
  - id: AC2
    description: Two
`;
const BASE_ADR = '# ADR-001\n\nWe use YAML.\n\nStatus: accepted\n';
const WHO = signed({ name: 'Merger', email: 'm@example.com' });

function write(dir: string, rel: string, text: string | Buffer | null) {
  const f = path.join(dir, rel);
  if (text === null) return rmSync(f);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, text);
}

/** A repository whose `main` (mine) and `theirs` branch both changed the base; main is checked out. */
function diverged(mine: Record<string, string | Buffer | null>, theirs: Record<string, string | Buffer | null>) {
  const dir = tempDir();
  sysgit(dir, 'init', '-q', '-b', 'main');
  write(dir, SOW, BASE_SOW);
  write(dir, ADR, BASE_ADR);
  write(dir, 'README.md', 'hello\n');
  sysgit(dir, 'add', '-A');
  commitAt(dir, '2025-10-13T09:00:00Z', 'base');
  sysgit(dir, 'checkout', '-q', '-b', 'theirs');
  for (const [p, t] of Object.entries(theirs)) write(dir, p, t);
  sysgit(dir, 'add', '-A');
  commitAt(dir, '2025-10-14T09:00:00Z', 'theirs');
  sysgit(dir, 'checkout', '-q', 'main');
  for (const [p, t] of Object.entries(mine)) write(dir, p, t);
  sysgit(dir, 'add', '-A');
  commitAt(dir, '2025-10-14T10:00:00Z', 'mine');
  const rev = (r: string) => sysgit(dir, 'rev-parse', r).trim();
  return { dir, ours: rev('main'), theirs: rev('theirs') };
}

const begin = (r: ReturnType<typeof diverged>) =>
  beginMerge(r.dir, { branch: 'main', ours: r.ours, theirs: r.theirs, from: 'theirs', message: 'Merge theirs into main' });
const read = (dir: string, rel: string) => readFileSync(path.join(dir, rel), 'utf8');

describe('a merge that waits for people', () => {
  it('a binary file changed on both sides is a conflict, never merged as text; a side is taken byte for byte', async () => {
    const bin = (seed: number) => Buffer.from(Array.from({ length: 22_000 }, (_, i) => (i * seed + 7) % 256));
    const r = diverged({ 'assets/logo.png': bin(3) }, { 'assets/logo.png': bin(5) });
    const state = await begin(r);
    expect(state.conflicts).toMatchObject([{ key: 'assets/logo.png#(whole file)', field: WHOLE_FILE, kind: 'both-added' }]);
    expect(readFileSync(path.join(r.dir, 'assets/logo.png')).equals(bin(3))).toBe(true); // mine, untouched
    await resolveConflict(r.dir, 'assets/logo.png#(whole file)', { take: 'theirs' });
    expect(readFileSync(path.join(r.dir, 'assets/logo.png')).equals(bin(5))).toBe(true);
  });

  it('applies what merges, keeps my value where both changed, and keeps comments', async () => {
    const r = diverged(
      { [SOW]: BASE_SOW.replace('end: 2025-10-24', 'end: 2025-10-30') },
      { [SOW]: BASE_SOW.replace('end: 2025-10-24', 'end: 2025-10-27').replace('description: Two', 'description: Two, measured'), 'README.md': 'hello there\n' },
    );
    const state = await begin(r);
    expect(state.conflicts.map((c) => [c.key, c.mine, c.theirs])).toEqual([[`${SOW}#dates.end`, '2025-10-30', '2025-10-27']]);
    expect(read(r.dir, SOW)).toContain('end: 2025-10-30');
    expect(read(r.dir, SOW)).toContain('description: Two, measured');
    expect(read(r.dir, SOW)).toContain('# agreed at kick-off');
    expect(read(r.dir, 'README.md')).toBe('hello there\n');
    expect(state.touched.sort()).toEqual(['README.md', SOW]);
    await resolveConflict(r.dir, `${SOW}#dates.end`, { take: 'edit', edit: '2025-10-28' });
    expect(read(r.dir, SOW)).toContain('end: 2025-10-28');
    const { oid } = await continueMerge(r.dir, WHO, async () => []);
    expect(sysgit(r.dir, 'rev-list', '--parents', '-n', '1', 'HEAD').trim()).toBe(`${oid} ${r.ours} ${r.theirs}`);
    expect(sysgit(r.dir, 'show', `HEAD:${SOW}`)).toContain('end: 2025-10-28');
    expect(sysgit(r.dir, 'show', 'HEAD:README.md')).toBe('hello there\n');
    expect(sysgit(r.dir, 'status', '--porcelain')).toBe('');
    expect(await readMergeState(r.dir)).toBeNull();
  });

  it('a criterion I removed and they changed comes back when I take theirs', async () => {
    const withoutAc2 = BASE_SOW.replace('  - id: AC2\n    description: Two\n', '');
    const r = diverged({ [SOW]: withoutAc2 }, { [SOW]: BASE_SOW.replace('description: Two', 'description: Two, sharper') });
    const state = await begin(r);
    expect(state.conflicts).toMatchObject([{ field: 'acceptance_criteria[AC2]', kind: 'deleted-by-me', theirs: { id: 'AC2', description: 'Two, sharper' } }]);
    expect(read(r.dir, SOW)).not.toContain('AC2');
    await resolveConflict(r.dir, `${SOW}#acceptance_criteria[AC2]`, { take: 'theirs' });
    expect(read(r.dir, SOW)).toContain('  - id: AC2\n    description: Two, sharper\n');
    // and back: keeping mine removes it again
    await resolveConflict(r.dir, `${SOW}#acceptance_criteria[AC2]`, { take: 'mine' });
    expect(read(r.dir, SOW)).not.toContain('AC2');
  });

  it('a file deleted by them and changed by me: taking theirs deletes it; Markdown conflicts edit as text', async () => {
    const r = diverged(
      { [ADR]: BASE_ADR.replace('We use YAML.', 'We use YAML 1.2.'), 'README.md': 'hello, mine\n' },
      { [ADR]: null, 'README.md': 'hello, theirs\n' },
    );
    const state = await begin(r);
    const keys = state.conflicts.map((c) => [c.key, c.kind]);
    expect(keys).toEqual(
      expect.arrayContaining([
        [`${ADR}#${WHOLE_FILE}`, 'deleted-by-them'],
        [`README.md#${WHOLE_FILE}`, 'both-changed'],
      ]),
    );
    expect(state.conflicts.find((c) => c.path === 'README.md')!.draft).toContain('<<<<<<<');
    expect(read(r.dir, ADR)).toContain('YAML 1.2'); // mine stays until someone chooses
    await resolveConflict(r.dir, `${ADR}#${WHOLE_FILE}`, { take: 'theirs' });
    expect(existsSync(path.join(r.dir, ADR))).toBe(false);
    await resolveConflict(r.dir, `README.md#${WHOLE_FILE}`, { take: 'edit', edit: 'hello, both\n' });
    await continueMerge(r.dir, WHO, async () => []);
    expect(sysgit(r.dir, 'ls-tree', '--name-only', '-r', 'HEAD')).not.toContain('ADR-001');
    expect(sysgit(r.dir, 'show', 'HEAD:README.md')).toBe('hello, both\n');
  });

  it('refuses to continue with a conflict open or with errors in the merged contract, and abort restores everything', async () => {
    const r = diverged(
      { [SOW]: BASE_SOW.replace('end: 2025-10-24', 'end: 2025-10-30') },
      { [SOW]: BASE_SOW.replace('end: 2025-10-24', 'end: 2025-10-27'), 'contracts/new.yaml': 'a: 1\n' },
    );
    await begin(r);
    await expect(continueMerge(r.dir, WHO, async () => [])).rejects.toThrow(`1 conflict is not resolved yet: ${SOW}#dates.end.`);
    await expect(resolveConflict(r.dir, `${SOW}#dates.end`, { take: 'edit', edit: '[unclosed' })).rejects.toThrow('dates.end: the edited value is not YAML');
    await resolveConflict(r.dir, `${SOW}#dates.end`, { take: 'theirs' });
    const error = { file: SOW, line: 5, column: 3, endLine: 5, endColumn: 9, severity: 'error' as const, code: 'schema' as const, message: 'end before start' };
    await expect(continueMerge(r.dir, WHO, async () => [error])).rejects.toThrow(`${SOW}:5 end before start`);
    expect(sysgit(r.dir, 'rev-parse', 'HEAD').trim()).toBe(r.ours); // nothing committed
    await abortMerge(r.dir);
    expect(read(r.dir, SOW)).toBe(BASE_SOW.replace('end: 2025-10-24', 'end: 2025-10-30'));
    expect(existsSync(path.join(r.dir, 'contracts/new.yaml'))).toBe(false);
    expect(sysgit(r.dir, 'status', '--porcelain')).toBe('');
    expect(await readMergeState(r.dir)).toBeNull();
  });

  it('a merge finished by system git leaves no stale record behind', async () => {
    const r = diverged({ [SOW]: BASE_SOW.replace('end: 2025-10-24', 'end: 2025-10-30') }, { [SOW]: BASE_SOW.replace('end: 2025-10-24', 'end: 2025-10-27') });
    await begin(r);
    sysgit(r.dir, 'commit', '-q', '-a', '--no-edit');
    expect(await readMergeState(r.dir)).toBeNull();
  });
});

describe('setField', () => {
  it('sets, removes and re-adds a field by identity, keeping comments', () => {
    const at = ['acceptance_criteria', { key: 'id', id: 'AC2' }, 'description'];
    const changed = setField(BASE_SOW, at, { value: 'Two, edited' });
    expect(changed).toContain('description: Two, edited');
    expect(changed).toContain('# agreed at kick-off');
    expect(setField(changed, ['acceptance_criteria', { key: 'id', id: 'AC2' }], null)).not.toContain('AC2');
    expect(() => setField(BASE_SOW, ['nothing', 'here', 'deep'], { value: 1 })).toThrow('nothing no longer exists');
  });
});
