import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { ApiEvent } from '../common/api.js';
import { CSP } from '../common/csp.js';
import { dispatch } from './dispatch.js';
import { ERROR_CODES } from '../common/errors.js';
import { isInside } from './fs/confine.js';
import type { Session } from './session.js';

const COOKIE = 'covenant_token';
const MAX_BODY = 24 * 1024 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export interface BridgeOptions {
  session: Session;
  /** Built renderer (index.html and assets). */
  staticDir: string;
  port?: number;
  /** Fixed token (tests); a random one per launch otherwise. */
  token?: string;
}

export interface Bridge {
  url: string;
  /** The URL to open once: it carries the token, which the page exchanges for an HttpOnly cookie. */
  launchUrl: string;
  port: number;
  token: string;
  server: Server;
  close(): Promise<void>;
}

function sameToken(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return undefined;
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', ...extra });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * The loopback HTTP bridge of browser mode: 127.0.0.1 only; the API needs the per-launch token (cookie or
 * X-Covenant-Token header); a Host or Origin that is not this server's own loopback origin is refused (DNS
 * rebinding, other local pages); no CORS headers are ever sent. File changes are pushed as server-sent events.
 */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const staticRoot = await realpath(options.staticDir);
  const clients = new Set<ServerResponse>();
  let port = 0;

  const unsubscribe = options.session.subscribe((event: ApiEvent) => {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const c of clients) c.write(frame);
  });

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1));
    const abs = path.resolve(staticRoot, rel);
    if (rel.includes('\0') || !isInside(staticRoot, abs)) return send(res, 404, 'Not found');
    const info = await stat(abs).catch(() => null);
    const file = info?.isFile() ? abs : path.extname(rel) ? null : path.join(staticRoot, 'index.html');
    if (!file) return send(res, 404, 'Not found');
    const body = await readFile(file);
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'max-age=3600',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const server = createServer((req, res) => {
    void (async () => {
      const host = req.headers.host ?? '';
      const origin = req.headers.origin;
      if (!allowedHosts().has(host)) return send(res, 403, 'Forbidden: this server answers only to its own loopback address.');
      if (origin !== undefined && !allowedOrigins().has(origin)) return send(res, 403, 'Forbidden: requests from other origins are refused.');
      if (req.headers['sec-fetch-site'] === 'cross-site') return send(res, 403, 'Forbidden: cross-site request.');
      const url = new URL(req.url ?? '/', `http://${host}`);

      const queryToken = url.searchParams.get('token');
      if (queryToken !== null) {
        if (!sameToken(queryToken, token)) return send(res, 401, 'Unauthorized: this link is from another launch of covenant serve.');
        url.searchParams.delete('token');
        return send(res, 302, '', 'text/plain', {
          Location: `${url.pathname}${url.search}`,
          'Set-Cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        });
      }

      if (url.pathname.startsWith('/api/')) {
        const given = (req.headers['x-covenant-token'] as string | undefined) ?? cookieToken(req);
        if (!sameToken(given, token))
          return send(
            res,
            401,
            JSON.stringify({
              ok: false,
              error: { code: 'permission-denied', message: 'Not authorised: open the URL printed by covenant serve (it carries the access token).' },
            }),
            'application/json',
          );
        if (url.pathname === '/api/events' && req.method === 'GET') {
          res.writeHead(200, {
            'Content-Type': 'text/event-stream',
            'Cache-Control': 'no-store',
            Connection: 'keep-alive',
            'X-Content-Type-Options': 'nosniff',
          });
          res.write(': connected\n\n');
          clients.add(res);
          req.on('close', () => clients.delete(res));
          return;
        }
        if (req.method !== 'POST') return send(res, 405, 'Method not allowed', 'text/plain', { Allow: 'POST' });
        if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, 'JSON only');
        let args: unknown;
        try {
          const body = await readBody(req);
          args = body === '' ? null : JSON.parse(body);
        } catch (e) {
          return send(
            res,
            (e as Error).message === 'too large' ? 413 : 400,
            JSON.stringify({ ok: false, error: { code: 'invalid-input', message: 'The request body is not valid JSON or is too large.' } }),
            'application/json',
          );
        }
        const result = await dispatch(options.session.handlers, decodeURIComponent(url.pathname.slice(5)), args);
        // the status comes from the one error table; the body is the same Result envelope as over IPC
        return send(res, result.ok ? 200 : ERROR_CODES[result.error.code].http, JSON.stringify(result), 'application/json; charset=utf-8');
      }

      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed');
      return serveStatic(req, res, url.pathname);
    })().catch(() => {
      if (!res.headersSent) send(res, 500, 'Internal error');
      else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    launchUrl: `${url}?token=${token}`,
    port,
    token,
    server,
    close: async () => {
      unsubscribe();
      for (const c of clients) c.end();
      clients.clear();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
