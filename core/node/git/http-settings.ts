import { readFile } from 'node:fs/promises';
import { CovenantError } from '../../common/errors.js';
import type { Repo } from './repo.js';

/** What git's configuration and environment say about talking to one server. */
export interface HttpSettings {
  /** The proxy for a URL (its scheme, user and password included), or null for none. */
  proxyFor(u: URL): string | null;
  /** The CA certificates to trust instead of the system's (PEM), or null for the system's. */
  ca: string | null;
  /** Whether the server's certificate is checked. */
  verify: boolean;
  /** git's http.lowSpeedLimit (bytes a second) and http.lowSpeedTime (seconds), or null: no time-out at all. */
  lowSpeed: { limit: number; time: number } | null;
}

/**
 * The `http.<url>.<key>` names git would match for a URL, most specific first (git's urlmatch: scheme and host with
 * the port, then each leading part of the path; the user-less form), then `http.<key>`.
 */
function keysFor(url: URL, key: string): string[] {
  const host = `${url.protocol}//${url.host}`;
  const parts = url.pathname.split('/').filter(Boolean);
  const out: string[] = [];
  for (let i = parts.length; i >= 0; i--) {
    const p = parts.slice(0, i).join('/');
    out.push(`http.${host}/${p}.${key}`);
    if (p) out.push(`http.${host}/${p}/.${key}`);
  }
  out.push(`http.${host}.${key}`, `http.${key}`);
  return out;
}

/** Whether no_proxy names the host: `*`, the host itself, or a domain it is under (`.example.com` or `example.com`). */
export function bypassed(host: string, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase().replace(/:\d+$/, '');
    if (!entry) continue;
    if (entry === '*') return true;
    const domain = entry.replace(/^\*?\./, '');
    if (h === domain || h.endsWith(`.${domain}`)) return true;
  }
  return false;
}

/** A proxy as git takes it: `host:port` means http://host:port; empty means none. */
function proxyUrl(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (!v) return null;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `http://${v}`;
}

/** Reads the settings git would use for `url` (config of `repo`, else the user's and system's, and the environment). */
export async function httpSettings(url: string, repo: Repo | null, env: NodeJS.ProcessEnv = process.env): Promise<HttpSettings> {
  const { GitConfig } = await import('./config.js');
  const config = await GitConfig.load(repo, env);
  const u = new URL(url);
  const first = async (key: string) => {
    for (const k of keysFor(u, key)) {
      const v = await config.get(k);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  const configured = proxyUrl(await first('proxy'));
  const caFile = env.GIT_SSL_CAINFO || (await first('sslCAInfo'));
  let ca: string | null = null;
  if (caFile) {
    ca = await readFile(caFile.replace(/^~\//, `${env.HOME ?? ''}/`), 'utf8').catch(() => {
      throw new CovenantError(
        'not-found',
        `The CA certificates named by ${env.GIT_SSL_CAINFO ? 'GIT_SSL_CAINFO' : 'http.sslCAInfo'} (${caFile}) cannot be read.`,
      );
    });
  }
  const verifySetting = (await first('sslVerify'))?.toLowerCase();
  const verify = env.GIT_SSL_NO_VERIFY ? false : !['false', 'no', 'off', '0'].includes(verifySetting ?? 'true');
  const limit = Number(env.GIT_HTTP_LOW_SPEED_LIMIT ?? (await first('lowSpeedLimit')) ?? 0);
  const time = Number(env.GIT_HTTP_LOW_SPEED_TIME ?? (await first('lowSpeedTime')) ?? 0);
  const noProxy = env.no_proxy ?? env.NO_PROXY;
  return {
    proxyFor(target: URL) {
      if (bypassed(target.hostname, noProxy)) return null;
      if (configured !== undefined) return configured;
      // as curl reads them: http_proxy in lower case only (HTTP_PROXY can be set by a CGI request's Proxy header)
      const fromEnv = target.protocol === 'https:' ? (env.https_proxy ?? env.HTTPS_PROXY) : env.http_proxy;
      return proxyUrl(fromEnv ?? env.all_proxy ?? env.ALL_PROXY) ?? null;
    },
    ca,
    verify,
    lowSpeed: limit > 0 && time > 0 ? { limit, time } : null,
  };
}
