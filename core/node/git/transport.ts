/**
 * HTTP for git's smart protocol the way git's own client (http.c over curl) does it, for clone, fetch and push:
 * - redirects of the first request (GET info/refs) are followed, and the repository's new address is used for the
 *   requests after it (git's http.followRedirects=initial); credentials never follow a redirect to another origin:
 *   that origin's 401 asks the helper for that origin;
 * - credentials are asked on a 401, once per origin; a refusal is told to the helper (`git credential reject`) and
 *   one that worked is told too (`approve`), as git does;
 * - proxies from http.proxy, http.<url>.proxy, https_proxy, http_proxy, all_proxy and no_proxy, with basic auth to
 *   the proxy from its URL, through a maintained agent (https-proxy-agent, http-proxy-agent);
 * - TLS with http.sslCAInfo or GIT_SSL_CAINFO, and http.sslVerify=false (or GIT_SSL_NO_VERIFY) only when set, said;
 * - no time-out but git's: http.lowSpeedLimit bytes a second for http.lowSpeedTime seconds (GIT_HTTP_LOW_SPEED_*);
 * - the list of refs must be whole (a list cut short was taken for an empty repository).
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { CovenantError } from '../../common/errors.js';
import { collect, wholeAdvertisement } from './http.js';
import type { HttpSettings } from './http-settings.js';

export interface TransportCredentials {
  username: string;
  password: string;
}

export interface TransportOptions {
  settings: HttpSettings;
  /** Credentials for a URL's origin, asked on its first 401; null: none to give. */
  credentials: (url: string) => Promise<TransportCredentials | null>;
  /** Told whether credentials for `url` worked (git credential approve) or were refused (reject). */
  outcome?: (url: string, c: TransportCredentials, worked: boolean) => Promise<void>;
  /** Bytes received so far, as they arrive. */
  onBytes?: (received: number) => void;
  /** A sentence for the person (a check switched off by their setting). */
  warn?: (message: string) => void;
}

/** Why a remote operation could not authenticate, shaped for remote.ts to word it (the origin that asked named). */
export class AuthProblem extends Error {
  constructor(
    readonly kind: 'needs-credentials' | 'credentials-refused',
    readonly origin: string,
  ) {
    super(kind === 'needs-credentials' ? `${origin} needs credentials` : `${origin} refused the credentials`);
  }
}

const MAX_REDIRECTS = 20; // curl's default in git
const DISCOVERY = /\/info\/refs\?service=git-[a-z-]+$/;

const httpError = (statusCode: number, statusMessage = '') =>
  Object.assign(new Error(`HTTP Error: ${statusCode} ${statusMessage}`.trim()), { code: 'HttpError', data: { statusCode, response: '' } });

async function bodyOf(body: GitHttpRequest['body']): Promise<Buffer | undefined> {
  if (!body) return undefined;
  const parts: Uint8Array[] = [];
  for await (const c of body as AsyncIterable<Uint8Array> | Iterable<Uint8Array>) parts.push(c);
  return Buffer.concat(parts);
}

