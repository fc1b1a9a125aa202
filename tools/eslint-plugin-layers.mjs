// ESLint rule `layers/boundaries`: the dependency rules of the architecture, enforced on every import.
//   core/common  -> core/common, schemas; npm packages that need neither Node nor a DOM
//   core/node    -> core/common, core/node, schemas; Node built-ins; never electron
//   electron     -> core/common, core/node, electron, schemas
//   renderer     -> core/common, renderer, schemas; no Node built-ins, never electron
import { builtinModules } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const BUILTINS = new Set(builtinModules);
const DOM_PACKAGES = ['react', 'react-dom', 'monaco-editor', '@monaco-editor/react', 'monaco-yaml', 'zustand'];

export const LAYERS = {
  'core/common': { local: ['core/common', 'schemas'], node: false, electron: false, dom: false },
  'core/node': { local: ['core/common', 'core/node', 'schemas'], node: true, electron: false, dom: false },
  electron: { local: ['core/common', 'core/node', 'electron', 'schemas'], node: true, electron: true, dom: false },
  renderer: { local: ['core/common', 'renderer', 'schemas'], node: false, electron: false, dom: true },
};

/** The layer a repository-relative path belongs to, or null when it is outside every restricted folder. */
export function layerOf(rel) {
  const norm = rel.split(path.sep).join('/');
  for (const name of ['core/common', 'core/node', 'electron', 'renderer', 'schemas', 'resources']) {
    if (norm === name || norm.startsWith(`${name}/`)) return name;
  }
  return null;
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Why `spec` may not be imported from `fileRel` (repository-relative), or null when it may. */
export function violation(fileRel, spec, root = ROOT) {
  const from = layerOf(fileRel);
  const rules = from && LAYERS[from];
  if (!rules) return null;
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const target = path.relative(root, path.resolve(root, path.dirname(fileRel), spec));
    const to = layerOf(target);
    if (to && rules.local.includes(to)) return null;
    return `${from} may not import ${to ?? target} (allowed: ${rules.local.join(', ')})`;
  }
  const pkg = packageName(spec);
  if (spec.startsWith('node:') || BUILTINS.has(pkg)) return rules.node ? null : `${from} must not use the Node built-in '${spec}'`;
  if (pkg === 'electron') return rules.electron ? null : `${from} must never import electron`;
  if (DOM_PACKAGES.includes(pkg) && !rules.dom) return `${from} must not use the browser package '${pkg}'`;
  return null;
}

const boundaries = {
  meta: { type: 'problem', docs: { description: 'Enforce the layer dependency rules of Covenant' }, schema: [] },
  create(context) {
    const rel = path.relative(ROOT, context.filename);
    const check = (node, source) => {
      if (!source || typeof source.value !== 'string') return;
      const why = violation(rel, source.value);
      if (why) context.report({ node: source, message: why });
    };
    return {
      ImportDeclaration: (n) => check(n, n.source),
      ExportNamedDeclaration: (n) => check(n, n.source),
      ExportAllDeclaration: (n) => check(n, n.source),
      ImportExpression: (n) => check(n, n.source.type === 'Literal' ? n.source : null),
      CallExpression: (n) => {
        if (n.callee.type === 'Identifier' && n.callee.name === 'require' && n.arguments[0]?.type === 'Literal') check(n, n.arguments[0]);
      },
    };
  },
};

export default { rules: { boundaries } };
