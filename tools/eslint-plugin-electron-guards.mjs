// ESLint rule `guards/electron`: the Electron APIs that can hurt stay in their one wrapper.
//   - ipcMain / ipcRenderer are imported only by electron/main.ts and electron/preload.ts (one handler, one bridge);
//   - shell.openExternal and loadURL are called only in electron/main.ts (behind isAllowedExternal / the app URL);
//   - contextIsolation, sandbox or webSecurity set to false, nodeIntegration set to true: nowhere.
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const rel = (filename) => path.relative(ROOT, filename).split(path.sep).join('/');

export const WRAPPERS = {
  ipc: ['electron/main.ts', 'electron/preload.ts'],
  openExternal: ['electron/main.ts'],
  loadURL: ['electron/main.ts'],
};

const electron = {
  meta: { type: 'problem', docs: { description: 'Keep dangerous Electron APIs inside their one wrapper' }, schema: [] },
  create(context) {
    const file = rel(context.filename);
    const report = (node, message) => context.report({ node, message });
    const propertyName = (p) => (p.key?.type === 'Identifier' ? p.key.name : p.key?.type === 'Literal' ? String(p.key.value) : null);
    return {
      ImportSpecifier(node) {
        const name = node.imported.name;
        if ((name === 'ipcMain' || name === 'ipcRenderer') && node.parent.source.value === 'electron' && !WRAPPERS.ipc.includes(file)) {
          report(node, `${name} is used only in ${WRAPPERS.ipc.join(' and ')}; go through the typed Api instead.`);
        }
      },
      CallExpression(node) {
        const callee = node.callee;
        const name = callee.type === 'MemberExpression' && !callee.computed ? callee.property.name : null;
        if (name === 'openExternal' && !WRAPPERS.openExternal.includes(file))
          report(node, 'shell.openExternal is called only by the allowlisted wrapper in electron/main.ts.');
        if (name === 'loadURL' && !WRAPPERS.loadURL.includes(file)) report(node, 'loadURL is called only in electron/main.ts, with the app:// URL.');
      },
      Property(node) {
        const key = propertyName(node);
        const v = node.value;
        if (v?.type !== 'Literal' || typeof v.value !== 'boolean') return;
        if (['contextIsolation', 'sandbox', 'webSecurity'].includes(key) && v.value === false) report(node, `${key} must never be false.`);
        if (
          ['nodeIntegration', 'nodeIntegrationInWorker', 'nodeIntegrationInSubFrames', 'allowRunningInsecureContent', 'webviewTag'].includes(key) &&
          v.value === true
        )
          report(node, `${key} must never be true.`);
      },
    };
  },
};

export default { rules: { electron } };
