/**
 * The security rules of the Electron shell as plain data and pure functions, so they are unit-tested in Node
 * without Electron: the window's webPreferences, which URLs the window may show, which links may leave the app.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'covenant';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Exactly the webPreferences of every Covenant window. */
export function secureWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: true,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    // middle-click (auxclick) could open links in new windows behind the navigation guards
    disableBlinkFeatures: 'Auxclick',
    safeDialogs: true,
  } as const;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** The window only ever shows the app itself. */
export function isAppUrl(url: string): boolean {
  const u = parse(url);
  return u !== null && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
}

/** Hosts a link may open in the user's browser (help and the project's pages); everything else stays closed. */
export const EXTERNAL_ALLOWLIST = new Set(['github.com', 'json-schema.org', 'adr.github.io', 'www.electronjs.org']);

export function isAllowedExternal(url: string): boolean {
  const u = parse(url);
  if (!u || u.protocol !== 'https:' || u.username || u.password || u.port) return false;
  return EXTERNAL_ALLOWLIST.has(u.hostname);
}

/** Every permission request (camera, notifications, clipboard read, ...) is refused: the app needs none. */
export function permissionDecision(_permission: string): boolean {
  return false;
}

/** Maps an app:// request to a file under the built renderer, or null when it would leave it. */
export function rendererFileFor(url: string): string | null {
  const u = parse(url);
  if (!u || !isAppUrl(url)) return null;
  let p: string;
  try {
    p = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (p.includes('\0') || p.includes('\\')) return null;
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.some((s) => s === '..')) return null;
  return parts.length === 0 ? 'index.html' : parts.join('/');
}
