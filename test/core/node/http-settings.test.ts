// The HTTP settings a remote operation takes from git's config and the environment, key by key as git reads them.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bypassed, httpSettings } from '../../../core/node/git/http-settings.js';
import { tempDir } from '../../helpers/tmp.js';

function env(config: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = tempDir('covenant-http-');
  writeFileSync(path.join(home, '.gitconfig'), config);
  return { HOME: home, GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig'), GIT_CONFIG_NOSYSTEM: '1', ...extra };
}

describe("git's HTTP settings", () => {
  it('http.<url>.proxy beats http.proxy for the URLs it names, the most specific first; an empty one means none', async () => {
    const config = [
      '[http]',
      '  proxy = http://general:3128',
      '[http "https://git.example.com"]',
      '  proxy = http://host-wide:3128',
      '[http "https://git.example.com/team/"]',
      '  proxy = http://team:3128',
      '[http "https://direct.example.com"]',
      '  proxy = ""',
    ].join('\n');
    const e = env(config);
    const at = async (url: string) => (await httpSettings(url, null, e)).proxyFor(new URL(url));
    expect(await at('https://git.example.com/team/contract.git')).toBe('http://team:3128');
    expect(await at('https://git.example.com/other/contract.git')).toBe('http://host-wide:3128');
    expect(await at('https://elsewhere.example.com/contract.git')).toBe('http://general:3128');
    expect(await at('https://direct.example.com/contract.git')).toBeNull();
  });

  it('without a config: https_proxy for https, http_proxy (lower case only) for http, all_proxy after them; no_proxy wins', async () => {
    const e = env('', { https_proxy: 'proxy.corp:8080', HTTP_PROXY: 'http://ignored:1', all_proxy: 'http://all:9', no_proxy: '.internal,localhost' });
    const at = async (url: string) => (await httpSettings(url, null, e)).proxyFor(new URL(url));
    expect(await at('https://git.example.com/c.git')).toBe('http://proxy.corp:8080'); // host:port means http://
    expect(await at('http://git.example.com/c.git')).toBe('http://all:9'); // HTTP_PROXY is not read, as curl does not
    expect(await at('https://git.internal/c.git')).toBeNull();
    expect(await at('http://localhost:8080/c.git')).toBeNull();
  });

  it('no_proxy: *, a host, a domain with or without its dot, never a suffix that is not a domain', () => {
    expect(bypassed('git.example.com', '*')).toBe(true);
    expect(bypassed('git.example.com', 'example.com')).toBe(true);
    expect(bypassed('git.example.com', '.example.com')).toBe(true);
    expect(bypassed('badexample.com', 'example.com')).toBe(false);
    expect(bypassed('127.0.0.1', 'localhost, 127.0.0.1')).toBe(true);
    expect(bypassed('git.example.com', undefined)).toBe(false);
  });

  it('GIT_SSL_CAINFO over http.sslCAInfo, an unreadable CA file named; sslVerify and the low-speed limit as git reads them', async () => {
    const dir = tempDir('covenant-ca-');
    writeFileSync(path.join(dir, 'a.pem'), 'A');
    writeFileSync(path.join(dir, 'b.pem'), 'B');
    const config = `[http]\n  sslCAInfo = ${path.join(dir, 'a.pem')}\n  sslVerify = no\n  lowSpeedLimit = 1000\n  lowSpeedTime = 30\n`;
    const fromConfig = await httpSettings('https://h/c.git', null, env(config));
    expect(fromConfig).toMatchObject({ ca: 'A', verify: false, lowSpeed: { limit: 1000, time: 30 } });
    expect((await httpSettings('https://h/c.git', null, env(config, { GIT_SSL_CAINFO: path.join(dir, 'b.pem') }))).ca).toBe('B');
    await expect(httpSettings('https://h/c.git', null, env(config, { GIT_SSL_CAINFO: path.join(dir, 'missing.pem') }))).rejects.toThrow(
      /GIT_SSL_CAINFO .*missing\.pem.* cannot be read/,
    );
    const plain = await httpSettings('https://h/c.git', null, env(''));
    expect(plain).toMatchObject({ ca: null, verify: true, lowSpeed: null });
  });
});
