// The desktop app remembers credentials only as ciphertext (issue 15, item 1). Electron's safeStorage is the cipher in
// the app; here a reversible test cipher stands in for it, and the test checks the store's own promises: one entry per
// server, nothing in plain text, nothing written when the system offers no encryption. (Not an Electron test.)
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CredentialStore, serverOf, type Cipher } from '../../../core/node/credential-store.js';
import { tempDir } from '../../helpers/tmp.js';

const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
const cipher = (available = true): Cipher => ({
  available: () => available,
  encrypt: (s) => xor(Buffer.from(`sealed:${s}`, 'utf8')),
  decrypt: (b) => {
    const s = xor(b).toString('utf8');
    if (!s.startsWith('sealed:')) throw new Error('not ours');
    return s.slice('sealed:'.length);
  },
});

describe('remembered credentials', () => {
  it('are kept per server, encrypted, and given back for any repository of that server', async () => {
    const file = path.join(tempDir(), 'app', 'credentials.json');
    const store = new CredentialStore(file, cipher());
    expect(await store.set('https://user@git.example.com/team/contract.git', { username: 'ana', password: 'tok-123' })).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain('tok-123');
    expect(readFileSync(file, 'utf8')).not.toContain('ana');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await store.get('https://git.example.com/other/repo.git')).toEqual({ username: 'ana', password: 'tok-123' });
    expect(await store.get('https://git.example.org/team/contract.git')).toBeNull();
    await store.forget('https://git.example.com/x');
    expect(await store.get('https://git.example.com/team/contract.git')).toBeNull();
  });

  it('writes nothing when the system offers no encryption, and reads nothing sealed by someone else', async () => {
    const file = path.join(tempDir(), 'credentials.json');
    expect(await new CredentialStore(file, cipher(false)).set('https://git.example.com/a', { username: 'a', password: 'b' })).toBe(false);
    expect(existsSync(file)).toBe(false);
    const store = new CredentialStore(file, cipher());
    await store.set('https://git.example.com/a', { username: 'a', password: 'b' });
    const other = new CredentialStore(file, { ...cipher(), decrypt: () => 'garbage' });
    expect(await other.get('https://git.example.com/a')).toBeNull();
  });

  it('keys servers as git credential helpers do', () => {
    expect(serverOf('https://u:p@git.example.com:8443/x.git')).toBe('https://git.example.com:8443');
    expect(serverOf('git@example.com:team/x.git')).toBeNull();
  });
});
