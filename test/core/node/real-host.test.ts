// Sync against a git host as companies run one (issue 27): nginx + fcgiwrap + git http-backend with basic auth and
// TLS from a CA the test makes, tinyproxy as the forward proxy, redirects of a moved repository, and a slow network in
// front. Each run of Covenant is compared with system git doing the same against the same server.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { covenantAsync, IDENTITY } from '../../helpers/cli.js';
import { realGitHost, realHostMissing, realProxy, slowFront, type RealHost, type RealProxy } from '../../helpers/real-host.js';
import { commitAt, sysgit } from '../../helpers/git.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const missing = realHostMissing();
if (missing) console.warn(`real git host tests skipped: ${missing}`);

const AUTH = { user: 'ana', password: 's3cret' };
let root = '';
let host: RealHost;
let proxy: RealProxy;

beforeAll(async () => {
  if (missing) return;
  root = mkdtempSync(path.join(tmpdir(), 'covenant-realhost-'));
  const projects = path.join(root, 'projects');
  mkdirSync(projects);
  const seed = exampleCopy();
  sysgit(seed, 'init', '-q', '-b', 'main');
  sysgit(seed, 'add', '-A');
  commitAt(seed, '2025-10-13T09:00:00Z', 'The contract');
  execFileSync('git', ['clone', '-q', '--bare', seed, path.join(projects, 'contract.git')]);
  execFileSync('git', ['-C', path.join(projects, 'contract.git'), 'config', 'http.receivepack', 'true']);
  host = await realGitHost(path.join(root, 'host'), projects, AUTH);
  proxy = await realProxy(path.join(root, 'proxy'), { user: 'px', password: 'px-pass' });
}, 60_000);

