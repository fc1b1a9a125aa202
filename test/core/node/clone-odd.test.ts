// Clones of repositories as they are found in the wild (issue 27, item 2): a bare repository whose HEAD names a branch
// that does not exist (what `git init --bare` gives before anything is pushed to master), and an old history with
// files of mode 100664 (git's early "group-writable" mode, which git still accepts and reads as 100644).
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { covenantAsync, IDENTITY } from '../../helpers/cli.js';
import { gitHttpServer } from '../../helpers/git-server.js';
import { sysgit } from '../../helpers/git.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';

const servers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function served(bare: string): Promise<string> {
  const server = await gitHttpServer(path.dirname(bare));
  servers.push(server);
  return `${server.url}/${path.basename(bare)}`;
}

const run = promisify(execFile); // never sync: the server answers from this process
const gitEnv = { ...process.env, ...IDENTITY };

/** `seed` served over HTTP, cloned by Covenant (ours) and by system git twice (theirs, and another party's). */
async function threeClones(seed: string): Promise<{ url: string; ours: string; theirs: string; other: string }> {
  const bare = path.join(tempDir(), 'shared.git');
  execFileSync('git', ['clone', '-q', '--bare', seed, bare]);
  const url = await served(bare);
  const work = tempDir();
  const [ours, theirs, other] = [path.join(work, 'ours'), path.join(work, 'theirs'), path.join(work, 'other')] as const;
  expect((await covenantAsync(['clone', url, ours])).code).toBe(0);
  await run('git', ['clone', '-q', url, theirs], { env: gitEnv });
  await run('git', ['clone', '-q', url, other], { env: gitEnv });
  return { url, ours, theirs, other };
}

function seedRepo(): string {
  const seed = exampleCopy();
  sysgit(seed, 'init', '-q', '-b', 'main');
  sysgit(seed, 'add', '-A');
  sysgit(seed, 'commit', '-qm', 'The contract');
  return seed;
}

