import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * System git's smart-HTTP server (git http-backend, CGI) behind a small node:http wrapper on 127.0.0.1: a real remote
 * for clone, fetch and push. With `auth`, requests without that basic-auth user and password get 401.
 */
export async function gitHttpServer(
  projectRoot: string,
  auth?: { username: string; password: string },
): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${req.method} ${u.pathname}${u.search} ${req.headers.authorization ? 'auth' : 'anon'}`);
    if (auth) {
      const expected = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="contracts"' });
        res.end('credentials needed');
        return;
      }
    }
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...process.env,
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        REMOTE_USER: auth?.username ?? 'anonymous', // lets receive-pack (push) run
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(u.pathname),
        QUERY_STRING: u.search.replace(/^\?/, ''),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
        GIT_CONFIG_GLOBAL: '/dev/null',
      },
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const sep = head.indexOf('\r\n\r\n');
      if (sep === -1) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, sep).toString().split('\r\n')) {
        const i = line.indexOf(':');
        const k = line.slice(0, i).trim();
        const v = line.slice(i + 1).trim();
        if (k.toLowerCase() === 'status') status = Number(v.split(' ')[0]);
        else headers[k] = v;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(sep + 4));
    });
    cgi.on('close', () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * The example as a bare repository (one commit, dated) served over HTTP by `gitHttpServer`; the server is added to
 * `servers` for the test file to close. Returns its URL, the bare repository and the server.
 */
export async function servedExample(
  servers: { close(): Promise<void> }[],
  auth?: { username: string; password: string },
): Promise<{ url: string; bare: string; root: string; server: Awaited<ReturnType<typeof gitHttpServer>> }> {
  const { execFileSync } = await import('node:child_process');
  const path = await import('node:path');
  const { commitAt, sysgit } = await import('./git.js');
  const { exampleCopy, tempDir } = await import('./tmp.js');
  const root = tempDir();
  const bare = path.join(root, 'contract.git');
  const seed = exampleCopy();
  sysgit(seed, 'init', '-q', '-b', 'main');
  sysgit(seed, 'add', '-A');
  commitAt(seed, '2025-10-13T09:00:00Z', 'The contract');
  execFileSync('git', ['clone', '-q', '--bare', seed, bare]);
  const server = await gitHttpServer(root, auth);
  servers.push(server);
  return { url: `${server.url}/contract.git`, bare, root, server };
}
