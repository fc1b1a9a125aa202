// Electron's main process: a thin shell over the same Session and handlers that `covenant serve` uses.
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  net,
  protocol,
  safeStorage,
  screen,
  session as electronSession,
  shell,
  type MenuItemConstructorOptions,
} from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CSP } from '../core/common/csp.js';
import { rendererDir } from '../core/node/paths.js';
import { CredentialStore } from '../core/node/credential-store.js';
import { Session } from '../core/node/session.js';
import { forwardEvents, registerApi, EVENT_CHANNEL } from './ipc.js';
import { menuTemplate, type MenuItemSpec } from './menu.js';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, isAllowedExternal, isAppUrl, permissionDecision, rendererFileFor, secureWebPreferences } from './security.js';
import { restoreBounds } from './window-state.js';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);

let win: BrowserWindow | null = null;
let covenant: Session | null = null;

/** The one way to open a link outside the app: https, allowlisted hosts only. */
function openExternal(url: string): void {
  if (isAllowedExternal(url)) void shell.openExternal(url);
}

function buildMenu(): void {
  const toElectron = (item: MenuItemSpec): MenuItemConstructorOptions => ({
    label: item.label,
    role: item.role as MenuItemConstructorOptions['role'],
    type: item.submenu ? 'submenu' : item.type,
    accelerator: item.accelerator,
    enabled: item.enabled,
    submenu: item.submenu?.map(toElectron),
    click: item.command ? () => runMenuCommand(item.command!) : undefined,
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(covenant?.state.recent() ?? [], process.platform === 'darwin').map(toElectron)));
}

function runMenuCommand(id: string): void {
  if (id.startsWith('open-recent:')) {
    void covenant?.open(id.slice('open-recent:'.length)).catch((e: Error) => dialog.showErrorBox('Covenant', e.message));
    return;
  }
  win?.webContents.send(EVENT_CHANNEL, { type: 'menu-command', id });
}

function createWindow(): void {
  const state = covenant!.state;
  const bounds = restoreBounds(
    state.get('window'),
    screen.getAllDisplays().map((d) => d.workArea),
  );
  win = new BrowserWindow({
    ...bounds,
    minWidth: 800,
    minHeight: 520,
    title: 'Covenant',
    show: false,
    icon: path.join(rendererDir(), 'favicon.svg'),
    webPreferences: secureWebPreferences(path.join(import.meta.dirname, 'preload.cjs')),
  });
  if (bounds.maximized) win.maximize();
  win.once('ready-to-show', () => win?.show());

  const contents = win.webContents;
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternal(url);
    return { action: 'deny' };
  });

  const unsubscribe = forwardEvents(covenant!, (channel, event) => {
    if (!contents.isDestroyed()) contents.send(channel, event);
    if (event.type === 'workspace-changed') buildMenu();
  });

  const saveBounds = () => {
    if (!win || win.isDestroyed()) return;
    state.set('window', { ...win.getNormalBounds(), maximized: win.isMaximized() });
  };
  win.on('close', saveBounds);
  win.on('closed', () => {
    unsubscribe();
    win = null;
  });
  void win.loadURL(`${APP_ORIGIN}/index.html`);
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.enableSandbox();
  await app.whenReady();

  const ses = electronSession.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, callback) => callback(permissionDecision(permission)));
  ses.setPermissionCheckHandler((_wc, permission) => permissionDecision(permission));
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  // Nothing remote is ever loaded: any request that is not the app itself is cancelled.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const ok =
      details.url.startsWith(`${APP_ORIGIN}/`) || details.url.startsWith('devtools:') || details.url.startsWith('data:') || details.url.startsWith('blob:');
    callback({ cancel: !ok });
  });

  // Exports (PDF) arrive as downloads: Electron asks where to save them; then offer to open the file.
  ses.on('will-download', (_event, item) => {
    item.once('done', (_e, state) => {
      if (state !== 'completed' || !win) return;
      const file = item.getSavePath();
      void dialog
        .showMessageBox(win, { type: 'info', message: `Saved ${path.basename(file)}.`, buttons: ['Open it', 'Close'], defaultId: 0, cancelId: 1 })
        .then(({ response }) => {
          if (response === 0) void shell.openPath(file);
        });
    });
  });

  const root = rendererDir();
  protocol.handle(APP_SCHEME, (request) => {
    const rel = rendererFileFor(request.url);
    if (!rel || new URL(request.url).host !== APP_HOST) return new Response('Not found', { status: 404 });
    return net.fetch(pathToFileURL(path.join(root, rel)).toString());
  });

  covenant = new Session({
    mode: 'electron',
    version: app.getVersion(),
    // credentials for shared repositories, encrypted by the system keychain; never in plain text, never in a repository
    credentials: new CredentialStore(path.join(app.getPath('userData'), 'credentials.json'), {
      available: () => safeStorage.isEncryptionAvailable(),
      encrypt: (plain) => safeStorage.encryptString(plain),
      decrypt: (data) => safeStorage.decryptString(data),
    }),
    pickFolder: async () => {
      const result = win
        ? await dialog.showOpenDialog(win, { properties: ['openDirectory', 'createDirectory'] })
        : await dialog.showOpenDialog({ properties: ['openDirectory', 'createDirectory'] });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  });
  registerApi(ipcMain, covenant);
  const cliDir = process.argv.slice(app.isPackaged ? 1 : 2).find((a) => !a.startsWith('-'));
  if (cliDir) await covenant.open(cliDir).catch((e: Error) => dialog.showErrorBox('Covenant', e.message));
  buildMenu();
  createWindow();

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => void covenant?.close());
}

void main();