afterAll(async () => {
  await host?.close();
  await proxy?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A user's git configuration (global file, no system file) and the environment both tools run with. */
function userConfig(lines: string[], extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = tempDir('covenant-home-');
  writeFileSync(path.join(home, '.gitconfig'), `${lines.join('\n')}\n`);
  // nothing of this machine's own network settings (a CA bundle in GIT_SSL_CAINFO overrides the config, as in git)
  const none = Object.fromEntries(
    ['GIT_SSL_CAINFO', 'GIT_SSL_NO_VERIFY', 'http_proxy', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY'].map((k) => [
      k,
      undefined,
    ]),
  );
  return { ...none, HOME: home, GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig'), GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', ...IDENTITY, ...extra };
}

/** git's own credential store holding `lines` (https://user:password@host:port). */
function store(lines: string[]): { file: string; config: string } {
  const file = path.join(tempDir('covenant-cred-'), 'store');
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  return { file, config: `[credential]\n  helper = store --file=${file}` };
}

function git(env: NodeJS.ProcessEnv, cwd: string, ...args: string[]): { code: number; stderr: string } {
  try {
    execFileSync('git', args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, stderr: '' };
  } catch (e) {
    const err = e as { status: number; stderr: Buffer };
    return { code: err.status, stderr: String(err.stderr) };
  }
}

const hostPort = (url: string) => new URL(url).host;

describe.skipIf(missing !== null)('a real git host: nginx + fcgiwrap + git http-backend, TLS, proxy, redirects', () => {
  it("clone, push and pull over TLS from the company's CA with basic auth from the credential helper, as system git does", async () => {
    const url = `${host.https}/contract.git`;
    const creds = store([`https://${AUTH.user}:${AUTH.password}@${hostPort(host.https)}`]);
    const env = userConfig([creds.config, '[http]', `  sslCAInfo = ${host.ca}`]);
    const work = tempDir('covenant-tls-');
    const ours = path.join(work, 'ours');
    const theirs = path.join(work, 'theirs');
    const r = await covenantAsync(['clone', url, ours], work, env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(git(env, work, 'clone', '-q', url, theirs).code).toBe(0);
    expect(sysgit(ours, 'rev-parse', 'HEAD')).toBe(sysgit(theirs, 'rev-parse', 'HEAD'));
    expect(sysgit(ours, 'status', '--porcelain')).toBe('');
    // a change of ours reaches them, one of theirs reaches us
    writeFileSync(path.join(ours, 'contracts/changes/CR-42.yaml'), readFileSync(path.join(ours, 'contracts/changes/CR-42.yaml'), 'utf8') + '# ours\n');
    expect((await covenantAsync(['commit', ours, 'contracts/changes/CR-42.yaml', '-m', 'ours', '--allow-errors'], work, env)).code).toBe(0);
    const pushed = await covenantAsync(['push', ours], work, env);
    expect(pushed.stderr).toBe('');
    expect(pushed.code).toBe(0);
    expect(git(env, theirs, 'pull', '-q', '--ff-only').code).toBe(0);
    expect(sysgit(theirs, 'rev-parse', 'HEAD')).toBe(sysgit(ours, 'rev-parse', 'HEAD'));
    writeFileSync(path.join(theirs, 'docs/notes.md'), 'theirs\n');
    sysgit(theirs, 'add', 'docs/notes.md');
    sysgit(theirs, 'commit', '-qm', 'theirs');
    expect(git(env, theirs, 'push', '-q').code).toBe(0);
    expect((await covenantAsync(['pull', ours], work, env)).code).toBe(0);
    expect(sysgit(ours, 'rev-parse', 'HEAD')).toBe(sysgit(theirs, 'rev-parse', 'HEAD'));
    expect(host.requests()).toContain('POST /git/contract.git/git-receive-pack 200');
  }, 60_000);

  it('a server certificate from an unknown CA is refused in words, as git refuses it; http.sslVerify=false is obeyed and said', async () => {
    const url = `${host.https}/contract.git`;
    const creds = store([`https://${AUTH.user}:${AUTH.password}@${hostPort(host.https)}`]);
    const work = tempDir('covenant-tls-');
    const env = userConfig([creds.config]);
    const r = await covenantAsync(['clone', url, path.join(work, 'a')], work, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not trusted');
    expect(r.stderr).toContain('http.sslCAInfo');
    expect(existsSync(path.join(work, 'a'))).toBe(false);
    expect(git(env, work, 'clone', '-q', url, path.join(work, 'g')).code).not.toBe(0);
    // GIT_SSL_CAINFO names the CA as well as the config does
    expect((await covenantAsync(['clone', url, path.join(work, 'b')], work, { ...env, GIT_SSL_CAINFO: host.ca })).code).toBe(0);
    const unchecked = await covenantAsync(['clone', url, path.join(work, 'c')], work, userConfig([creds.config, '[http]', '  sslVerify = false']));
    expect(unchecked.code).toBe(0);
    expect(unchecked.stderr).toContain('TLS certificates are not checked');
  }, 60_000);

  it('through a forward proxy with basic auth (https_proxy, http.proxy), past it for no_proxy hosts, as git goes', async () => {
    const creds = store([`https://${AUTH.user}:${AUTH.password}@${hostPort(host.https)}`, `http://${AUTH.user}:${AUTH.password}@${hostPort(host.http)}`]);
    const work = tempDir('covenant-proxy-');
    const tls = `${host.https}/contract.git`;
    const connects = () => proxy.passed().filter((l) => l.includes(`CONNECT ${hostPort(host.https)}`)).length;
    const viaEnv = userConfig([creds.config, '[http]', `  sslCAInfo = ${host.ca}`], { https_proxy: proxy.url });
    let before = connects();
    expect((await covenantAsync(['clone', tls, path.join(work, 'a')], work, viaEnv)).code).toBe(0);
    const ours = connects() - before;
    expect(ours).toBeGreaterThan(0);
    before = connects();
    expect(git(viaEnv, work, 'clone', '-q', tls, path.join(work, 'g')).code).toBe(0);
    expect(connects() - before).toBeGreaterThan(0); // git went through it too
    // no_proxy: straight to the host
    before = connects();
    expect((await covenantAsync(['clone', tls, path.join(work, 'b')], work, { ...viaEnv, no_proxy: 'localhost,127.0.0.1' })).code).toBe(0);
    expect(connects()).toBe(before);
    // http.proxy in the config, for a plain http remote
    const plain = `${host.http}/contract.git`;
    const gets = () => proxy.passed().filter((l) => l.includes(`${hostPort(host.http)}/git/contract.git`)).length;
    before = gets();
    expect((await covenantAsync(['clone', plain, path.join(work, 'c')], work, userConfig([creds.config, '[http]', `  proxy = ${proxy.url}`]))).code).toBe(0);
    expect(gets()).toBeGreaterThan(before);
    // a proxy password that is wrong is said, not taken for the host's refusal
    const wrong = proxy.url.replace('px-pass', 'nope');
    const refused = await covenantAsync(['clone', tls, path.join(work, 'd')], work, { ...viaEnv, https_proxy: wrong });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/proxy/i);
    expect(git({ ...viaEnv, https_proxy: wrong }, work, 'clone', '-q', tls, path.join(work, 'h')).code).not.toBe(0);
  }, 90_000);

  it('a moved repository (301) is followed for every request; one moved to another server (302) asks the helper for that server only', async () => {
    const creds = store([`http://${AUTH.user}:${AUTH.password}@${hostPort(host.http)}`]);
    const env = userConfig([creds.config]);
    const work = tempDir('covenant-moved-');
    const moved = `${host.moved}/contract.git`;
    const a = path.join(work, 'a');
    const r = await covenantAsync(['clone', moved, a], work, env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const log = host.requests();
    expect(log).toContain('GET /moved/contract.git/info/refs 301');
    expect(log).toContain('POST /git/contract.git/git-upload-pack 200');
    expect(log.some((l) => l.startsWith('POST /moved/'))).toBe(false); // the POST went to the new address, not redirected into a GET
    // push through the old address works too (receive-pack at the new one)
    writeFileSync(path.join(a, 'docs/moved.md'), 'moved\n');
    expect((await covenantAsync(['commit', a, 'docs/moved.md', '-m', 'moved', '--allow-errors'], work, env)).code).toBe(0);
    const pushed = await covenantAsync(['push', a], work, env);
    expect(pushed.stderr).toBe('');
    expect(pushed.code).toBe(0);
    // 302 to another port: the helper is asked for the server that asks, as git asks it
    const asked = path.join(work, 'asked.log');
    const helper = path.join(work, 'helper.sh');
    writeFileSync(
      helper,
      `#!/bin/sh\nin=$(cat)\necho "$1 $(echo "$in" | grep '^host=')" >> ${asked}\n[ "$1" = get ] && { echo username=${AUTH.user}; echo password=${AUTH.password}; }\nexit 0\n`,
    );
    chmodSync(helper, 0o755);
    const helped = userConfig([`[credential]\n  helper = ${helper}`]);
    expect((await covenantAsync(['clone', `${host.elsewhere}/contract.git`, path.join(work, 'b')], work, helped)).code).toBe(0);
    const ours = readFileSync(asked, 'utf8');
    writeFileSync(asked, '');
    expect(git(helped, work, 'clone', '-q', `${host.elsewhere}/contract.git`, path.join(work, 'g')).code).toBe(0);
    const theirs = readFileSync(asked, 'utf8');
    expect(ours).toContain(`get host=${hostPort(host.http)}`);
    expect(ours).not.toContain(`host=${hostPort(host.elsewhere)}`);
    // the same questions git asks: for the host that said 401, and the answer that worked stored
    expect(ours.split('\n').sort()).toEqual(theirs.split('\n').sort());
  }, 60_000);

  it('a server that only serves files (dumb HTTP) gets a sentence saying what is needed; git clones it its old way', async () => {
    execFileSync('git', ['-C', path.join(root, 'projects', 'contract.git'), 'update-server-info']);
    const work = tempDir('covenant-dumb-');
    const env = userConfig([]);
    const r = await covenantAsync(['clone', `${host.dumb}/contract.git`, path.join(work, 'a')], work, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("answered as a plain web server, not git's smart HTTP");
    expect(existsSync(path.join(work, 'a'))).toBe(false);
    expect(git(env, work, 'clone', '-q', `${host.dumb}/contract.git`, path.join(work, 'g')).code).toBe(0);
  }, 60_000);

  it("a refused stale password is erased from the helper's store, as git credential reject erases it", async () => {
    const stale = `http://${AUTH.user}:old-password@${hostPort(host.http)}`;
    const work = tempDir('covenant-stale-');
    const ours = store([stale]);
    const r = await covenantAsync(['clone', `${host.http}/contract.git`, path.join(work, 'a')], work, userConfig([ours.config]));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the server refused the credentials');
    const theirs = store([stale]);
    expect(git(userConfig([theirs.config]), work, 'clone', '-q', `${host.http}/contract.git`, path.join(work, 'g')).code).not.toBe(0);
    expect(readFileSync(ours.file, 'utf8')).toBe(readFileSync(theirs.file, 'utf8'));
    expect(readFileSync(ours.file, 'utf8')).not.toContain('old-password');
  }, 60_000);

  it("a server silent for 6 s before its first byte is waited for; git's low-speed limit, when set, stops a crawl as git stops it", async () => {
    const port = Number(new URL(host.http).port);
    const quiet = await slowFront(port, { firstByteMs: 6000, slowConnections: 1 });
    const creds = `http://${AUTH.user}:${AUTH.password}@127.0.0.1:${quiet.port}`;
    const work = tempDir('covenant-slow-');
    try {
      const env = userConfig([store([creds]).config]);
      const started = Date.now();
      const r = await covenantAsync(['clone', `http://127.0.0.1:${quiet.port}/git/contract.git`, path.join(work, 'a')], work, env);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(6000);
    } finally {
      await quiet.close();
    }
    const crawl = await slowFront(port, { firstByteMs: 0, bytesPerSecond: 300 });
    try {
      const env = userConfig([store([`http://${AUTH.user}:${AUTH.password}@127.0.0.1:${crawl.port}`]).config], {
        GIT_HTTP_LOW_SPEED_LIMIT: '100000',
        GIT_HTTP_LOW_SPEED_TIME: '2',
      });
      const r = await covenantAsync(['clone', `http://127.0.0.1:${crawl.port}/git/contract.git`, path.join(work, 'b')], work, env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('slower than 100000 bytes a second for 2 seconds');
      expect(existsSync(path.join(work, 'b'))).toBe(false);
      expect(git(env, work, 'clone', '-q', `http://127.0.0.1:${crawl.port}/git/contract.git`, path.join(work, 'g')).code).not.toBe(0);
    } finally {
      await crawl.close();
    }
  }, 90_000);
});