/** The transport of one operation (one clone, fetch or push): the redirects and credentials it learns stay with it. */
export function gitTransport(o: TransportOptions): HttpClient & { offered: boolean } {
  const bases = new Map<string, string>(); // a repository's address as given -> where it was redirected
  const auth = new Map<string, { c: TransportCredentials; approved: boolean }>(); // by origin
  const asked = new Set<string>();
  let received = 0;
  let warned = false;
  const state = {
    offered: false,
    async request(req: GitHttpRequest): Promise<GitHttpResponse> {
      if (!o.settings.verify && !warned) {
        warned = true;
        o.warn?.('TLS certificates are not checked for this server (http.sslVerify is false, or GIT_SSL_NO_VERIFY is set).');
      }
      let url = rewrite(req.url, bases);
      const body = await bodyOf(req.body);
      const discovery = (req.method ?? 'GET') === 'GET' && DISCOVERY.test(new URL(url).pathname + new URL(url).search);
      for (let redirects = 0; ;) {
        const origin = new URL(url).origin;
        const known = auth.get(origin);
        const headers: Record<string, string> = { 'user-agent': 'git/covenant', ...lowerKeys(req.headers ?? {}) };
        delete headers.authorization; // set below, for this origin only
        if (known) headers.authorization = `Basic ${Buffer.from(`${known.c.username}:${known.c.password}`).toString('base64')}`;
        const res = await send(url, req.method ?? 'GET', headers, body, o.settings);
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          if (!discovery)
            throw new CovenantError(
              'io',
              `The server redirected a ${req.method} to ${res.headers.location}; git follows only the first request's redirects: use the new address of the repository.`,
            );
          if (++redirects > MAX_REDIRECTS)
            throw new CovenantError('io', `The server redirected more than ${MAX_REDIRECTS} times; check the repository's address.`);
          const next = new URL(res.headers.location, url);
          if (next.protocol !== 'http:' && next.protocol !== 'https:')
            throw new CovenantError('io', `The server redirected to ${next.protocol} (${next.href}); only http and https are followed.`);
          learnBase(req.url, next.href, bases);
          url = next.href;
          continue;
        }
        if (status === 407) {
          res.resume();
          throw proxyRefused(o.settings.proxyFor(new URL(url)), 407, new URL(url).host);
        }
        if (status === 401) {
          res.resume();
          if (known) {
            auth.delete(origin);
            await o.outcome?.(url, known.c, false);
            throw new AuthProblem('credentials-refused', origin);
          }
          if (asked.has(origin)) throw new AuthProblem('needs-credentials', origin);
          asked.add(origin);
          const c = await o.credentials(url);
          if (!c) throw new AuthProblem('needs-credentials', origin);
          state.offered = true;
          auth.set(origin, { c, approved: false });
          continue;
        }
        if (status >= 200 && status < 300 && known && !known.approved) {
          known.approved = true;
          await o.outcome?.(url, known.c, true);
        }
        return respond(res, url, discovery, o, (n) => o.onBytes?.((received += n)));
      }
    },
  };
  return state;
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

/** A request to a repository that was redirected goes to its new address (the part before /info/refs or the service). */
function rewrite(url: string, bases: Map<string, string>): string {
  for (const [from, to] of bases) if (url.startsWith(`${from}/`)) return to + url.slice(from.length);
  return url;
}

function learnBase(requested: string, redirected: string, bases: Map<string, string>): void {
  const suffix = requested.slice(requested.indexOf('/info/refs?'));
  const from = requested.slice(0, requested.length - suffix.length);
  if (!redirected.endsWith(suffix.replace(/\?.*$/, '')) && !redirected.endsWith(suffix))
    throw new CovenantError('io', `The server redirected to ${redirected}, which is not the address of a git repository (git would refuse it too).`);
  const i = redirected.lastIndexOf('/info/refs');
  bases.set(from, redirected.slice(0, i));
}

/** One HTTP exchange, through the proxy the settings name for this URL, with their TLS trust. */
function send(url: string, method: string, headers: Record<string, string>, body: Buffer | undefined, s: HttpSettings): Promise<IncomingMessage> {
  const u = new URL(url);
  const secure = u.protocol === 'https:';
  const proxy = s.proxyFor(u);
  const tls = secure ? { ca: s.ca ?? undefined, rejectUnauthorized: s.verify } : {};
  const agent = proxy ? (secure ? new HttpsProxyAgent(proxy, { keepAlive: false }) : new HttpProxyAgent(proxy)) : undefined;
  if (body) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    let tunnel = 200; // the proxy's answer to CONNECT: any other and the response that follows is the proxy's, not the server's
    if (agent instanceof HttpsProxyAgent) agent.on('proxyConnect', (r: { statusCode: number }) => (tunnel = r.statusCode));
    const req = (secure ? https : http).request(u, { method, headers, agent, ...tls }, (res) => {
      if (tunnel === 200) return resolve(res);
      res.resume();
      reject(proxyRefused(proxy, tunnel, u.host));
    });
    req.on('error', (e) => reject(networkError(e as NodeJS.ErrnoException, u, proxy)));
    req.end(body);
  });
}

