import { describe, expect, it } from 'vitest';
import { API_CHANNEL, registerApi, type IpcMainLike, type InvokeEvent } from '../../electron/ipc.js';
import { AppState } from '../../core/node/app-state.js';
import { Session } from '../../core/node/session.js';
import { exampleCopy, tempDir } from '../helpers/tmp.js';

// The IPC wrapper as a plain Node module: the handler it registers is called the way ipcMain would call it.
function harness() {
  const handlers = new Map<string, (e: InvokeEvent, method: unknown, args: unknown) => Promise<unknown>>();
  const ipcMain: IpcMainLike = { handle: (channel, listener) => void handlers.set(channel, listener) };
  const session = new Session({ mode: 'electron', state: new AppState(tempDir()), watch: false });
  registerApi(ipcMain, session);
  const invoke = (url: string, method: unknown, args?: unknown) => handlers.get(API_CHANNEL)!({ senderFrame: { url } }, method, args);
  return { handlers, session, invoke };
}

describe('the IPC wrapper', () => {
  it('registers exactly one channel', () => {
    expect([...harness().handlers.keys()]).toEqual([API_CHANNEL]);
  });

  it('answers the app window', async () => {
    const { invoke, session } = harness();
    await session.open(exampleCopy());
    const r = (await invoke('app://covenant/index.html', 'files.read', { path: 'contracts/changes/CR-42.yaml' })) as { ok: boolean; data: { text: string } };
    expect(r.ok).toBe(true);
    expect(r.data.text).toContain('id: CR-42');
    await session.close();
  });

  it.each(['https://evil.example/', 'file:///tmp/x.html', 'app://covenant.evil/index.html', 'devtools://devtools/bundled/x', ''])(
    'refuses a foreign sender %j',
    async (url) => {
      const { invoke } = harness();
      expect(await invoke(url, 'app.info')).toMatchObject({ ok: false, error: { code: 'permission-denied' } });
    },
  );

  it('refuses unknown methods and arguments that fail their schema', async () => {
    const { invoke } = harness();
    expect(await invoke('app://covenant/index.html', 'fs.readFile', { path: '/etc/passwd' })).toMatchObject({
      ok: false,
      error: { code: 'not-found', reason: 'unknown-method' },
    });
    expect(await invoke('app://covenant/index.html', '__proto__', null)).toMatchObject({ ok: false, error: { code: 'not-found', reason: 'unknown-method' } });
    expect(await invoke('app://covenant/index.html', 'files.read', { path: 42 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await invoke('app://covenant/index.html', 'files.read', { path: 'a', extra: 1 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await invoke('app://covenant/index.html', 'files.write', 'text')).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });
});
