import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import sdl from '@microsoft/eslint-plugin-sdl';
import guards from './tools/eslint-plugin-electron-guards.mjs';
import layers from './tools/eslint-plugin-layers.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'scratch/**', 'test-results/**', 'test/fixtures/**', 'core/common/model/schema-types.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { layers, guards, sdl },
    rules: {
      'layers/boundaries': 'error',
      'guards/electron': 'error',
      'sdl/no-electron-node-integration': 'error',
      'sdl/no-inner-html': 'error',
      'sdl/no-document-write': 'error',
      'sdl/no-html-method': 'error',
      'sdl/no-postmessage-star-origin': 'error',
      'sdl/no-document-domain': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['core/common/**/*.ts'],
    languageOptions: { globals: {} },
  },
  {
    // Size and shape: a function a reader can hold in mind, a file that says one thing (generated files are ignored above).
    files: ['core/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 500, skipBlankLines: false, skipComments: false }],
      'max-lines-per-function': ['error', { max: 150, skipBlankLines: false, skipComments: false }],
    },
  },
  {
    // No synchronous file system in core/node: in Electron it would freeze the main process, so every window.
    // Start-up code that runs before anything waits (the app state file) says so with an eslint-disable comment.
    files: ['core/node/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportSpecifier[imported.name=/Sync$/]',
          message: 'Synchronous fs calls block the main process; use node:fs/promises (start-up code may disable this rule with a reason).',
        },
        {
          selector:
            'CallExpression[callee.type=MemberExpression][callee.property.name=/^(readFile|writeFile|readdir|stat|lstat|exists|mkdir|rm|unlink|rename|open|realpath|readlink|copyFile|access)Sync$/]',
          message: 'Synchronous fs calls block the main process; use node:fs/promises.',
        },
      ],
    },
  },
);
