import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
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
    ['renderer/x.ts', 'pdfkit', "renderer may not use the package 'pdfkit'"],
    ['renderer/x.ts', 'isomorphic-git', "renderer may not use the package 'isomorphic-git'"],
    ['core/common/x.ts', 'chokidar', "core/common may not use the package 'chokidar'"],
    ['core/common/x.ts', 'prom-client', "core/common may not use the package 'prom-client'"],
    // the metrics are written by hand from the core's own figures (core/node/metrics.ts): no client library
    ['core/node/x.ts', 'prom-client', "core/node may not use the package 'prom-client'"],
    ['core/node/x.ts', 'react', 'core/node must not use the browser package'],
    ['core/node/x.ts', 'left-pad', "core/node may not use the package 'left-pad'"],
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
    const [result] = await eslint.lintText(
      "import { readFileSync } from 'node:fs';\nimport { runCli } from '../node/cli.js';\nexport const x = [readFileSync, runCli];\n",
      {
        filePath: `${REPO}/core/common/known-bad.ts`,
      },
    );
    expect(result!.messages.filter((m) => m.ruleId === 'layers/boundaries').map((m) => m.line)).toEqual([1, 2]);
  });

  it('the lint step refuses synchronous fs in core/node', async () => {
    const eslint = new ESLint({ cwd: REPO });
    const [result] = await eslint.lintText(
      "import { readFileSync } from 'node:fs';\nimport fs from 'node:fs';\nexport const x = () => [readFileSync('a'), fs.statSync('b')];\n",
      { filePath: `${REPO}/core/node/known-bad.ts` },
    );
    expect(result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.line)).toEqual([1, 3]);
  });
});

describe('Electron security lint rules', () => {
  it('a known-bad file trips every rule: raw IPC, openExternal, loadURL, insecure webPreferences, innerHTML, document.write, postMessage *', async () => {
    const eslint = new ESLint({ cwd: REPO, ignore: false });
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(`${REPO}/test/fixtures/eslint/bad-electron.ts`, 'utf8');
    const [result] = await eslint.lintText(text, { filePath: `${REPO}/electron/known-bad.ts` });
    const found = result!.messages.map((m) => `${m.line}:${m.ruleId}`);
    expect(found).toEqual(
      expect.arrayContaining([
        '2:guards/electron', // ipcMain import
        '7:guards/electron', // openExternal
        '8:guards/electron', // loadURL
        '9:guards/electron', // contextIsolation false, sandbox false, webSecurity false, nodeIntegration true
        '10:sdl/no-inner-html',
        '11:sdl/no-document-write',
        '12:sdl/no-postmessage-star-origin',
      ]),
    );
    expect(result!.messages.filter((m) => m.line === 9 && m.ruleId === 'guards/electron').length).toBeGreaterThanOrEqual(4);
    expect(result!.messages.filter((m) => m.line === 2 && m.ruleId === 'guards/electron')).toHaveLength(2);
  });

  it('the real shell passes those rules (its wrappers are where the calls are allowed)', async () => {
    const eslint = new ESLint({ cwd: REPO });
    const results = await eslint.lintFiles(['electron/**/*.ts']);
    expect(results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line} ${m.ruleId}`))).toEqual([]);
  });

  it('the electronegativity audit passes with every finding explained in the allowlist', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, ['scripts/audit-electron.mjs'], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).not.toContain('Error parsing');
    expect(r.stdout).toContain('0 parse errors');
    expect(r.status, r.stderr).toBe(0);
  }, 120_000);
});

describe('the shape of core/', () => {
  /** Every import (static, type-only and dynamic) between files of core/, resolved to the imported file. */
  function importGraph(): Map<string, string[]> {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(path.join(REPO, dir), { withFileTypes: true })) {
        const rel = `${dir}/${e.name}`;
        if (e.isDirectory()) walk(rel);
        else if (rel.endsWith('.ts')) files.push(rel);
      }
    };
    walk('core');
    const graph = new Map<string, string[]>();
    for (const f of files) {
      const text = readFileSync(path.join(REPO, f), 'utf8');
      const specs = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2]!);
      const targets = specs
        .filter((s) => s.startsWith('.'))
        .map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(f), s)).replace(/\.js$/, '.ts'))
        .filter((t) => files.includes(t));
      graph.set(f, targets);
    }
    return graph;
  }

  /** The import circles of a graph, each as the files around it. */
  function circles(graph: Map<string, string[]>): string[][] {
    const found: string[][] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, 'open');
      stack.push(f);
      for (const t of graph.get(f) ?? []) {
        if (state.get(t) === 'open') found.push([...stack.slice(stack.indexOf(t)), t]);
        else if (!state.has(t)) visit(t);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of [...graph.keys()].sort()) if (!state.has(f)) visit(f);
    return found;
  }

  it('finds a circle when there is one (the check can fail)', () => {
    const g = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);
    expect(circles(g)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });

  it('core/ has no import circle, counting type-only and dynamic imports', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(100);
    expect(circles(graph).map((c) => c.join(' -> '))).toEqual([]);
  });

  it('the lint step refuses a function over 150 lines and a file over 500 lines in core/', async () => {
    const eslint = new ESLint({ cwd: REPO });
    const body = Array.from({ length: 151 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const long = `export function f(): number {\n${body}\n  return 0;\n}\n${Array.from({ length: 400 }, (_, i) => `export const c${i} = ${i};`).join('\n')}\n`;
    const [result] = await eslint.lintText(long, { filePath: `${REPO}/core/common/known-long.ts` });
    expect([...new Set(result!.messages.map((m) => m.ruleId))].filter((r) => r?.startsWith('max-')).sort()).toEqual(['max-lines', 'max-lines-per-function']);
  });

  it('the CLI is a transport of 450 lines at most: it reaches the core only through dispatch, never a service of its own', () => {
    const cli = readFileSync(path.join(REPO, 'core/node/cli.ts'), 'utf8');
    const reached = [...cli.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)].map((m) => m[1]).sort();
    // the Session and dispatch (the door), the result words, and what a terminal needs: reading an input file,
    // writing --out atomically, CI report formats, git's merge driver (three files, no workspace) and serve
    const allowed = [
      '../common/addendum.js',
      '../common/api.js',
      '../common/dates.js',
      '../common/diagnostics.js',
      '../common/errors.js',
      '../common/model/contract.js',
      '../common/provenance.js',
      '../common/result-text.js',
      './ci-formats.js',
      './dispatch.js',
      './fs/atomic.js',
      './merge-driver.js',
      './serve.js',
      './session.js',
      './text.js',
      './workspace-loader.js',
    ];
    expect(reached.filter((r) => !allowed.includes(r!))).toEqual([]);
    expect(cli.split('\n').length - 1).toBeLessThanOrEqual(450);
  });
});
