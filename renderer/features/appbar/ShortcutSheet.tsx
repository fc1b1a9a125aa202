import { displayKeys, SHORTCUTS } from '../../../core/common/menu.js';
import { COMMANDS, isMac } from '../../commands.js';
import { useUi } from '../../stores/ui.js';

/** Every keyboard shortcut, from the one list the key handler and the menus use. */
export function ShortcutSheet() {
  const open = useUi((s) => s.shortcutsOpen);
  if (!open) return null;
  const close = () => useUi.getState().setShortcuts(false);
  return (
    <div className="dialog-backdrop" onMouseDown={close}>
      <div
        className="dialog shortcut-sheet"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        data-testid="shortcuts"
        onMouseDown={(e) => e.stopPropagation()}
      >
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <table>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={`${s.command}-${s.keys}`}>
                <td>{s.describeOnly ?? COMMANDS.find((c) => c.id === s.command)?.title ?? s.command}</td>
                <td>
                  <kbd>{displayKeys(s.keys, isMac)}</kbd>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="page-note">Every action is also in the menus and in the command palette, and each has a CLI verb (covenant --help).</p>
        <div className="wizard-nav">
          <button className="primary" autoFocus onClick={close}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
