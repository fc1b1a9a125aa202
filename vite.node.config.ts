import { defineConfig } from 'vite';

// Bundles the Node side (the CLI, the server, the worker) into dist/node. Schemas are inlined from schemas/*.json.
// Dependencies a command loads at start are bundled too: each was a tree of CommonJS files resolved and compiled one by
// one (TypeBox some 200, yaml 84, ajv 103, isomorphic-git with pako 30), about 80 ms of every CLI command's start.
// The rest (pdfkit, chokidar, sshpk, playwright ...) stays external, loaded only by the commands that use it.
export default defineConfig({
  ssr: {
    noExternal: [
      ...['@sinclair/typebox', 'yaml', 'ajv', 'ajv-formats', 'ajv-draft-04', 'fast-uri', 'fast-deep-equal', 'json-schema-traverse', 'csv-parse', 'commander'],
      ...['isomorphic-git', 'pako', 'ignore', 'async-lock', 'diff3', 'clean-git-ref', 'pify', 'crc-32', 'sha.js', 'readable-stream'],
    ],
  },
  build: {
    ssr: true,
    outDir: 'dist/node',
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    minify: false,
    rollupOptions: {
      input: { cli: 'core/node/cli.ts', 'analysis-worker': 'core/node/analysis/worker.ts' },
      output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' },
    },
  },
});
