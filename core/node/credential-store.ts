/**
 * Remembered credentials of the desktop app, one per server (scheme and host, as git's credential helpers key them),
 * encrypted by a cipher the caller provides: Electron's safeStorage (the system keychain) in the desktop app. The file
 * holds only ciphertext; with no encryption available nothing is remembered (never plain text). It lives in the app's
 * data folder, never in a repository.
 */
import { chmod, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './fs/atomic.js';
import type { Credentials } from './git/remote.js';

export interface Cipher {
  available(): boolean;
  encrypt(plain: string): Buffer;
  decrypt(data: Buffer): string;
}

interface StoreFile {
  version: 1;
  /** "https://git.example.com" -> base64 of the encrypted {"username","password"}. */
  servers: Record<string, string>;
}

/** The server a URL's credentials belong to; null for what is not http(s). */
export function serverOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? `${u.protocol}//${u.host}` : null;
  } catch {
    return null;
  }
}

export class CredentialStore {
  constructor(
    private readonly file: string,
    private readonly cipher: Cipher,
  ) {}

  /** Whether credentials can be remembered here (the system offers encryption). */
  get available(): boolean {
    return this.cipher.available();
  }

  private async load(): Promise<StoreFile> {
    const raw = await readFile(this.file, 'utf8').catch(() => null);
    if (!raw) return { version: 1, servers: {} };
    try {
      const f = JSON.parse(raw) as StoreFile;
      return f && f.version === 1 && typeof f.servers === 'object' ? f : { version: 1, servers: {} };
    } catch {
      return { version: 1, servers: {} }; // unreadable: as if nothing were remembered (asked again)
    }
  }

  private async save(f: StoreFile): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, `${JSON.stringify(f, null, 2)}\n`);
    await chmod(this.file, 0o600).catch(() => undefined);
  }

  async get(url: string): Promise<Credentials | null> {
    const server = serverOf(url);
    if (!server || !this.available) return null;
    const sealed = (await this.load()).servers[server];
    if (!sealed) return null;
    try {
      const c = JSON.parse(this.cipher.decrypt(Buffer.from(sealed, 'base64'))) as Credentials;
      return typeof c.username === 'string' && typeof c.password === 'string' ? c : null;
    } catch {
      return null; // sealed by another user or keychain: ask again
    }
  }

  /** Remembers credentials for the URL's server; false (nothing written) when encryption is not available. */
  async set(url: string, c: Credentials): Promise<boolean> {
    const server = serverOf(url);
    if (!server || !this.available) return false;
    const f = await this.load();
    f.servers[server] = this.cipher.encrypt(JSON.stringify({ username: c.username, password: c.password })).toString('base64');
    await this.save(f);
    return true;
  }

  async forget(url: string): Promise<void> {
    const server = serverOf(url);
    const f = await this.load();
    if (!server || !(server in f.servers)) return;
    delete f.servers[server];
    await this.save(f);
  }
}