describe('clones of repositories as they are found', () => {
  it('a bare repository whose HEAD names a missing branch: its only branch is checked out (git leaves nothing checked out)', async () => {
    const seed = seedRepo();
    const bare = path.join(tempDir(), 'plain.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'master', bare]);
    sysgit(seed, 'push', '-q', bare, 'main');
    const url = await served(bare);
    const dir = path.join(tempDir(), 'c');
    const r = await covenantAsync(['clone', url, dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(sysgit(dir, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('main');
    expect(sysgit(dir, 'rev-parse', 'HEAD')).toBe(sysgit(seed, 'rev-parse', 'HEAD'));
    expect(sysgit(dir, 'status', '--porcelain')).toBe('');
    expect(existsSync(path.join(dir, 'contracts/master_contract.yaml'))).toBe(true);
  });

  it("a clone's and a new workspace's [core] settings are the ones git writes on this file system", async () => {
    const seed = seedRepo();
    const bare = path.join(tempDir(), 'c.git');
    execFileSync('git', ['clone', '-q', '--bare', seed, bare]);
    const url = await served(bare);
    const ours = path.join(tempDir(), 'ours');
    const theirs = path.join(tempDir(), 'theirs');
    expect((await covenantAsync(['clone', url, ours])).code).toBe(0);
    await run('git', ['clone', '-q', url, theirs]);
    const core = (dir: string) =>
      sysgit(dir, 'config', '--local', '--list')
        .split('\n')
        .filter((l) => l.startsWith('core.'))
        .sort();
    expect(core(ours)).toEqual(core(theirs));
    // the clone's files, written in its last second, are smudged in its index; the first status a second later
    // records their stats (as git's status does), so that later ones trust them instead of hashing every file
    const smudged = () =>
      sysgit(ours, 'ls-files', '--debug')
        .split('\n')
        .filter((l) => /^\s*size: 0\b/.test(l)).length;
    await new Promise((r) => setTimeout(r, 1005 - (Date.now() % 1000))); // polling the clock: the clone's second is over
    expect((await covenantAsync(['status', ours])).code).toBe(0);
    expect(smudged()).toBe(0);
    expect(sysgit(ours, 'status', '--porcelain')).toBe('');
    // a name that differs only in case is a new file, for git as for Covenant
    writeFileSync(path.join(ours, 'contracts/changes/cr-42.yaml'), 'id: CR-42\n');
    expect(sysgit(ours, 'status', '--porcelain')).toContain('?? contracts/changes/cr-42.yaml');
    const init = path.join(tempDir(), 'new');
    mkdirSync(init);
    expect((await covenantAsync(['init', init], undefined, IDENTITY)).code).toBe(0);
    const fresh = path.join(tempDir(), 'fresh');
    execFileSync('git', ['init', '-q', fresh]);
    expect(core(init)).toEqual(core(fresh));
  });

  it('a SHA-256 repository is refused in words by every verb and by clone, never read as empty', async () => {
    const dir = exampleCopy();
    sysgit(dir, 'init', '-q', '--object-format=sha256', '-b', 'main');
    sysgit(dir, 'add', '-A');
    sysgit(dir, 'commit', '-qm', 'sha256');
    writeFileSync(path.join(dir, 'contracts/changes/CR-42.yaml'), readFileSync(path.join(dir, 'contracts/changes/CR-42.yaml'), 'utf8') + '# x\n');
    for (const args of [
      ['status', dir],
      ['log', dir],
      ['validate', dir],
      ['commit', dir, '-m', 'x'],
    ]) {
      const r = await covenantAsync(args, undefined, IDENTITY);
      expect(r.code, args[0]).toBe(2);
      expect(r.stderr, args[0]).toContain('object format sha256 is not supported yet');
    }
    const bare = path.join(tempDir(), 'sha.git');
    execFileSync('git', ['clone', '-q', '--bare', dir, bare]);
    const target = path.join(tempDir(), 'c');
    const r = await covenantAsync(['clone', await served(bare), target]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('object format sha256 is not supported yet');
    expect(existsSync(target)).toBe(false);
  });

  it('clone, commit and a fast-forward pull leave the reflogs git leaves', async () => {
    const seed = seedRepo();
    const { url, ours, theirs, other } = await threeClones(seed);
    // someone pushes; we pull it (a fast-forward) with Covenant, they with git
    writeFileSync(path.join(other, 'docs/x.md'), 'x\n');
    await run('git', ['-C', other, 'add', 'docs/x.md'], { env: gitEnv });
    await run('git', ['-C', other, 'commit', '-qm', 'x'], { env: gitEnv });
    await run('git', ['-C', other, 'push', '-q'], { env: gitEnv });
    expect((await covenantAsync(['pull', ours], undefined, IDENTITY)).code).toBe(0);
    await run('git', ['-C', theirs, 'pull'], { env: gitEnv }); // plain: git writes its arguments into the reflog line
    const file = 'contracts/changes/CR-42.yaml';
    for (const dir of [ours, theirs]) writeFileSync(path.join(dir, file), readFileSync(path.join(dir, file), 'utf8') + '# edit\n');
    const before = sysgit(ours, 'rev-parse', 'HEAD').trim();
    expect((await covenantAsync(['commit', ours, file, '-m', 'An edit'], undefined, IDENTITY)).code).toBe(0);
    await run('git', ['-C', theirs, 'commit', '-qam', 'An edit'], { env: gitEnv });
    const subjects = (dir: string, ref: string) => sysgit(dir, 'reflog', 'show', '--format=%gs', ref).trim().split('\n');
    for (const ref of ['HEAD', 'main'])
      expect(subjects(ours, ref), ref).toEqual(subjects(theirs, ref).map((l) => l.replace(/^clone: from .*/, `clone: from ${url}`)));
    expect(subjects(ours, 'HEAD')).toEqual(['commit: An edit', 'pull: Fast-forward', `clone: from ${url}`]);
    expect(sysgit(ours, 'rev-parse', 'main@{1}').trim()).toBe(before);
    expect(sysgit(ours, 'fsck', '--no-dangling').trim()).toBe('');
  });

  it('.gitattributes eol=crlf: clone and pull write the files git writes, byte for byte', async () => {
    const seed = exampleCopy();
    writeFileSync(path.join(seed, '.gitattributes'), '*.yaml text eol=crlf\n');
    sysgit(seed, 'init', '-q', '-b', 'main');
    sysgit(seed, 'add', '-A');
    sysgit(seed, 'commit', '-qm', 'crlf');
    const { ours, theirs, other } = await threeClones(seed);
    const sow = 'contracts/sow/SPRINT-07.yaml';
    const bytes = (dir: string, p: string) => readFileSync(path.join(dir, p));
    expect(bytes(ours, sow).includes('\r\n')).toBe(true);
    expect(bytes(ours, sow).equals(bytes(theirs, sow))).toBe(true);
    expect(bytes(ours, 'docs/adr/ADR-0007.md').equals(bytes(theirs, 'docs/adr/ADR-0007.md'))).toBe(true); // not yaml: as stored
    expect(sysgit(ours, 'status', '--porcelain')).toBe('');
    // a change pushed by someone, pulled (a fast-forward) by Covenant and by git
    writeFileSync(path.join(other, sow), bytes(other, sow).toString('utf8').replace('Redesign onboarding flow', 'Redesign onboarding flow, again'));
    await run('git', ['-C', other, 'commit', '-qam', 'again'], { env: gitEnv });
    await run('git', ['-C', other, 'push', '-q'], { env: gitEnv });
    expect((await covenantAsync(['pull', ours], undefined, IDENTITY)).code).toBe(0);
    await run('git', ['-C', theirs, 'pull', '-q'], { env: gitEnv });
    expect(bytes(ours, sow).toString('utf8')).toContain('again');
    expect(bytes(ours, sow).equals(bytes(theirs, sow))).toBe(true);
    expect(sysgit(ours, 'status', '--porcelain')).toBe('');
    expect((await covenantAsync(['status', ours])).stdout).toContain('Nothing to commit');
  });

  it('files of mode 100664 clone, read and commit as git has them', async () => {
    const seed = seedRepo();
    // rewrite the tree of contracts/ with 100664 entries, as an old git wrote them
    const at = (p: string) => sysgit(seed, 'rev-parse', `HEAD:${p}`).trim();
    const mktree = (lines: string[]) => execFileSync('git', ['mktree'], { cwd: seed, input: `${lines.join('\n')}\n`, encoding: 'utf8' }).trim();
    const lsTree = (oid: string) => sysgit(seed, 'ls-tree', oid).trim().split('\n');
    // git mktree writes 100644 for 100664: the tree is written byte by byte, as an old git wrote it
    const raw = Buffer.concat(
      lsTree(at('contracts/changes')).map((l) => {
        const [meta, name] = l.split('\t');
        const [mode, , oid] = meta!.split(' ');
        return Buffer.concat([Buffer.from(`${mode === '100644' ? '100664' : mode} ${name}\0`), Buffer.from(oid!, 'hex')]);
      }),
    );
    const odd = execFileSync('git', ['hash-object', '-w', '-t', 'tree', '--literally', '--stdin'], { cwd: seed, input: raw, encoding: 'utf8' }).trim();
    const newContracts = mktree(lsTree(at('contracts')).map((l) => (l.endsWith('\tchanges') ? `040000 tree ${odd}\tchanges` : l)));
    const root = sysgit(seed, 'ls-tree', 'HEAD')
      .trim()
      .split('\n')
      .map((l) => (l.endsWith('\tcontracts') ? `040000 tree ${newContracts}\tcontracts` : l));
    const newRoot = execFileSync('git', ['mktree'], { cwd: seed, input: `${root.join('\n')}\n`, encoding: 'utf8' }).trim();
    const commit = execFileSync('git', ['commit-tree', newRoot, '-p', 'HEAD', '-m', 'old modes'], {
      cwd: seed,
      encoding: 'utf8',
      env: { ...process.env, ...IDENTITY },
    }).trim();
    sysgit(seed, 'update-ref', 'refs/heads/main', commit);
    expect(execFileSync('git', ['cat-file', 'tree', sysgit(seed, 'rev-parse', 'HEAD:contracts/changes').trim()], { cwd: seed }).toString('latin1')).toContain(
      '100664 CR-42.yaml',
    );
    const bare = path.join(tempDir(), 'old.git');
    execFileSync('git', ['clone', '-q', '--bare', seed, bare]);
    const url = await served(bare);
    const dir = path.join(tempDir(), 'c');
    const r = await covenantAsync(['clone', url, dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(sysgit(dir, 'status', '--porcelain')).toBe('');
    expect((await covenantAsync(['status', dir])).stdout).toContain('Nothing to commit');
    // a commit of one such file, and a look back at the old version
    const file = path.join(dir, 'contracts/changes/CR-42.yaml');
    writeFileSync(file, readFileSync(file, 'utf8') + '# edited\n');
    const c = await covenantAsync(['commit', dir, 'contracts/changes/CR-42.yaml', '-m', 'edit', '--allow-errors'], undefined, IDENTITY);
    expect(c.stderr).toBe('');
    expect(c.code).toBe(0);
    expect(sysgit(dir, 'status', '--porcelain')).toBe('');
    expect(sysgit(dir, 'fsck', '--no-dangling').trim()).toBe('');
    const log = await covenantAsync(['log', dir, '--file', 'contracts/changes/CR-42.yaml']);
    expect(log.code).toBe(0);
    expect(log.stdout).toContain('edit');
    mkdirSync(path.join(tempDir(), 'x'), { recursive: true });
  });
});