/** A proxy that would not pass a request on: its credentials (407, or tinyproxy's 401 to a CONNECT), or another answer. */
function proxyRefused(proxy: string | null, status: number, target: string): CovenantError {
  const p = proxy ? new URL(proxy) : null;
  const where = p ? `The proxy ${p.host}` : `The proxy for ${target}`;
  if (status !== 407 && status !== 401) return new CovenantError('io', `${where} would not connect to ${target} (it answered ${status}).`);
  return new CovenantError(
    'io',
    `${where} ${p?.username ? 'refused its user and password' : 'needs a user and password (in its URL: http://user:password@proxy:port)'} (${status}).`,
  );
}

function networkError(e: NodeJS.ErrnoException, u: URL, proxy: string | null): Error {
  const via = proxy ? ` through the proxy ${new URL(proxy).host}` : '';
  const code = e.code ?? '';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code))
    return new CovenantError(
      'io',
      `The certificate of ${u.host} is not trusted (${code}): name your company's CA with git config http.sslCAInfo FILE (or GIT_SSL_CAINFO).`,
      { cause: e },
    );
  if (code === 'ECONNREFUSED')
    return new CovenantError('io', `Nothing answers at ${proxy ? new URL(proxy).host : u.host}${proxy ? ' (the proxy)' : ''}.`, { cause: e });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new CovenantError('io', `${u.hostname} cannot be found${via} (no such host, or offline).`, { cause: e });
  if (/Proxy-Authorization|407/.test(e.message)) return proxyRefused(proxy, 407, u.host);
  return Object.assign(e, { message: `${e.message}${via}` });
}

/** The response as isomorphic-git reads it, its bytes counted and watched for git's low-speed limit. */
async function respond(res: IncomingMessage, url: string, discovery: boolean, o: TransportOptions, counted: (n: number) => void): Promise<GitHttpResponse> {
  const status = res.statusCode ?? 0;
  const base = { url, method: res.method, statusCode: status, statusMessage: res.statusMessage ?? '', headers: res.headers as Record<string, string> };
  const watched = watch(res, o.settings, counted);
  if (status === 200 && discovery && !/application\/x-git-[a-z-]+-advertisement/.test(String(res.headers['content-type'] ?? ''))) {
    res.resume();
    throw new CovenantError(
      'io',
      `${new URL(url).host} answered as a plain web server, not git's smart HTTP (a "dumb" git server, or not a git repository at this address): Covenant needs a server that runs git's smart HTTP (git http-backend, GitHub, GitLab, Gitea...).`,
    );
  }
  if (status === 200 && discovery) {
    const bytes = await collect(watched);
    if (!wholeAdvertisement(bytes))
      throw new CovenantError(
        'io',
        `The server's list of branches was cut short (${bytes.length} bytes, no end marker): nothing was changed; try again, or check the connection or proxy.`,
      );
    return {
      ...base,
      body: (async function* () {
        yield bytes;
      })(),
    };
  }
  if (status !== 200 && status !== 304) throw httpError(status, res.statusMessage);
  return { ...base, body: watched };
}

/** The body's chunks; with a low-speed limit set, a transfer slower than it for the time set fails, as git's does. */
async function* watch(res: IncomingMessage, s: HttpSettings, counted: (n: number) => void): AsyncGenerator<Uint8Array> {
  const limit = s.lowSpeed;
  let window = 0;
  let slowSince = Date.now();
  let timer: ReturnType<typeof setInterval> | null = null;
  if (limit) {
    timer = setInterval(() => {
      const now = Date.now();
      if (window >= limit.limit) slowSince = now;
      window = 0;
      if (now - slowSince >= limit.time * 1000)
        res.destroy(
          new CovenantError(
            'io',
            `The transfer was slower than ${limit.limit} bytes a second for ${limit.time} seconds (http.lowSpeedLimit, http.lowSpeedTime): stopped; nothing was changed.`,
          ),
        );
    }, 1000);
    timer.unref?.();
  }
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      window += chunk.length;
      counted(chunk.length);
      yield chunk;
    }
  } finally {
    if (timer) clearInterval(timer);
  }
}
