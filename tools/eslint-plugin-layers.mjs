// ESLint rule `layers/boundaries`: the dependency rules of the architecture, enforced on every import, as allow-lists
// of folders and of npm packages (a package not on its layer's list is refused, so a new dependency is a decision).
//   core/common  -> core/common, schemas; yaml, ajv, @sinclair/typebox (pure: neither Node nor a DOM)
//   core/node    -> core/common, core/node, schemas; Node built-ins; its own server-side packages; never electron or UI
//   electron     -> core/common, core/node, electron, schemas; Node built-ins; electron
//   renderer     -> core/common, renderer, schemas; React, Monaco, zustand, Chart.js; no Node built-ins, never electron
import { builtinModules } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const BUILTINS = new Set(builtinModules);
const DOM_PACKAGES = ['react', 'react-dom', 'monaco-editor', '@monaco-editor/react', 'monaco-yaml', 'zustand'];

const COMMON_PACKAGES = ['yaml', 'ajv', 'ajv-formats', '@sinclair/typebox', 'csv-parse', 'node-diff3'];
export const LAYERS = {
  'core/common': { local: ['core/common', 'schemas'], node: false, electron: false, dom: false, packages: COMMON_PACKAGES },
  'core/node': {
    local: ['core/common', 'core/node', 'schemas'],
    node: true,
    electron: false,
    dom: false,
    packages: [
      ...COMMON_PACKAGES,
      'csv-stringify',
      'chokidar',
      'commander',
      'isomorphic-git',
      'ignore',
      'fast-xml-parser',
      'ajv-draft-04',
      'pdfkit',
      'sshpk',
      'https-proxy-agent',
      'http-proxy-agent',
    ],
  },
  electron: { local: ['core/common', 'core/node', 'electron', 'schemas'], node: true, electron: true, dom: false, packages: [...COMMON_PACKAGES] },
  renderer: {
    local: ['core/common', 'renderer', 'schemas'],
    node: false,
    electron: false,
    dom: true,
    packages: [...COMMON_PACKAGES, ...DOM_PACKAGES, 'chart.js'],
  },
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
  if (!rules.packages.includes(pkg))
    return `${from} may not use the package '${pkg}' (allowed: ${rules.packages.join(', ')}); add it to the layer's list in tools/eslint-plugin-layers.mjs if it belongs there`;
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
