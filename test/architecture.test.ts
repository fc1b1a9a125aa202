import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers/workspace.js';
// @ts-expect-error: a plain .mjs module without types
import { violation } from '../tools/eslint-plugin-layers.mjs';

describe('dependency rules between folders', () => {
  it.each([
    ['core/common/x.ts', 'node:fs', 'core/common must not use the Node built-in'],
    ['core/common/x.ts', 'path', 'core/common must not use the Node built-in'],
    ['core/common/x.ts', '../node/cli.js', 'core/common may not import core/node'],
    ['core/common/rules/x.ts', '../../../renderer/app.js', 'core/common may not import renderer'],
    ['core/common/x.ts', 'electron', 'must never import electron'],
    ['core/common/x.ts', 'react', 'must not use the browser package'],
    ['core/node/x.ts', 'electron', 'core/node must never import electron'],
    ['core/node/x.ts', '../../renderer/app.js', 'core/node may not import renderer'],
    ['renderer/x.ts', '../core/node/cli.js', 'renderer may not import core/node'],
    ['renderer/x.ts', 'node:path', 'renderer must not use the Node built-in'],
    ['renderer/x.ts', 'electron', 'renderer must never import electron'],
  ])('%s may not import %s', (file, spec, why) => {
    expect(violation(file, spec)).toContain(why);
  });

  it.each([
    ['core/common/x.ts', './diagnostics.js'],
    ['core/common/x.ts', '../../schemas/sow.schema.json'],
    ['core/common/x.ts', 'yaml'],
    ['core/node/x.ts', '../common/workspace.js'],
    ['core/node/x.ts', 'node:fs'],
    ['electron/main.ts', '../core/node/handlers.js'],
    ['electron/main.ts', 'electron'],
    ['renderer/x.ts', '../core/common/workspace.js'],
    ['renderer/x.ts', 'react'],
  ])('%s may import %s', (file, spec) => {
    expect(violation(file, spec)).toBeNull();
  });

  it('the lint step fails on a known-bad file in core/common (the rule is wired into the config)', async () => {
    const eslint = new ESLint({ cwd: REPO });
    const [result] = await eslint.lintText("import { readFileSync } from 'node:fs';\nimport { runCli } from '../node/cli.js';\nexport const x = [readFileSync, runCli];\n", {
      filePath: `${REPO}/core/common/known-bad.ts`,
    });
    expect(result!.messages.filter((m) => m.ruleId === 'layers/boundaries').map((m) => m.line)).toEqual([1, 2]);
  });
});
