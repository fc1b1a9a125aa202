// Two parties, one contract (issue 15, item 1): clone, pull and push over smart HTTP against system git's
// http-backend; two clones append criteria to the same SOW and both reach the server through a structural merge.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { covenantAsync as covenant, IDENTITY } from '../../helpers/cli.js';
import { gitHttpServer, servedExample } from '../../helpers/git-server.js';
import { commitAt, sysgit } from '../../helpers/git.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';
import { REPO } from '../../helpers/workspace.js';

const SOW = 'contracts/sow/SPRINT-07.yaml';
const AC2_END = '    evidence: analytics/exp_123.csv\n';
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** A bare repository holding the example, served over HTTP. */
const sharedContract = (auth?: { username: string; password: string }) => servedExample(servers, auth);

const edit = (dir: string, from: string, to: string) => {
  const file = path.join(dir, SOW);
  writeFileSync(file, readFileSync(file, 'utf8').replace(from, to));
};

describe('sharing a contract over HTTP', () => {
  it('two clones append criteria to the same SOW; both reach the server through a clean structural merge', async () => {
    const { url, bare } = await sharedContract();
    const work = tempDir();
    const client = path.join(work, 'client');
    const supplier = path.join(work, 'supplier');
    expect((await covenant(['clone', url, client])).stdout).toContain('Cloned into');
    expect((await covenant(['clone', url, supplier])).code).toBe(0);
    edit(client, AC2_END, `${AC2_END}  - id: AC3\n    description: Support tickets about signup fall by half\n`);
    expect((await covenant(['commit', client, '-m', 'AC3 from the client'], undefined, IDENTITY)).code).toBe(0);
    expect((await covenant(['push', client])).stdout).toBe('Pushed main to origin.\n');
    edit(supplier, AC2_END, `${AC2_END}  - id: AC4\n    description: Time to first value under 2 minutes\n`);
    expect((await covenant(['commit', supplier, '-m', 'AC4 from the supplier'], undefined, IDENTITY)).code).toBe(0);
    const refused = await covenant(['push', supplier]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('pull first (covenant pull), then push');
    const pulled = await covenant(['pull', supplier], undefined, IDENTITY);
    expect(pulled.stderr).toBe('');
    expect(pulled.stdout).toMatch(/^Pulled \(merged\): now at [0-9a-f]{7}\.\n$/);
    const merged = readFileSync(path.join(supplier, SOW), 'utf8');
    expect(merged).toContain('id: AC3');
    expect(merged).toContain('id: AC4');
    expect((await covenant(['push', supplier])).code).toBe(0);
    // the server holds both, as system git sees it, and the client gets them with a fast-forward
    const onServer = execFileSync('git', ['--git-dir', bare, 'show', `main:${SOW}`], { encoding: 'utf8' });
    expect(onServer).toContain('id: AC3');
    expect(onServer).toContain('id: AC4');
    expect((await covenant(['pull', client], undefined, IDENTITY)).stdout).toMatch(/^Pulled \(fast-forward\)/);
    execFileSync('git', ['--git-dir', bare, 'fsck', '--strict'], { stdio: 'pipe' });
  });

  /** Two clones that changed the SOW's end date two ways; a's is on the server. */
  async function conflicted() {
    const { url, bare } = await sharedContract();
    const work = tempDir();
    const a = path.join(work, 'a');
    const b = path.join(work, 'b');
    await covenant(['clone', url, a]);
    await covenant(['clone', url, b]);
    edit(a, 'end: 2025-10-24', 'end: 2025-10-27');
    edit(a, 'Redesign onboarding flow', 'Redesign onboarding flow (client)'); // a change of a's that merges cleanly
    await covenant(['commit', a, '-m', 'end 27'], undefined, IDENTITY);
    await covenant(['push', a]);
    edit(b, 'end: 2025-10-24', 'end: 2025-10-30');
    await covenant(['commit', b, '-m', 'end 30'], undefined, IDENTITY);
    return { a, b, bare, head: sysgit(b, 'rev-parse', 'HEAD') };
  }
  const KEY = `${SOW}#dates.end`;

  it('a same-field conflict is reported by field path, waits in the files, and --continue commits the merge', async () => {
    const { b, bare, head } = await conflicted();
    const r = await covenant(['pull', b, '--format', 'json'], undefined, IDENTITY);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.outcome).toBe('conflicts');
    // mine is b's 30th, theirs the 27th that a pushed
    expect(out.conflicts).toMatchObject([
      { key: KEY, path: SOW, field: 'dates.end', base: '2025-10-24', mine: '2025-10-30', theirs: '2025-10-27', resolution: null },
    ]);
    // HEAD stays; the files hold the merge as far as it goes, my value in the conflicting field; git sees a merge
    expect(sysgit(b, 'rev-parse', 'HEAD')).toBe(head);
    const waiting = readFileSync(path.join(b, SOW), 'utf8');
    expect(waiting).toContain('end: 2025-10-30');
    expect(waiting).toContain('onboarding flow (client)');
    expect(sysgit(b, 'status')).toContain('You have unmerged paths');
    // git sees the conflict as its own merge leaves it: unmerged, base, ours and theirs in stages 1 to 3; a plain
    // git commit refuses (it finished the merge with my side before); the file that merged cleanly is staged
    expect(sysgit(b, 'status', '--porcelain')).toBe(`UU ${SOW}\n`);
    expect(
      sysgit(b, 'ls-files', '-u')
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)[2]),
    ).toEqual(['1', '2', '3']);
    expect(() => sysgit(b, 'commit', '-qm', 'plain git')).toThrow(/unmerged|not possible/i);
    expect(sysgit(b, 'rev-parse', 'HEAD')).toBe(head);
    // a commit or a second pull now would lose the merge: refused, saying what to do
    const commit = await covenant(['commit', b, '-m', 'x'], undefined, IDENTITY);
    expect(commit.stderr).toContain('A pull is waiting to be merged');
    expect((await covenant(['pull', b], undefined, IDENTITY)).stderr).toContain('still waiting to be merged');
    // --continue refuses while the field is open, and lists it
    const early = await covenant(['pull', b, '--continue'], undefined, IDENTITY);
    expect(early.code).toBe(1);
    expect(early.stdout).toContain(`${KEY}: mine "2025-10-30", theirs "2025-10-27"`);
    const bad = await covenant(['pull', b, '--resolve', `${SOW}#dates.start=theirs`], undefined, IDENTITY);
    expect(bad.stderr).toContain(`No conflict ${SOW}#dates.start. The conflicts are: ${KEY}.`);
    // resolved in Covenant: staged, as git add does after a resolution; git says the conflicts are fixed
    expect((await covenant(['pull', b, '--resolve', `${KEY}=theirs`], undefined, IDENTITY)).code).toBe(0);
    expect(sysgit(b, 'ls-files', '-u')).toBe('');
    expect(sysgit(b, 'status')).toContain('All conflicts fixed but you are still merging');
    const done = await covenant(['pull', b, '--resolve', `${KEY}=theirs`, '--continue'], undefined, IDENTITY);
    expect(done.stderr).toBe('');
    expect(done.stdout).toMatch(/^Merged: now at [0-9a-f]{7}\. Next: covenant push\n$/);
    const merged = readFileSync(path.join(b, SOW), 'utf8');
    expect(merged).toContain('end: 2025-10-27');
    expect(merged).toContain('onboarding flow (client)');
    // a true merge commit, as system git reads it, and a clean tree
    expect(sysgit(b, 'rev-list', '--parents', '-n', '1', 'HEAD').split(' ')).toHaveLength(3);
    expect(sysgit(b, 'status', '--porcelain')).toBe('');
    expect(sysgit(b, 'status')).not.toContain('merging');
    expect((await covenant(['push', b])).code).toBe(0);
    expect(execFileSync('git', ['--git-dir', bare, 'show', `main:${SOW}`], { encoding: 'utf8' })).toContain('end: 2025-10-27');
  });

  it('--abort puts every file back as it was before the pull', async () => {
    const { b, head } = await conflicted();
    const before = readFileSync(path.join(b, SOW), 'utf8');
    await covenant(['pull', b], undefined, IDENTITY);
    await covenant(['pull', b, '--resolve', `${KEY}=theirs`], undefined, IDENTITY);
    expect(readFileSync(path.join(b, SOW), 'utf8')).toContain('end: 2025-10-27');
    const r = await covenant(['pull', b, '--abort']);
    expect(r.stdout).toBe(`Pull aborted: 1 file back as before the pull; HEAD still at ${head.slice(0, 7)}.\n`);
    expect(readFileSync(path.join(b, SOW), 'utf8')).toBe(before);
    expect(sysgit(b, 'status', '--porcelain')).toBe('');
    expect(sysgit(b, 'rev-parse', 'HEAD')).toBe(head);
    expect(sysgit(b, 'ls-files', '-u')).toBe('');
    expect(sysgit(b, 'diff', '--cached', '--name-only')).toBe(''); // the index is HEAD's again
    // and the pull can start again
    expect((await covenant(['pull', b, '--take', 'mine', '--continue'])).stderr).toContain('No pull is waiting');
    expect((await covenant(['pull', b], undefined, IDENTITY)).code).toBe(1);
    const mine = await covenant(['pull', b, '--take', 'mine', '--continue'], undefined, IDENTITY);
    expect(mine.code).toBe(0);
    expect(readFileSync(path.join(b, SOW), 'utf8')).toContain('end: 2025-10-30');
  });

  it('a fast-forward writes only what changed, deletions included; a merge that adds errors is refused, old errors do not block', async () => {
    const { url } = await sharedContract();
    const work = tempDir();
    const a = path.join(work, 'a');
    const b = path.join(work, 'b');
    await covenant(['clone', url, a]);
    await covenant(['clone', url, b]);
    const DEFECTS = 'contracts/defects/onboarding-tracker.yaml';
    rmSync(path.join(a, DEFECTS));
    await covenant(['commit', a, '-m', 'defects moved out'], undefined, IDENTITY);
    await covenant(['push', a]);
    const pulled = await covenant(['pull', b], undefined, IDENTITY);
    expect(pulled.stdout, pulled.stderr).toMatch(/^Pulled \(fast-forward\)/);
    expect(existsSync(path.join(b, DEFECTS))).toBe(false);
    expect(sysgit(b, 'status', '--porcelain')).toBe('');
    // b commits an error of its own (allowed, and said so); a pushes a change that breaks the SOW
    edit(b, 'Redesign onboarding flow', 'Redesign onboarding flow (b)');
    const cr = path.join(b, 'contracts/changes/CR-42.yaml');
    writeFileSync(cr, readFileSync(cr, 'utf8').replace('risk_score: 5', 'risk_score: high'));
    expect((await covenant(['commit', b, '--allow-errors', '-m', 'b with an error'], undefined, IDENTITY)).code).toBe(0);
    edit(a, 'end: 2025-10-24', 'end: 24 October');
    expect((await covenant(['commit', a, '--allow-errors', '-m', 'a date in words'], undefined, IDENTITY)).code).toBe(0);
    await covenant(['push', a]);
    const head = sysgit(b, 'rev-parse', 'HEAD');
    const refused = await covenant(['pull', b], undefined, IDENTITY);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`${SOW}:2:33 error schema dates.end must be a date as YYYY-MM-DD`);
    expect(refused.stdout).not.toContain('CR-42.yaml'); // b's own error is not the merge's
    expect(refused.stdout).toMatch(/Not merged: the merged contract would have \d+ errors?; nothing changed\.\n$/);
    expect(sysgit(b, 'rev-parse', 'HEAD')).toBe(head);
    expect(sysgit(b, 'status', '--porcelain')).toBe('');
    // a fixes it: the merge goes through although b's own error is still there
    edit(a, 'end: 24 October', 'end: 2025-10-24');
    await covenant(['commit', a, '-m', 'date fixed'], undefined, IDENTITY);
    await covenant(['push', a]);
    expect((await covenant(['pull', b], undefined, IDENTITY)).stdout).toMatch(/^Pulled \(merged\)/);
    expect(sysgit(b, 'rev-list', '--parents', '-n', '1', 'HEAD').split(' ')).toHaveLength(3);
  });

  it('asks for credentials only when the server says 401, from the environment, and never writes them down', async () => {
    const { url, server } = await sharedContract({ username: 'client', password: 's3cret-token' });
    const dir = path.join(tempDir(), 'c');
    const denied = await covenant(['clone', url, dir], undefined, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' });
    expect(denied.code).toBe(2);
    expect(denied.stderr).toContain('needs credentials: set COVENANT_GIT_TOKEN');
    mkdirSync(path.dirname(dir), { recursive: true });
    const ok = await covenant(['clone', url, dir], undefined, { COVENANT_GIT_USERNAME: 'client', COVENANT_GIT_PASSWORD: 's3cret-token' });
    expect(ok.code).toBe(0);
    expect(server.requests.some((r) => r.endsWith('auth'))).toBe(true);
    // not in the repository's config, not in any file of the clone
    const { spawnSync } = await import('node:child_process');
    expect(spawnSync('grep', ['-rl', 's3cret-token', dir]).status).toBe(1); // 1: no file holds it
    // a token the server refuses is said so
    const refused = await covenant(['clone', url, path.join(path.dirname(dir), 'd')], undefined, { COVENANT_GIT_TOKEN: 'wrong' });
    expect(refused.stderr).toContain('the server refused the credentials');
  });

  it("a cloned repository's own credential.helper never runs: git is asked from a neutral folder, global and system config only", async () => {
    const { url } = await sharedContract({ username: 'client', password: 's3cret-token' });
    const dir = path.join(tempDir(), 'c');
    mkdirSync(path.dirname(dir), { recursive: true });
    expect((await covenant(['clone', url, dir], undefined, { COVENANT_GIT_USERNAME: 'client', COVENANT_GIT_PASSWORD: 's3cret-token' })).code).toBe(0);
    const pwned = path.join(tempDir(), 'pwned');
    sysgit(dir, 'config', 'credential.helper', `!touch ${pwned}; echo`);
    // run from inside the workspace, as a user would: the helper named by the repository must not run
    const r = await covenant(['pull', '.'], dir, { ...IDENTITY, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' });
    expect(r.stderr).toContain('needs credentials');
    expect(existsSync(pwned)).toBe(false);
  });

  it('a user and password in the clone URL are used, never written into .git/config', async () => {
    const { url } = await sharedContract({ username: 'client', password: 's3cret-token' });
    const dir = path.join(tempDir(), 'c');
    mkdirSync(path.dirname(dir), { recursive: true });
    const r = await covenant(['clone', url.replace('http://', 'http://client:s3cret-token@'), dir], undefined, {
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('The user and password in the URL were used for this clone only, not written into .git/config');
    expect(readFileSync(path.join(dir, '.git', 'config'), 'utf8')).toContain(`url = ${url}`);
    const { spawnSync } = await import('node:child_process');
    expect(spawnSync('grep', ['-rl', 's3cret-token', dir]).status).toBe(1); // no file holds it
  });

  it('a list of branches cut short is an error, never an empty repository; the failed clone leaves nothing', async () => {
    const { url } = await sharedContract();
    const upstream = new URL(url);
    // a hostile or broken server: info/refs answered with its first half only
    const proxy = createServer((req, res) => {
      void fetch(`${upstream.origin}${req.url}`).then(async (r) => {
        const body = Buffer.from(await r.arrayBuffer());
        res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? '' });
        res.end(req.url?.includes('/info/refs') ? body.subarray(0, Math.floor(body.length / 2)) : body);
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    servers.push({ close: () => new Promise<void>((resolve) => proxy.close(() => resolve())) });
    const cut = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${upstream.pathname}`;
    const dir = path.join(tempDir(), 'c');
    const r = await covenant(['clone', cut, dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("The server's list of branches was cut short");
    expect(existsSync(dir)).toBe(false);
    // a pull from it says so too, not "Already up to date"
    expect((await covenant(['clone', url, dir])).code).toBe(0);
    sysgit(dir, 'remote', 'set-url', 'origin', cut);
    const pull = await covenant(['pull', dir], undefined, IDENTITY);
    expect(pull.code).toBe(2);
    expect(pull.stderr).toContain("The server's list of branches was cut short");
  });

  it('a clone of 2,000 SOWs under a limit of 256 open files: no file-descriptor exhaustion', async () => {
    const root = tempDir();
    const seed = exampleCopy();
    for (let n = 0; n < 2000; n++) writeFileSync(path.join(seed, `contracts/sow/S-${n}.yaml`), `# S-${n}\n`);
    sysgit(seed, 'init', '-q', '-b', 'main');
    sysgit(seed, 'add', '-A');
    commitAt(seed, '2025-10-13T09:00:00Z', 'Many SOWs');
    execFileSync('git', ['clone', '-q', '--bare', seed, path.join(root, 'many.git')]);
    const server = await gitHttpServer(root);
    servers.push(server);
    const dir = path.join(tempDir(), 'many');
    const { spawn } = await import('node:child_process');
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('bash', [
        '-c',
        `ulimit -n 256 && exec "${process.execPath}" "${path.join(REPO, 'bin/covenant.mjs')}" clone "$0" "$1"`,
        `${server.url}/many.git`,
        dir,
      ]);
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'contracts/sow/S-1999.yaml'), 'utf8')).toBe('# S-1999\n');
    expect(sysgit(dir, 'status', '--porcelain')).toBe('');
  }, 120_000);
});
