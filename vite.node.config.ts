import { defineConfig } from 'vite';

// Bundles the Node side (the CLI today; the server and Electron's main later) into dist/node. Dependencies stay
// external (ssr mode): they are installed beside it. Schemas are inlined from schemas/*.json. TypeBox is bundled:
// its ESM build is some 200 small modules, and resolving them cost every CLI command about 50 ms of its start.
export default defineConfig({
  ssr: { noExternal: ['@sinclair/typebox'] },
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
