import type { ApiEvent } from '../core/common/api.js';
import { dispatch } from '../core/node/dispatch.js';
import type { Session } from '../core/node/session.js';
import { isAppUrl } from './security.js';

export const API_CHANNEL = 'covenant:api';
export const EVENT_CHANNEL = 'covenant:event';

/** The part of Electron's IpcMainInvokeEvent the wrapper looks at. */
export interface InvokeEvent {
  senderFrame: { url: string } | null;
}

/** The part of Electron's ipcMain the wrapper uses (one handler, one channel). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEvent, method: unknown, args: unknown) => Promise<unknown>): void;
}

/**
 * The one ipcMain.handle of the app: only frames showing the app itself may call; the method must be in the API
 * allowlist and its argument must match its schema (both in dispatch); the result is a Result envelope.
 */
export function registerApi(ipcMain: IpcMainLike, session: Session): void {
  ipcMain.handle(API_CHANNEL, async (event, method, args) => {
    const url = event.senderFrame?.url ?? '';
    if (!isAppUrl(url)) return { ok: false, error: { code: 'permission-denied', message: 'Refused: the request does not come from the Covenant window.' } };
    return dispatch(session.handlers, method, args);
  });
}

/** Forwards core events to a window (the watcher's file changes, menu commands). */
export function forwardEvents(session: Session, send: (channel: string, event: ApiEvent) => void): () => void {
  return session.subscribe((event) => send(EVENT_CHANNEL, event));
}
