import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { isAllowedExternal, isAppUrl, permissionDecision, rendererFileFor, secureWebPreferences } from '../../electron/security.js';
import { restoreBounds } from '../../electron/window-state.js';
import { menuTemplate, type MenuItemSpec } from '../../electron/menu.js';
import { APP_MENUS } from '../../core/common/menu.js';
import { COMMANDS } from '../../renderer/commands.js';
import { REPO } from '../helpers/workspace.js';

// Main-process logic as plain Node modules (no Electron here): the rules the shell applies.
describe('Electron shell rules', () => {
  it('every window gets exactly the secure webPreferences', () => {
    expect(secureWebPreferences('/app/preload.cjs')).toEqual({
      preload: '/app/preload.cjs',
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
      disableBlinkFeatures: 'Auxclick',
      safeDialogs: true,
    });
  });

  it.each([
    ['app://covenant/index.html', true],
    ['app://covenant/assets/index.js', true],
    ['app://covenant.evil.com/index.html', false],
    ['app://user:pw@covenant/index.html', false],
    ['https://covenant/index.html', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['http://127.0.0.1:8080/', false],
    ['not a url', false],
  ])('the window may show %s: %s', (url, allowed) => {
    expect(isAppUrl(url)).toBe(allowed);
  });

  it.each([
    ['https://github.com/covenant/covenant', true],
    ['https://json-schema.org/draft/2020-12/schema', true],
    ['http://github.com/', false],
    ['https://github.com.evil.com/', false],
    ['https://evilgithub.com/', false],
    ['https://github.com@evil.com/', false],
    ['https://user@github.com/', false],
    ['https://github.com:444/', false],
    ['javascript:alert(1)', false],
    ['file:///etc/passwd', false],
    ['app://covenant/index.html', false],
  ])('openExternal(%s) allowed: %s', (url, allowed) => {
    expect(isAllowedExternal(url)).toBe(allowed);
  });

  it('refuses every permission', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'unknown'])
      expect(permissionDecision(p)).toBe(false);
  });

  it.each([
    ['app://covenant/', 'index.html'],
    ['app://covenant/assets/a.js', 'assets/a.js'],
    ['app://covenant/../../etc/passwd', 'etc/passwd'],
    ['app://covenant/%2e%2e/%2e%2e/etc/passwd', 'etc/passwd'],
    ['app://covenant/a%00b', null],
    ['app://covenant/a%5c..%5cb', null],
    ['app://other/index.html', null],
  ])('app:// request %s maps to %s inside the renderer folder', (url, file) => {
    expect(rendererFileFor(url)).toBe(file);
  });

  it('remembered window bounds are restored only when a display still shows them', () => {
    const displays = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    expect(restoreBounds({ x: 100, y: 80, width: 1200, height: 800, maximized: true }, displays)).toEqual({
      x: 100,
      y: 80,
      width: 1200,
      height: 800,
      maximized: true,
    });
    expect(restoreBounds({ x: 5000, y: 80, width: 1200, height: 800 }, displays)).toEqual({ width: 1200, height: 800, maximized: false });
    expect(restoreBounds({ width: 'x', height: 10 }, displays)).toEqual({ width: 1360, height: 480, maximized: false });
    expect(restoreBounds(null, displays)).toEqual({ width: 1360, height: 880 });
  });

  it('the menu is the shared model (the app bar shows the same), and every menu command exists in the renderer', () => {
    const menu = menuTemplate([{ root: '/w/a', name: 'a', openedAt: '' }], false);
    expect(menu.map((m) => m.label)).toEqual(['File', 'Edit', 'Contract', 'Git', 'View', 'Help']);
    for (const shared of APP_MENUS) {
      const native = menu.find((m) => m.label === shared.label)!.submenu!.filter((i) => i.command && !i.command.startsWith('open-recent:'));
      expect(native.map((i) => i.command)).toEqual(shared.items.filter((i) => i.command !== 'separator').map((i) => i.command));
    }
    const file = menu.find((m) => m.label === 'File')!.submenu!;
    expect(file.find((i) => i.command === 'file.save')?.accelerator).toBe('CmdOrCtrl+S');
    expect(JSON.stringify(menu)).not.toContain('Escape');
    expect(JSON.stringify(menu)).not.toContain('CmdOrCtrl+/'); // the YAML editor keeps Ctrl+/ to comment a line
    expect(file.find((i) => i.command === 'file.quickOpen')?.accelerator).toBe('CmdOrCtrl+P');
    const commands: string[] = [];
    const walk = (items: MenuItemSpec[]) => items.forEach((i) => (i.command && commands.push(i.command), i.submenu && walk(i.submenu)));
    walk(menu);
    const known = new Set(COMMANDS.map((c) => c.id));
    for (const c of commands) if (!c.startsWith('open-recent:')) expect(known.has(c), c).toBe(true);
    expect(commands).toContain('open-recent:/w/a');
  });

  it('electron-builder: Linux, macOS and Windows targets, and the hardened fuses', () => {
    const cfg = parse(readFileSync(path.join(REPO, 'electron-builder.yml'), 'utf8'));
    expect(cfg.appId).toBe('app.covenant.studio');
    expect(cfg.productName).toBe('Covenant');
    expect(cfg.linux.target).toEqual(['AppImage', 'deb']);
    expect(cfg.mac.target).toBe('dmg');
    expect(cfg.win.target).toBe('nsis');
    expect(cfg.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    });
  });
});
