// A company's git host, as it really is, on 127.0.0.1: nginx in front of git http-backend through fcgiwrap, basic
// auth from an htpasswd file, TLS with a certificate from a CA the test makes (openssl), and redirects of a moved
// repository (301 on the same server, 302 to another port); tinyproxy as the forward proxy, with basic auth. Each is
// Debian's package (.ci/run installs them); a test that cannot have them says why it skips.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const NGINX = '/usr/sbin/nginx';
const FCGIWRAP = '/usr/sbin/fcgiwrap';
const TINYPROXY = '/usr/bin/tinyproxy';
const BACKEND = '/usr/lib/git-core/git-http-backend';

/** Why the real host cannot run here, or null when it can. */
export function realHostMissing(): string | null {
  for (const [file, pkg] of [
    [NGINX, 'nginx-light'],
    [FCGIWRAP, 'fcgiwrap'],
    [TINYPROXY, 'tinyproxy'],
    [BACKEND, 'git'],
  ] as const)
    if (!existsSync(file)) return `${file} is missing (Debian package ${pkg}; .ci/run installs it)`;
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    return 'openssl is missing';
  }
  return null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, what: string, child: ChildProcess, log: () => string): Promise<void> {
  const { connect } = await import('node:net');
  const until = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}): ${log()}`);
    const up = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1', () => (c.end(), resolve(true)));
      c.on('error', () => resolve(false));
    });
    if (up) return;
    if (Date.now() > until) throw new Error(`${what} did not listen on ${port}: ${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A CA and a server certificate for 127.0.0.1 signed by it (PEM files in `dir`). */
export function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const f = (n: string) => path.join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=Covenant Test CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n');
  ssl(
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('server.pem'),
    '-days',
    '2',
    '-extfile',
    f('ext.cnf'),
  );
  return { ca: f('ca.pem'), cert: f('server.pem'), key: f('server.key') };
}

export interface RealHost {
  /** http://127.0.0.1:P/git — a repository `x.git` under `projects` is `${http}/x.git`. */
  http: string;
  /** https://127.0.0.1:P/git, its certificate signed by `ca`. */
  https: string;
  /** The CA's certificate (PEM file). */
  ca: string;
  /** A path that answers 301 with the same repository under /git (a moved repository). */
  moved: string;
  /** The same repositories as plain files (git's "dumb" HTTP, after git update-server-info). */
  dumb: string;
  /** A URL on another port that answers 302 to `http`'s server. */
  elsewhere: string;
  /** The requests nginx saw (method, path and status), oldest first. */
  requests(): string[];
  close(): Promise<void>;
}

