import { request } from 'node:http';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppState } from '../../../core/node/app-state.js';
import { startBridge, type Bridge } from '../../../core/node/server.js';
import { Session } from '../../../core/node/session.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';

let bridge: Bridge | null = null;
let session: Session | null = null;
afterEach(async () => {
  await bridge?.close();
  await session?.close();
  bridge = null;
  session = null;
});

async function start(withWorkspace = true) {
  const staticDir = tempDir();
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Covenant</title>');
  mkdirSync(path.join(staticDir, 'assets'));
  writeFileSync(path.join(staticDir, 'assets', 'a.js'), 'console.log(1)');
  session = new Session({ mode: 'browser', state: new AppState(tempDir()) });
  const ws = withWorkspace ? exampleCopy() : null;
  if (ws) await session.open(ws);
  bridge = await startBridge({ session, staticDir });
  return { bridge, ws: ws! };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request, so Host and Origin can be forged as another page or a rebinding DNS name would. */
function raw(port: number, method: string, pathName: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: pathName, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = { 'Content-Type': 'application/json' };

describe('the loopback bridge', () => {
  it('listens on 127.0.0.1 only', async () => {
    const { bridge } = await start();
    const addr = bridge.server.address();
    expect(typeof addr === 'object' && addr?.address).toBe('127.0.0.1');
    expect(bridge.url).toBe(`http://127.0.0.1:${bridge.port}/`);
  });

  it('no token: 401; wrong token: 401; right token: the API answers', async () => {
    const { bridge } = await start();
    expect((await raw(bridge.port, 'POST', '/api/files.list', json, 'null')).status).toBe(401);
    expect((await raw(bridge.port, 'POST', '/api/files.list', { ...json, 'X-Covenant-Token': 'nope' }, 'null')).status).toBe(401);
    expect((await raw(bridge.port, 'POST', '/api/files.list', { ...json, Cookie: 'covenant_token=nope' }, 'null')).status).toBe(401);
    const ok = await raw(bridge.port, 'POST', '/api/files.list', { ...json, 'X-Covenant-Token': bridge.token }, 'null');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).data.map((f: { path: string }) => f.path)).toContain('contracts/changes/CR-42.yaml');
  });

  it('a foreign Host (DNS rebinding) or Origin gets 403, even with the token', async () => {
    const { bridge } = await start();
    const auth = { ...json, 'X-Covenant-Token': bridge.token };
    expect((await raw(bridge.port, 'POST', '/api/files.list', { ...auth, Host: `evil.example:${bridge.port}` }, 'null')).status).toBe(403);
    expect((await raw(bridge.port, 'POST', '/api/files.list', { ...auth, Host: '127.0.0.1:1' }, 'null')).status).toBe(403);
    expect((await raw(bridge.port, 'POST', '/api/files.list', { ...auth, Origin: 'http://evil.example' }, 'null')).status).toBe(403);
    expect((await raw(bridge.port, 'POST', '/api/files.list', { ...auth, Origin: 'null' }, 'null')).status).toBe(403);
    expect((await raw(bridge.port, 'GET', '/', { Host: 'localhost.evil.example' })).status).toBe(403);
    expect(
      (await raw(bridge.port, 'POST', '/api/files.list', { ...auth, Origin: `http://localhost:${bridge.port}`, Host: `localhost:${bridge.port}` }, 'null'))
        .status,
    ).toBe(200);
  });

  it('sends no CORS headers, ever', async () => {
    const { bridge } = await start();
    for (const r of [
      await raw(bridge.port, 'OPTIONS', '/api/files.list', { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' }),
      await raw(bridge.port, 'POST', '/api/files.list', { ...json, 'X-Covenant-Token': bridge.token }, 'null'),
      await raw(bridge.port, 'GET', '/'),
    ]) {
      expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
  });

  it('the launch URL trades its token for an HttpOnly SameSite=Strict cookie and drops it from the address', async () => {
    const { bridge } = await start();
    const r = await raw(bridge.port, 'GET', `/?token=${bridge.token}`);
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('/');
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toContain(`covenant_token=${bridge.token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect((await raw(bridge.port, 'GET', '/?token=wrong')).status).toBe(401);
    const api = await raw(bridge.port, 'POST', '/api/app.info', { ...json, Cookie: `covenant_token=${bridge.token}` }, 'null');
    expect(JSON.parse(api.body)).toEqual({ ok: true, data: { mode: 'browser', version: '0.1.0' } });
  });

  it('serves the app with the strict CSP, and nothing outside its folder', async () => {
    const { bridge } = await start();
    const page = await raw(bridge.port, 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-eval');
    expect((await raw(bridge.port, 'GET', '/assets/a.js')).body).toBe('console.log(1)');
    expect((await raw(bridge.port, 'GET', '/../../etc/passwd')).body).not.toContain('root:');
    // encoded dots resolve inside the app folder: the app's own page (the route fallback), never the system file
    expect((await raw(bridge.port, 'GET', '/%2e%2e/%2e%2e/etc/passwd')).body).toBe('<!doctype html><title>Covenant</title>');
    expect((await raw(bridge.port, 'GET', '/..%2f..%2fetc%2fpasswd')).body).not.toContain('root:');
    expect((await raw(bridge.port, 'GET', '/assets/missing.js')).status).toBe(404);
  });

  it('API errors come back as Result envelopes, never stack traces', async () => {
    const { bridge } = await start();
    const auth = { ...json, 'X-Covenant-Token': bridge.token };
    const outside = JSON.parse((await raw(bridge.port, 'POST', '/api/files.read', auth, JSON.stringify({ path: '../../etc/passwd' }))).body);
    expect(outside).toEqual({
      ok: false,
      error: { code: 'outside-workspace', message: '../../etc/passwd leads outside the workspace.', path: '../../etc/passwd' },
    });
    expect(JSON.parse((await raw(bridge.port, 'POST', '/api/nope', auth, 'null')).body).error.reason).toBe('unknown-method');
    expect((await raw(bridge.port, 'POST', '/api/files.read', auth, '{not json')).status).toBe(400);
    expect((await raw(bridge.port, 'GET', '/api/files.list', { 'X-Covenant-Token': bridge.token })).status).toBe(405);
  });

  it('pushes file changes seen by the watcher as server-sent events', async () => {
    const { bridge, ws } = await start();
    const events: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: bridge.port, path: '/api/events', headers: { Host: `127.0.0.1:${bridge.port}`, 'X-Covenant-Token': bridge.token } },
        (res) => {
          let written = false;
          res.on('data', (c: Buffer) => {
            events.push(c.toString());
            // the stream says it is connected once this client is subscribed: then change a file
            if (!written && events.join('').includes(': connected')) {
              written = true;
              const p = path.join(ws, 'contracts/changes/CR-42.yaml');
              writeFileSync(p, readFileSync(p, 'utf8').replace('risk_score: 5', 'risk_score: 6'));
            }
            if (/"type":"snapshot".*CR-42\.yaml/.test(events.join(''))) {
              req.destroy();
              resolve();
            }
          });
        },
      );
      req.on('error', (e) => (String(e).includes('socket hang up') ? resolve() : reject(e)));
      req.end();
    });
    const frame = events
      .join('')
      .split('\n\n')
      .find((f) => f.includes('"type":"snapshot"'))!;
    const delta = (JSON.parse(frame.slice('data: '.length)) as { delta: { changed: string[]; diagnostics: Record<string, unknown[]> } }).delta;
    // one event carries the change and its consequences: CR-42 is still valid, so no diagnostics changed
    expect(delta.changed).toEqual(['contracts/changes/CR-42.yaml']);
    expect(delta.diagnostics).toEqual({});
  });
});
