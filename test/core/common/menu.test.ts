import { describe, expect, it } from 'vitest';
import { APP_MENUS, commandForKey, displayKeys, SHORTCUTS, TOOLBAR } from '../../../core/common/menu.js';

const press = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }> = {}, code?: string) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
  code,
});

describe('the one list of shortcuts', () => {
  it('no two commands share a key (what the sheet lists is what the keys do)', () => {
    const keys = SHORTCUTS.filter((s) => !s.describeOnly).map((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('matches key presses exactly, Cmd on macOS, Ctrl elsewhere', () => {
    expect(commandForKey(press('p', { ctrlKey: true }), false)).toBe('file.quickOpen');
    expect(commandForKey(press('P', { ctrlKey: true, shiftKey: true }), false)).toBe('palette');
    expect(commandForKey(press('p', { metaKey: true }), true)).toBe('file.quickOpen');
    expect(commandForKey(press('p', { ctrlKey: true }), true)).toBeNull(); // Ctrl+P on a Mac is not Cmd+P
    expect(commandForKey(press('s', { ctrlKey: true, altKey: true }), false)).toBe('file.saveAll');
    expect(commandForKey(press('∑', { altKey: true }, 'KeyW'), true)).toBe('file.close'); // Alt+W types ∑ on a Mac
    expect(commandForKey(press('Escape'), false)).toBe('page.close');
    expect(commandForKey(press('/', { ctrlKey: true, shiftKey: true }), false)).toBe('help.shortcuts'); // "/" needs Shift on some layouts
  });

  it('in the YAML editor only the shortcuts meant for it; Monaco keeps Ctrl+/ and Esc', () => {
    expect(commandForKey(press('s', { ctrlKey: true }), false, true)).toBe('file.save');
    expect(commandForKey(press('/', { ctrlKey: true }), false, true)).toBeNull();
    expect(commandForKey(press('Escape'), false, true)).toBeNull();
  });

  it('reads as the platform writes it', () => {
    expect(displayKeys('Mod+Shift+P', false)).toBe('Ctrl+Shift+P');
    expect(displayKeys('Mod+Shift+P', true)).toBe('Cmd+Shift+P');
    expect(displayKeys('Escape', false)).toBe('Esc');
  });

  it('the toolbar holds the main jobs, each also in a menu', () => {
    const inMenus = new Set(APP_MENUS.flatMap((m) => m.items.map((i) => i.command)));
    expect(TOOLBAR.map((t) => t.command)).toEqual(['new.sow', 'new.cr', 'new.adr', 'file.exportPdf', 'git.commit', 'remote.sync', 'workspace.openFolder']);
    for (const t of TOOLBAR) expect(inMenus.has(t.command), t.command).toBe(true);
  });
});