/** nginx + fcgiwrap + git http-backend for the bare repositories under `projects`, basic auth `user`:`password`. */
export async function realGitHost(root: string, projects: string, auth: { user: string; password: string }): Promise<RealHost> {
  mkdirSync(path.join(root, 'nginx-temp'), { recursive: true });
  const certs = makeCertificates(root);
  const hash = execFileSync('openssl', ['passwd', '-apr1', auth.password], { encoding: 'utf8' }).trim();
  writeFileSync(path.join(root, 'htpasswd'), `${auth.user}:${hash}\n`);
  const socket = path.join(root, 'fcgi.sock');
  const fcgi = spawn(FCGIWRAP, ['-s', `unix:${socket}`], { stdio: 'ignore' });
  const [port, tlsPort, otherPort] = [await freePort(), await freePort(), await freePort()];
  const root0 = process.getuid?.() === 0;
  const git = `
      location ~ ^/git(/.*)$ {
        auth_basic "contracts";
        auth_basic_user_file ${root}/htpasswd;
        client_max_body_size 0;
        include /etc/nginx/fastcgi_params;
        fastcgi_param SCRIPT_FILENAME ${BACKEND};
        fastcgi_param GIT_PROJECT_ROOT ${projects};
        fastcgi_param GIT_HTTP_EXPORT_ALL 1;
        fastcgi_param GIT_CONFIG_GLOBAL /dev/null;
        fastcgi_param PATH_INFO $1;
        fastcgi_param REMOTE_USER $remote_user;
        fastcgi_pass unix:${socket};
        fastcgi_buffering off;
      }
      location ~ ^/moved(/.*)$ { return 301 /git$1$is_args$args; }
      location /dumb/ { alias ${projects}/; }`;
  writeFileSync(
    path.join(root, 'nginx.conf'),
    `${root0 ? 'user root root;' : ''}
    daemon off;
    worker_processes 1;
    pid ${root}/nginx.pid;
    error_log ${root}/error.log warn;
    events { worker_connections 64; }
    http {
      access_log ${root}/access.log;
      log_format plain '$request_method $uri $status';
      client_body_temp_path ${root}/nginx-temp/body;
      proxy_temp_path ${root}/nginx-temp/proxy;
      fastcgi_temp_path ${root}/nginx-temp/fastcgi;
      uwsgi_temp_path ${root}/nginx-temp/uwsgi;
      scgi_temp_path ${root}/nginx-temp/scgi;
      server { listen 127.0.0.1:${port}; access_log ${root}/requests.log plain; ${git} }
      server {
        listen 127.0.0.1:${tlsPort} ssl;
        ssl_certificate ${certs.cert};
        ssl_certificate_key ${certs.key};
        access_log ${root}/requests.log plain;
        ${git}
      }
      server { listen 127.0.0.1:${otherPort}; location / { return 302 http://127.0.0.1:${port}/git$request_uri; } }
    }
`,
  );
  const nginx = spawn(NGINX, ['-c', path.join(root, 'nginx.conf'), '-p', root], { stdio: 'ignore' });
  const errors = () => (existsSync(path.join(root, 'error.log')) ? readFileSync(path.join(root, 'error.log'), 'utf8') : '');
  await waitForPort(port, 'nginx', nginx, errors);
  await waitForPort(tlsPort, 'nginx (TLS)', nginx, errors);
  return {
    http: `http://127.0.0.1:${port}/git`,
    https: `https://127.0.0.1:${tlsPort}/git`,
    ca: certs.ca,
    moved: `http://127.0.0.1:${port}/moved`,
    dumb: `http://127.0.0.1:${port}/dumb`,
    elsewhere: `http://127.0.0.1:${otherPort}`,
    requests: () =>
      existsSync(path.join(root, 'requests.log')) ? readFileSync(path.join(root, 'requests.log'), 'utf8').trim().split('\n').filter(Boolean) : [],
    close: async () => {
      for (const child of [nginx, fcgi]) {
        if (child.exitCode !== null) continue;
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
    },
  };
}

export interface RealProxy {
  url: string;
  /** What tinyproxy logged of the requests it passed on (CONNECT host:port, or GET URL). */
  passed(): string[];
  close(): Promise<void>;
}

/** tinyproxy on 127.0.0.1, with basic auth when `auth` is given. */
export async function realProxy(root: string, auth?: { user: string; password: string }): Promise<RealProxy> {
  mkdirSync(root, { recursive: true });
  const port = await freePort();
  const log = path.join(root, 'tinyproxy.log');
  const root0 = process.getuid?.() === 0;
  writeFileSync(
    path.join(root, 'tinyproxy.conf'),
    [
      ...(root0 ? ['User root', 'Group root'] : []),
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 600',
      `LogFile "${log}"`,
      'LogLevel Connect',
      'MaxClients 20',
      'Allow 127.0.0.1',
      'DisableViaHeader Yes',
      ...(auth ? [`BasicAuth ${auth.user} ${auth.password}`] : []),
    ].join('\n') + '\n',
  );
  const child = spawn(TINYPROXY, ['-d', '-c', path.join(root, 'tinyproxy.conf')], { stdio: 'ignore' });
  await waitForPort(port, 'tinyproxy', child, () => (existsSync(log) ? readFileSync(log, 'utf8') : ''));
  return {
    url: `http://${auth ? `${auth.user}:${auth.password}@` : ''}127.0.0.1:${port}`,
    passed: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter((l) => /Request \(file descriptor|CONNECT|GET|POST/.test(l) && /127\.0\.0\.1:\d+/.test(l))
        : [],
    close: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

/**
 * A slow network in front of a server: every connection to it is passed to `target` (host:port), the answer held back
 * `firstByteMs` (a big repository being packed; on the first `slowConnections` connections, default all) and then let
 * through at `bytesPerSecond` at most.
 */
export async function slowFront(
  target: number,
  o: { firstByteMs: number; bytesPerSecond?: number; slowConnections?: number },
): Promise<{ port: number; close(): Promise<void> }> {
  const net = await import('node:net');
  const sockets = new Set<import('node:net').Socket>();
  let connections = 0;
  const server = net.createServer((client) => {
    const wait = ++connections <= (o.slowConnections ?? Infinity) ? o.firstByteMs : 0;
    const upstream = net.connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    const held: Buffer[] = [];
    let open = false;
    let budget = o.bytesPerSecond ?? Infinity;
    const flush = () => {
      while (open && held.length && budget > 0) {
        const b = held.shift()!;
        const part = b.subarray(0, Math.min(b.length, budget));
        if (part.length < b.length) held.unshift(b.subarray(part.length));
        budget -= part.length;
        client.write(part);
      }
      if (upstreamEnded && held.length === 0) client.end();
    };
    let upstreamEnded = false;
    upstream.on('data', (b: Buffer) => (held.push(b), flush()));
    upstream.on('end', () => ((upstreamEnded = true), flush()));
    const first = setTimeout(() => ((open = true), flush()), wait);
    const tick = o.bytesPerSecond ? setInterval(() => ((budget = o.bytesPerSecond!), flush()), 1000) : null;
    const done = () => (clearTimeout(first), tick && clearInterval(tick), client.destroy(), upstream.destroy());
    client.on('error', done).on('close', done);
    upstream.on('error', done);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
  };
}
